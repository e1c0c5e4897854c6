"""``jit``: stage a function to fad's IR, lower it to StableHLO, compile it with XLA.

The first call with a new signature (argument structure, avals including weak
types, static argument values, the x64 flag) traces the function with a
``StageHandler`` into a ``ClosedProgram``; the program is lowered to StableHLO
text, compiled through ``fad._src.xla.runtime`` and cached with the entry.
Later calls with that signature go straight to the executable. Outputs are
``Array`` s that keep their device buffer, so feeding them back costs no upload.

Every call of a jitted function binds one primitive,
``xla_call[program, name, backend, donated]``, on its staged program; the handler
on top of the stack interprets it, so every transformation composes with ``jit``
through the rules below, and the bottom of the stack runs the executable
(``core.array_impls``):

* JVP: stage the JVP of the sub-program, then split it by dependency on the
  tangent inputs into a *known* program (primals -> primal outputs and
  residuals) and a *tangent* program ((residuals, tangents) -> tangent outputs),
  and bind one call of each. Under reverse mode's partial evaluator the known
  call runs at once and only the (linear) tangent call is staged.
* Transpose: stage ``backward_pass`` of the sub-program into a new program and
  call that.
* Batching: stage ``vmap`` of the sub-program and call that.
* Lowering: the sub-program is lowered inline.

Derived programs and executables are cached per program object, so a
``grad(jit(f))`` in a training loop traces, splits, transposes and compiles once.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, final, overload

import numpy as np

from fad._src import core, dtypes, placement
from fad._src import tree_util as tu
from fad._src.config import config
from fad._src.core import Array, Params, ShapedArray, Tracer
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.interpreters.programs import (
    batch_program,
    flat_arrays,
    jvp_split,
    transpose_call,
)
from fad._src.interpreters.stage import StageHandler, StageTracer
from fad._src.ir import ClosedProgram
from fad._src.ir.passes import ProgramCache, hoist_tracer_consts
from fad._src.sharding import GSPMDSharding, Mesh, Sharding, SingleDeviceSharding
from fad._src.xla import lowering, runtime

# The jitted function's signature: its parameters and result type (kept by ``jit``).
P = ParamSpec("P")
P2 = ParamSpec("P2")
R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")

__all__ = [
    "JitStats",
    "Lowered",
    "block_until_ready",
    "default_backend",
    "device_put",
    "devices",
    "disable_compilation_cache",
    "enable_compilation_cache",
    "jit",
    "stats",
    "xla_call_p",
]


@dataclass
class JitStats:
    """Process-wide counters (for tests and benchmarks): traces of jitted functions,
    programs lowered to StableHLO, and executables compiled (or loaded from the
    persistent cache)."""

    traces: int = 0
    lowerings: int = 0
    compiles: int = 0


stats = JitStats()


# ---------------------------------------------------------------------------
# Compiled programs
# ---------------------------------------------------------------------------


class DonatedArgumentError(ValueError):
    """An array whose buffer was donated to an earlier call was passed again."""


def _fetch_host(buf: runtime.DeviceBuffer) -> np.ndarray[Any, Any]:
    """The host value of a device buffer, for ``Array`` (installed as ``core.fetch_host``)."""
    if buf.is_deleted():
        raise DonatedArgumentError(_donated_message("this array"))
    if placement.sharded_arrays_exist and runtime.is_multi_device(buf):
        return placement.assemble(buf)
    return runtime.to_numpy(buf)


# Outputs of compiled calls hold device buffers; their host values are read by the runtime.
core.fetch_host = _fetch_host


# One compiled function per primitive and parameters (``jit`` keys its executables on the
# operand types), for eager evaluation of operands that hold subnormal numbers.
_single: dict[tuple[Any, ...], JitFunction[..., Any]] = {}


def _eval_compiled(prim: core.Primitive, args: Sequence[Array], params: Params) -> Any:
    """``prim`` applied to concrete ``args`` by XLA (installed as ``core.eval_compiled``)."""
    key: tuple[Any, ...] | None = (prim, *params.items())
    try:
        f = _single.get(key)  # type: ignore[arg-type]
    except TypeError:  # an unhashable parameter: compile for this call only
        f, key = None, None
    if f is None:
        f = jit(functools.partial(prim.bind, **params))
        if key is not None:
            if len(_single) >= 1024:  # bounded: a program's own primitives
                _single.clear()
            _single[key] = f
    return f(*args)


core.eval_compiled = _eval_compiled


def _check_cpu_devices(value: object) -> None:
    started = runtime.cpu_backend_devices()
    if started is not None and value != started:
        raise RuntimeError(
            f"num_cpu_devices must be set before the CPU backend starts; it already runs with "
            f"{started} device(s). Set it first thing, or use $FAD_NUM_CPU_DEVICES."
        )


def _check_cpu_async(value: object) -> None:
    if runtime.cpu_backend_devices() is not None and value != config.cpu_enable_async_dispatch:
        raise RuntimeError(
            "cpu_enable_async_dispatch must be set before the CPU backend starts; set it "
            "first thing, or use $FAD_CPU_ENABLE_ASYNC_DISPATCH."
        )


# The CPU client starts with the configured number of devices and dispatch mode, and
# refuses a change later.
runtime.cpu_device_count = lambda: config.num_cpu_devices
runtime.cpu_async = lambda: config.cpu_enable_async_dispatch
config.add_check("num_cpu_devices", _check_cpu_devices)
config.add_check("cpu_enable_async_dispatch", _check_cpu_async)


def _buffer_of(
    a: Array, device: runtime.Device | None, shared: bool = True
) -> runtime.DeviceBuffer:
    """The device buffer of a concrete array, uploading (and remembering) it if needed.

    ``shared=False`` (a donated argument) never hands out a cached scalar buffer: a host
    scalar's remembered buffer may be the one its value shares with other arrays, so a
    donated one gets its own upload.
    """
    buf: runtime.DeviceBuffer | None = a._buffer
    if buf is not None:
        host = a._host
        if shared or host is None or host.ndim:
            return buf
    v = a._value
    if v.ndim == 0 and shared:
        # Scalars (Python numbers, mostly) are uploaded once per value and device: an
        # upload costs more than the call itself. Keyed by bytes, so -0.0 != 0.0. The
        # array remembers the shared buffer; donation never deletes a shared one (above).
        key = (v.dtype, v.tobytes(), device)
        cached = _scalar_buffers.get(key)
        if cached is None or cached[0].is_deleted():
            if len(_scalar_buffers) >= _SCALAR_CACHE_SIZE:
                _scalar_buffers.clear()
            cached = _scalar_buffers[key] = _upload(v, device)
        a._buffer, a._computed = cached
        return cached[0]
    if v.flags.writeable:  # fad's own results are frozen when handed out (see Array.__array__)
        v.flags.writeable = False
    new, complete = _upload(v, device)
    # The buffer is a copy, or a zero-copy alias of memory nobody can write: either way a
    # pure cache of the array's (immutable) value, kept so later calls do not upload again.
    if shared:
        a._buffer = new
        a._computed = complete
    return new


def _upload(
    v: np.ndarray[Any, Any], device: runtime.Device | None
) -> tuple[runtime.DeviceBuffer, bool]:
    """``v`` on ``device``, and whether the buffer is known complete. Where programs run to
    the end on the calling thread (synchronous CPU) the upload is waited for here, once: a
    program with an unfinished input would be queued instead, and so would every later one
    on that device."""
    buf = runtime.device_put(v, device)
    if runtime.completes_inline(device):
        buf.block_until_ready()
        return buf, True
    return buf, False


_SCALAR_CACHE_SIZE = 1024
_scalar_buffers: dict[tuple[Any, bytes, Any], tuple[runtime.DeviceBuffer, bool]] = {}


_new_object = object.__new__
_PY_SCALARS = (float, int, bool, complex)
# The handler stack's current frame (``core.is_eager()`` without its call).
_current_frame = core._current.get
# Whether a program may have been queued behind unfinished work rather than run inline:
# once one had an input not known complete, a later one on its device may wait for it
# too, so from then on no output is taken as complete without asking its buffer.
_maybe_queued = False


def _note_queued() -> None:
    global _maybe_queued
    _maybe_queued = True


@final
class _Compiled:
    """An executable for one program, with its hoisted constants already on the device."""

    __slots__ = (
        "const_bufs", "device", "donated_args", "exe", "execute", "handlers", "inline", "launch",
        "module", "n_args", "out_weak",
    )  # fmt: skip

    def __init__(
        self, module: lowering.LoweredModule, backend: str | None, donated: Sequence[int]
    ) -> None:
        be = runtime.get_backend(backend)
        n = len(module.hoisted)
        out_avals = [runtime.Aval(a.shape, a.dtype, a.weak_type) for a in module.out_avals]
        self.exe = runtime.compile(
            module.text, be, out_avals=out_avals, donated=[n + i for i in donated],
            host_callbacks=module.host_callbacks,
        )  # fmt: skip
        stats.compiles += 1
        self.module = module
        self.donated_args = frozenset(donated)
        self.device = self.exe.device
        # Runs to the end inside ``launch`` when its inputs are complete: then its outputs
        # are complete too, and ``block_until_ready`` has nothing to wait for.
        self.inline = runtime.completes_inline(self.device)
        self.execute = self.exe.execute
        self.launch = self.exe.launch
        self.handlers = self.exe.result_handlers
        self.const_bufs = [
            runtime.device_put(np.asarray(c._value), self.device) for c in module.hoisted
        ]
        self.out_weak = tuple(a.weak_type for a in module.out_avals)
        self.n_args = len(module.in_avals)

    def run(self, args: Sequence[Array]) -> list[Array]:
        """Execute on concrete ``args``; donated arguments' buffers are deleted after.
        (``JitFunction.__call__`` inlines the common case: no donation.)"""
        device, donated = self.device, self.donated_args
        if donated:
            once = [args[i] for i in donated]
            if len({id(a) for a in once}) != len(once):
                raise ValueError(
                    "the same array was passed for two donated arguments (donate_argnums); "
                    "a buffer can be donated once"
                )
        bufs = self.const_bufs.copy()
        complete = True  # every input is known complete
        for i, a in enumerate(args):
            b = _buffer_of(a, device, i not in donated)
            bufs.append(b)
            complete = complete and (a._computed if b is a._buffer else b.is_ready())
        try:
            outs = self.launch(bufs).consume_with_handlers(self.handlers)
        except Exception as err:
            outs = self._recover(args, err)
        done = self.finished(complete)
        if donated:
            # A donated array is consumed, as in JAX: its buffer is deleted and the array
            # reports is_deleted() and refuses further use, host-backed ones too.
            n_const = len(self.const_bufs)
            for i in donated:
                buf: Any = bufs[n_const + i]
                if not buf.is_deleted():
                    buf.delete()
                args[i]._buffer = buf
                args[i]._computed = False
                args[i]._host = None
        return _wrap_outputs(outs, self.out_weak, done)

    def finished(self, complete: bool) -> bool:
        """Whether a run just launched, on inputs known ``complete`` or not, has finished."""
        if complete:
            return self.inline and not _maybe_queued
        if self.inline:
            _note_queued()
        return False

    def _recover(self, args: Sequence[Array], err: Exception) -> list[runtime.DeviceBuffer]:
        """A donated argument gets a clear error; buffers on another device are re-uploaded."""
        for i, a in enumerate(args):
            if a.is_deleted():
                raise DonatedArgumentError(_donated_message(f"argument {i}")) from err
        _note_queued()  # (the new uploads are not waited for)
        host = [runtime.device_put(np.asarray(a._value), self.device) for a in args]
        try:
            return self.execute([*self.const_bufs, *host])
        except Exception:
            raise err from None


def _wrap_outputs(
    outs: Sequence[runtime.DeviceBuffer], out_weak: Sequence[bool], done: bool = False
) -> list[Array]:
    """Arrays of a run's output buffers (``done``: the run is known to have finished)."""
    # The hot path: skip Array.__init__ (the host value is fetched on first use), and
    # zip (a keyword argument to a builtin is a slow call).
    results = []
    for b, weak in zip(outs, out_weak):  # noqa: B905 (as long, by construction)
        arr: Array = _new_object(Array)
        arr._host = None
        arr._weak_type = weak
        arr._buffer = b
        arr._computed = done
        results.append(arr)
    return results


# How a call's operands and results are cut over devices: one sharding (or ``None``:
# unspecified) per operand, then per result.
Layout = tuple[tuple[Sharding | None, ...], tuple[Sharding | None, ...]]


@final
class _SpmdCompiled:
    """An executable for one program partitioned by XLA's SPMD partitioner over several
    devices, with the argument shardings it was compiled for."""

    __slots__ = ("const_bufs", "exe", "in_rs", "in_shardings", "out_weak")

    def __init__(
        self, program: ClosedProgram, name: str, backend: str | None,
        devices: tuple[Any, ...], ins: Sequence[Sharding], outs: Sequence[Sharding | None],
    ) -> None:  # fmt: skip
        in_nd = [len(a.shape) for a in program.in_avals]
        out_nd = [len(a.shape) for a in program.out_avals]
        layout = lowering.SpmdLayout(
            len(devices),
            tuple(s.hlo_text(n) for s, n in zip(ins, in_nd, strict=True)),
            tuple(None if s is None else s.hlo_text(n) for s, n in zip(outs, out_nd, strict=True)),
        )
        module = lowering.lower_program(program, name, layout)
        stats.lowerings += 1
        out_avals = [runtime.Aval(a.shape, a.dtype, a.weak_type) for a in module.out_avals]
        self.exe = runtime.compile(
            module.text, runtime.get_backend(backend), out_avals=out_avals, devices=devices,
            host_callbacks=module.host_callbacks,
            out_shardings=[
                None if s is None else placement.runtime_sharding(s, n)
                for s, n in zip(outs, out_nd, strict=True)
            ],
        )  # fmt: skip
        stats.compiles += 1
        replicated = GSPMDSharding(devices)
        self.const_bufs = [placement.put(np.asarray(c._value), replicated) for c in module.hoisted]
        placement.mark_sharded()  # its results span several devices
        self.in_shardings = tuple(ins)
        self.in_rs = tuple(
            placement.runtime_sharding(s, n) for s, n in zip(ins, in_nd, strict=True)
        )
        self.out_weak = tuple(a.weak_type for a in module.out_avals)

    def run(self, args: Sequence[Array]) -> list[Array]:
        bufs = self.const_bufs.copy()
        for a, sh, rs in zip(args, self.in_shardings, self.in_rs, strict=True):
            b: Any = a._buffer
            if b is None or b.is_deleted() or runtime.buffer_sharding(b) != rs:
                b = placement.put(np.asarray(a._value), sh)  # to this layout, through the host
            bufs.append(b)
        _note_queued()  # (a program over several devices may be)
        return _wrap_outputs(self.exe.execute(bufs), self.out_weak)


_program_devices_cache: ProgramCache[tuple[tuple[Any, ...] | None]] = ProgramCache()


def _program_devices(program: ClosedProgram) -> tuple[Any, ...] | None:
    """The devices a mesh or multi-device sharding named inside ``program`` spans (a
    shard_map, a sharding constraint), searched through sub-programs: such a program is
    partitioned over them even when its arguments are on one device."""

    def find(closed: ClosedProgram) -> tuple[Any, ...] | None:
        for eqn in closed.program.eqns:
            for p in eqn.params.values():
                for v in p if isinstance(p, tuple) else (p,):
                    if isinstance(v, Mesh):
                        return tuple(v.devices.flat)
                    if isinstance(v, Sharding) and v.num_devices > 1:
                        return v.device_assignment
                    if isinstance(v, ClosedProgram):
                        found = find(v)
                        if found is not None:
                            return found
        return None

    return _program_devices_cache.get(program, None, lambda: (find(program),))[0]


def call_sharded(
    program: ClosedProgram, args: Sequence[Array], ins: tuple[Sharding | None, ...],
    outs: tuple[Sharding | None, ...], name: str,
) -> list[Array]:  # fmt: skip
    """Call ``program`` compiled over several devices, arguments and results laid out as
    ``ins``/``outs`` say (what shard_map runs eagerly)."""
    return xla_call_p.bindn(
        *args, program=program, name=name, backend=None, donated=(), shardings=(ins, outs)
    )


def _multi_device(a: Array) -> bool:
    b = a._buffer
    return b is not None and runtime.is_multi_device(b)


def _spmd_layout(
    args: Sequence[Array], program: ClosedProgram, shardings: Layout | None
) -> tuple[tuple[Any, ...], list[Sharding], list[Sharding | None]] | None:
    """The devices, argument shardings and result shardings of a call over several
    devices, or ``None`` when everything is on one device.

    Unspecified arguments take the sharding of the array passed (when it spans several
    devices) or are replicated; unspecified results are left to the partitioner.
    """
    n_out = len(program.out_avals)
    ins: list[Sharding | None] = list(shardings[0]) if shardings else [None] * len(args)
    outs: list[Sharding | None] = list(shardings[1]) if shardings else [None] * n_out
    for i, a in enumerate(args):
        if ins[i] is None and _multi_device(a):
            ins[i] = placement.sharding_of(a)
    given = [s for s in (*ins, *outs) if s is not None and s.num_devices > 1]
    if not given:
        inside = _program_devices(program)
        if inside is None:
            return None
        given = [GSPMDSharding(inside)]
    devices = given[0].device_assignment
    for g in given:
        if g.device_assignment != devices:
            raise ValueError(
                f"jit: the shardings of one call must use the same devices in the same order; "
                f"got {g!r} and {given[0]!r}"
            )
    for one in (*ins, *outs):
        if isinstance(one, SingleDeviceSharding):
            raise ValueError(
                f"jit: {one!r} mixes one device with a program over {len(devices)} devices"
            )
    replicated = GSPMDSharding(devices)
    return devices, [s if s is not None else replicated for s in ins], outs


def _donated_message(what: str) -> str:
    return (
        f"{what} was donated to an earlier jitted call (donate_argnums), so its device "
        "buffer has been deleted; it cannot be passed again. Use the output of the donating "
        "call instead, or do not donate it."
    )


_executables: ProgramCache[_Compiled] = ProgramCache()
_spmd_executables: ProgramCache[_SpmdCompiled] = ProgramCache()


def _compiled_for(
    closed: ClosedProgram, name: str, backend: str | None, donated: tuple[int, ...]
) -> _Compiled:
    key = (backend, donated)
    c = _executables.lookup(closed, key)
    if c is None:
        module = lowering.lower_program(closed, name)
        stats.lowerings += 1
        c = _executables.put(closed, key, _Compiled(module, backend, donated))
    return c


# ---------------------------------------------------------------------------
# Calling a derived program
# ---------------------------------------------------------------------------


def _call(
    closed: ClosedProgram, args: Sequence[Array], name: str, backend: str | None
) -> list[Array]:
    """Bind ``xla_call`` on a program a rule derived (one with no equations is read off)."""
    if not closed.program.eqns:
        return closed(*args)
    return xla_call_p.bindn(*args, program=closed, name=name, backend=backend, donated=())


# ---------------------------------------------------------------------------
# The call primitive and its rules
# ---------------------------------------------------------------------------

xla_call_p = core.new_primitive("xla_call", multiple_results=True)


def _xla_call_abstract(
    *avals: ShapedArray, program: ClosedProgram, name: str, backend: str | None,
    donated: tuple[int, ...], shardings: Layout | None = None,
) -> list[ShapedArray]:  # fmt: skip
    want = program.in_avals
    if len(avals) != len(want) or any(
        a.shape != w.shape or a.dtype != w.dtype for a, w in zip(avals, want, strict=False)
    ):
        raise TypeError(
            f"xla_call {name}: operands ({', '.join(a.str_short() for a in avals)}) do not match "
            f"the program's inputs ({', '.join(w.str_short() for w in want)})"
        )
    return program.out_avals


def _xla_call_eager(
    *args: Array, program: ClosedProgram, name: str, backend: str | None,
    donated: tuple[int, ...], shardings: Layout | None = None,
) -> list[Array]:  # fmt: skip
    spmd = None
    if shardings is not None or placement.sharded_arrays_exist:
        spmd = _spmd_layout(args, program, shardings)
    if spmd is None:
        compiled = _executables.lookup(program, (backend, donated))  # every eager jitted call
        if compiled is None:
            compiled = _compiled_for(program, name, backend, donated)
        return compiled.run(args)
    if donated:
        raise ValueError("jit: donate_argnums is not supported for programs over several devices")
    devices, ins, outs = spmd
    key = (backend, tuple(d.id for d in devices), tuple(ins), tuple(outs))
    sc = _spmd_executables.lookup(program, key)
    if sc is None:
        sc = _spmd_executables.put(
            program, key, _SpmdCompiled(program, name, backend, devices, ins, outs)
        )
    return sc.run(args)


def _xla_call_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, program: ClosedProgram, name: str,
    backend: str | None, donated: tuple[int, ...], shardings: Layout | None = None,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    split = jvp_split(program, tuple(not isinstance(t, Zero) for t in tangents))
    n_out = len(program.out_avals)
    known = _call(split.known, primals, f"jvp_known_{name}", backend)
    primal_out, res = known[:n_out], known[n_out:]
    res_in = [primals[i] for i in split.res_in]
    nz_t = [t for t in tangents if not isinstance(t, Zero)]
    t_out = iter(
        _call(split.tangent, [*res_in, *res, *nz_t], f"jvp_tangent_{name}", backend)
        if any(split.out_nonzero) else []
    )  # fmt: skip
    return primal_out, [
        next(t_out) if m else Zero(p.aval)
        for p, m in zip(primal_out, split.out_nonzero, strict=True)
    ]


def _xla_call_transpose(
    cts: Sequence[MaybeZero], *args: Any, program: ClosedProgram, name: str, backend: str | None,
    donated: tuple[int, ...], shardings: Layout | None = None,
) -> list[MaybeZero | None]:  # fmt: skip
    return transpose_call(
        cts, args, program, lambda t, ops: _call(t, ops, f"transpose_{name}", backend)
    )


def _xla_call_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, program: ClosedProgram, name: str,
    backend: str | None, donated: tuple[int, ...], shardings: Layout | None = None,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    moved = [
        v if d is None else batching.moveaxis(v, d, 0) for v, d in zip(vals, dims, strict=True)
    ]
    b = batch_program(program, tuple(d is not None for d in dims), size)
    outs = _call(b.program, moved, f"vmap_{name}", backend)
    return outs, [0 if m else None for m in b.out_mask]


core.def_abstract(xla_call_p, _xla_call_abstract)
core.def_array_impl(xla_call_p, _xla_call_eager)
jvp_mod.def_jvp_rule(xla_call_p, _xla_call_jvp)
transpose_mod.def_transpose(xla_call_p, _xla_call_transpose)
batching.def_batch(xla_call_p, _xla_call_batch)
lowering.def_rule(xla_call_p, lambda ctx, *args, program, **_: ctx.call(program, args))


# ---------------------------------------------------------------------------
# jit
# ---------------------------------------------------------------------------

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _leaf_paths(td: tu.PyTreeDef, prefix: str, out: list[str]) -> None:
    if td.is_leaf():
        out.append(prefix)
        return
    for i, child in enumerate(td.children()):
        _leaf_paths(child, prefix + tu._path_entry(td, i), out)


@final
class _Entry:
    """One cached signature: the traced program, the parameters of its ``xla_call``, how
    to rebuild outputs."""

    __slots__ = (
        "closed", "compiled", "float0_args", "names", "out_slots", "out_tree", "outputs",
        "params", "simple", "tracer_consts",
    )  # fmt: skip

    def __init__(
        self, closed: ClosedProgram, tracer_consts: tuple[Array, ...], out_tree: tu.PyTreeDef,
        out_slots: tuple[int | np.ndarray[Any, Any], ...], names: list[str], name: str,
        backend: str | None, donated: tuple[int, ...], shardings: Layout | None = None,
        float0_args: tuple[bool, ...] = (),
    ) -> None:  # fmt: skip
        self.closed = closed
        # Flat arguments of dtype float0 (tangents of integers): no data, so no program input.
        self.float0_args = float0_args if any(float0_args) else ()
        self.tracer_consts = tracer_consts
        self.out_tree = out_tree
        self.out_slots = out_slots
        # The result is the call's one output (the common case, taken without ``outputs``).
        self.simple = out_tree.is_leaf() and len(out_slots) == 1 and isinstance(out_slots[0], int)
        # The function's result from the call's flat outputs (see ``simple``).
        self.outputs: Callable[[Sequence[Any]], Any] = self._general_outputs
        if all(type(s) is int and s == i for i, s in enumerate(out_slots)):  # in order
            self.outputs = tu.unflattener(out_tree)
        self.names = names
        self.params: Params = {
            "program": closed, "name": name, "backend": backend, "donated": donated,
        }  # fmt: skip
        if shardings is not None:
            self.params = {**self.params, "shardings": shardings}
        # The executable, once an eager call has needed it (see JitFunction._call_entry).
        self.compiled: _Compiled | None = None

    def _general_outputs(self, outs: Sequence[Any]) -> Any:
        leaves = [outs[s] if isinstance(s, int) else s for s in self.out_slots]
        return tu.tree_unflatten(self.out_tree, leaves)


class Lowered(Generic[P, R]):
    """A jitted function lowered for one signature: ``as_text()`` is its StableHLO.

    Made by ``fad.jit(f).lower(*args)``.

    Examples:
        >>> lowered = fad.jit(lambda x: x * 2.0).lower(jnp.ones(3))
        >>> "stablehlo.multiply" in lowered.as_text()
        True
        >>> lowered.compile()(jnp.ones(3))
        Array([2., 2., 2.], dtype=float32)
    """

    def __init__(
        self, fun: JitFunction[P, R], entry: _Entry, module: lowering.LoweredModule
    ) -> None:
        self._fun = fun
        self._entry = entry
        self._module = module

    def as_text(self) -> str:
        """The StableHLO module, as MLIR text: what fad hands to XLA to compile."""
        return self._module.text

    @property
    def in_avals(self) -> tuple[ShapedArray, ...]:
        """The abstract values (shape, dtype, weak type) of the flattened dynamic arguments."""
        return self._module.in_avals

    @property
    def out_avals(self) -> tuple[ShapedArray, ...]:
        """The abstract values of the flattened outputs."""
        return self._module.out_avals

    def compile(self) -> Compiled[P, R]:
        """Compile the module (or reuse the executable of the jitted function's cache).

        Returns:
            A ``Compiled``, callable with arguments of this signature.
        """
        return Compiled(self._fun, self._entry, self._fun._compile(self._entry))


class Compiled(Generic[P, R]):
    """A jitted function compiled for one signature; call it with arguments of that signature."""

    def __init__(self, fun: JitFunction[P, R], entry: _Entry, compiled: _Compiled) -> None:
        self._fun = fun
        self._entry = entry
        self._compiled = compiled

    def as_text(self) -> str:
        """The optimized HLO XLA produced (for inspection)."""
        return self._compiled.exe.hlo_text()

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        entry, flat = self._fun._entry(args, kwargs)
        if entry is not self._entry:
            raise TypeError(
                f"this compiled {self._fun.__name__} was compiled for another signature; "
                "call the jitted function instead"
            )
        return self._fun._call_entry(entry, (*entry.tracer_consts, *flat))


class JitFunction(Generic[P, R]):
    """The callable ``jit`` returns; see ``jit``.

    Statically it has the signature of the function it wraps (``JitFunction[P, R]``
    is called with ``P`` and returns ``R``), so a wrong keyword is a type error.
    """

    # Internal state lives in slots, not in ``__dict__``: ``functools.wraps`` (used by
    # grad, vmap, ...) copies a wrapped object's ``__dict__`` into its wrapper, and a
    # jitted function must not hand its caches to whatever wraps it.
    __slots__ = (
        "__dict__", "__weakref__", "_backend", "_cache", "_donate_argnums", "_fast", "_fun",
        "_in_shardings", "_no_statics", "_out_shardings", "_params", "_static_argnames",
        "_static_argnums",
    )  # fmt: skip
    __name__: str

    def __init__(
        self, fun: Callable[P, R], static_argnums: tuple[int, ...],
        static_argnames: tuple[str, ...],
        donate_argnums: tuple[int, ...], backend: str | None,
        in_shardings: Any = None, out_shardings: Any = None,
    ) -> None:  # fmt: skip
        self._fun = fun
        self._backend = backend
        self._in_shardings = in_shardings
        self._out_shardings = out_shardings
        try:
            self._params: list[inspect.Parameter] | None = list(
                inspect.signature(fun).parameters.values()
            )
        except (TypeError, ValueError):
            self._params = None
        params = self._params or []
        nums, names = set(static_argnums), set(static_argnames)
        # As in JAX, a static parameter may be passed by position or by name.
        for i, p in enumerate(params):
            if p.kind in _POSITIONAL:
                if p.name in names:
                    nums.add(i)
                if i in nums:
                    names.add(p.name)
        self._static_argnums = frozenset(nums)
        self._static_argnames = frozenset(names)
        self._donate_argnums = frozenset(donate_argnums)
        self._no_statics = not nums and not names
        self._cache: dict[Hashable, _Entry] = {}
        self._fast: dict[Hashable, _Entry] = {}
        # Like functools.update_wrapper, but without copying ``fun.__dict__`` (which, for
        # a function wrapping another jitted function, may hold foreign state).
        for attr in ("__module__", "__qualname__", "__doc__"):
            if hasattr(fun, attr):
                setattr(self, attr, getattr(fun, attr))
        self.__name__ = getattr(fun, "__name__", "fun")
        self.__wrapped__ = fun

    # -- calling ---------------------------------------------------------------

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        entry: _Entry | None = None
        if self._no_statics and not kwargs:
            # Fast path: positional arrays and Python scalars, a signature seen before. The
            # key is flat: the tracing state, then each argument's shape, dtype, weak type.
            key: list[Any] = [config.trace_state]
            operands: Any = args  # (typed as what it is: a tuple of Arrays, past the loop)
            bufs: list[Any] = []  # the arguments' device buffers (None: not uploaded yet)
            uploaded = True  # every argument has its device buffer already
            complete = True  # and it is known complete
            for a in args:
                if type(a) is not Array:
                    if all(type(x) is Array or type(x) in _PY_SCALARS for x in args):
                        # Python scalars become (weakly typed) arrays, then this same path.
                        arrays: Any = [
                            x if type(x) is Array else core.asarray(x) for x in operands
                        ]
                        return self(*arrays)  # type: ignore[call-arg]
                    break
                b = a._buffer
                v: Any = a._host
                if v is None:  # a device-resident output: its type, without a host copy
                    v = b
                elif b is None:
                    uploaded = False
                key += (v.shape, v.dtype, a._weak_type)
                bufs.append(b)
                if b is not None and not a._computed:
                    complete = False
            else:
                entry = self._fast.get(tuple(key))
                if entry is not None:
                    c = entry.compiled
                    if (
                        c is not None and not c.donated_args
                        and _current_frame().parent is None and not placement.sharded_arrays_exist
                    ):  # fmt: skip
                        # What binding would do at the bottom of the stack (``_Compiled.run``,
                        # inlined: a call's frames cost more than a small program takes).
                        if not uploaded:
                            bufs = [_buffer_of(a, c.device) for a in operands]
                            complete = all(a._computed for a in operands)
                        if c.const_bufs:
                            bufs = [*c.const_bufs, *bufs]
                        try:
                            outs = c.launch(bufs).consume_with_handlers(c.handlers)
                        except Exception as err:
                            outs = c._recover(operands, err)
                        done = c.inline and not _maybe_queued if complete else c.finished(False)
                        if entry.simple:
                            r: Array = _new_object(Array)
                            r._host = None
                            r._weak_type = c.out_weak[0]
                            r._buffer = outs[0]
                            r._computed = done
                            return r  # type: ignore[return-value]
                        result: Any = entry.outputs(_wrap_outputs(outs, c.out_weak, done))
                        return result  # type: ignore[no-any-return]
                    return self._call_entry(entry, tuple(operands))
        entry, flat = self._entry(args, kwargs)
        return self._call_entry(entry, (*entry.tracer_consts, *flat))

    def _call_entry(self, entry: _Entry, operands: tuple[Array, ...]) -> R:
        """Bind ``xla_call`` on the entry's program (``operands``: its hoisted tracer
        constants, then the flat arguments): the handler on top interprets it, the bottom
        of the stack runs the executable."""
        outs: Any
        try:
            compiled = entry.compiled
            if compiled is not None and core.is_eager() and not placement.sharded_arrays_exist:
                # What binding would do at the bottom of the stack, without the dispatch.
                outs = compiled.run(operands)
            else:
                outs = core.bind(xla_call_p, operands, entry.params)
                if entry.compiled is None and core.is_eager() and "shardings" not in entry.params:
                    entry.compiled = _executables.lookup(
                        entry.closed, (entry.params["backend"], entry.params["donated"])
                    )
        except DonatedArgumentError as err:
            for x, name in zip(operands[len(entry.tracer_consts) :], entry.names, strict=True):
                if x.is_deleted():
                    raise DonatedArgumentError(_donated_message(name)) from err.__cause__
            raise
        if any(type(x) is core.SubnormalArray for x in operands):
            # XLA passes some subnormal operands through (``neg``, data movement): eager code
            # must read such outputs as XLA does too.
            outs = [core.flag_subnormals(o) for o in outs]
        result: R = outs[0] if entry.simple else entry.outputs(outs)
        return result

    def _compile(self, entry: _Entry) -> _Compiled:
        if entry.tracer_consts:
            raise core.escaped_tracer(next(c for c in entry.tracer_consts if isinstance(c, Tracer)))
        return _compiled_for(entry.closed, self.__name__, self._backend, entry.params["donated"])

    # -- signatures --------------------------------------------------------------

    def _arg_name(self, i: int) -> str:
        params = self._params or []
        if i < len(params) and params[i].kind in _POSITIONAL:
            return params[i].name
        return f"args[{i}]"

    def _entry(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[_Entry, list[Array]]:
        """The cache entry for this call (tracing on a miss) and the flat dynamic arguments."""
        nargs = len(args)
        statics: list[tuple[Any, ...]] = []
        dyn_pos: list[int] = []
        for i in range(nargs):
            if i in self._static_argnums or (i - nargs) in self._static_argnums:
                statics.append((i, _static_key(_check_static(args[i], self._arg_name(i)))))
            else:
                dyn_pos.append(i)
        params = self._params or []
        for i in self._static_argnums:
            has_default = 0 <= i < len(params) and params[i].default is not inspect.Parameter.empty
            if not -nargs <= i < nargs and self._arg_name(i) not in kwargs and not has_default:
                raise ValueError(
                    f"jitted function {self.__name__} has static_argnums "
                    f"{tuple(sorted(self._static_argnums))}, but was called with only {nargs} "
                    "positional arguments"
                )
        dyn_kw: dict[str, Any] = {}
        for k in sorted(kwargs):
            if k in self._static_argnames:
                statics.append((k, _static_key(_check_static(kwargs[k], k))))
            else:
                dyn_kw[k] = kwargs[k]
        dyn_args = tuple(args[i] for i in dyn_pos)
        flat, in_tree = flat_arrays(
            (dyn_args, dyn_kw),
            lambda j, leaf: (
                f"jitted function {self.__name__}: "
                f"{self._leaf_names(tu.tree_structure((dyn_args, dyn_kw)), dyn_pos)[j]} is a "
                f"{type(leaf).__name__} ({leaf!r}), which is not an array type. Pass arrays or "
                "scalars, or mark the argument static with static_argnums/static_argnames."
            ),
        )
        avals = tuple((x.aval.shape, x.aval.dtype, x.aval.weak_type) for x in flat)
        key = (in_tree, avals, tuple(statics), config.trace_state)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, dyn_pos, flat, in_tree)
            if not entry.tracer_consts and not entry.float0_args:
                self._cache[key] = entry
                if (
                    not kwargs
                    and self._no_statics
                    and all(type(a) is Array or type(a) in _PY_SCALARS for a in args)
                ):
                    self._fast[(config.trace_state, *(f for a in avals for f in a))] = entry
            elif not entry.tracer_consts:
                self._cache[key] = entry
        if entry.float0_args:
            flat = [x for x, z in zip(flat, entry.float0_args, strict=True) if not z]
        return entry, flat

    def _leaf_names(self, in_tree: tu.PyTreeDef, dyn_pos: Sequence[int]) -> list[str]:
        args_td, kw_td = in_tree.children()
        names: list[str] = []
        for i, td in zip(dyn_pos, args_td.children(), strict=True):
            _leaf_paths(td, f"argument {self._arg_name(i)}", names)
        kw_paths: list[str] = []
        _leaf_paths(kw_td, "", kw_paths)
        # Keyword paths come out as "['k']..."; show them as "argument k...".
        for p in kw_paths:
            key, _, rest = p[2:].partition("']")
            names.append(f"argument {key}{rest}")
        return names

    def _trace(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], dyn_pos: list[int], flat: list[Array],
        in_tree: tu.PyTreeDef,
    ) -> _Entry:  # fmt: skip
        stats.traces += 1
        names = self._leaf_names(in_tree, dyn_pos)
        # float0 arguments (tangents of integers) carry no data: they enter the trace as
        # host values, as JAX passes them, and are no input of the program.
        float0_args = tuple(x.aval.dtype == dtypes.float0 for x in flat)
        stage = StageHandler()
        with core.installed(stage):
            tracers: list[StageTracer] = [
                stage.new_arg(x.aval, n)
                for x, n, z in zip(flat, names, float0_args, strict=True)
                if not z
            ]
            it = iter(tracers)
            values: list[Any] = [
                np.zeros(x.aval.shape, dtypes.float0) if z else next(it)
                for x, z in zip(flat, float0_args, strict=True)
            ]
            dyn_args, dyn_kw = tu.tree_unflatten(in_tree, values)
            full = list(args)
            for i, a in zip(dyn_pos, dyn_args, strict=True):
                full[i] = a
            out = self._fun(*full, **{**kwargs, **dyn_kw})
        leaves, out_tree = tu.tree_flatten(out)
        outs: list[Array] = []
        slots: list[int | np.ndarray[Any, Any]] = []
        for j, leaf in enumerate(leaves):
            if isinstance(leaf, np.ndarray) and leaf.dtype == dtypes.float0:
                slots.append(leaf)  # tangent of an integer: no data, stays on the host
                continue
            if isinstance(leaf, Array):
                arr = leaf
            elif core.is_arraylike(leaf):
                arr = core.asarray(leaf)
            else:
                raise TypeError(
                    f"jitted function {self.__name__} returned a {type(leaf).__name__} ({leaf!r}) "
                    f"as output leaf {j}; outputs must be arrays or scalars (pytrees of them)"
                )
            slots.append(len(outs))
            outs.append(arr)
        closed, hoisted = hoist_tracer_consts(stage.build(tracers, outs))
        tracer_consts = tuple(hoisted)
        donated: list[int] = []
        if self._donate_argnums:
            start = 0
            for i, td in zip(dyn_pos, in_tree.children()[0].children(), strict=True):
                n = td.num_leaves
                if i in self._donate_argnums or (i - len(args)) in self._donate_argnums:
                    donated.extend(range(start, start + n))
                start += n
        if any(float0_args):
            names = [n for n, z in zip(names, float0_args, strict=True) if not z]
            kept = [i for i, z in enumerate(float0_args) if not z]
            donated = [kept.index(i) for i in donated if i in kept]
        return _Entry(
            closed, tracer_consts, out_tree, tuple(slots), names, self.__name__, self._backend,
            tuple(donated),
            shardings=self._layout(args, dyn_pos, in_tree, len(tracer_consts), out, float0_args),
            float0_args=float0_args,
        )  # fmt: skip

    def _layout(
        self, args: tuple[Any, ...], dyn_pos: list[int], in_tree: tu.PyTreeDef, n_consts: int,
        out: Any, float0_args: Sequence[bool],
    ) -> Layout | None:  # fmt: skip
        """Per flat operand and result, the sharding ``in_shardings``/``out_shardings`` give."""
        if self._in_shardings is None and self._out_shardings is None:
            return None
        dyn_args, dyn_kw = in_tree.children()
        ins: list[Sharding | None] = [None] * n_consts
        if self._in_shardings is None:
            ins += [None] * in_tree.num_leaves
        else:
            spec = self._in_shardings
            if isinstance(spec, tuple | list) and len(spec) == len(args):
                spec = tuple(spec[i] for i in dyn_pos)  # static arguments take no sharding
            placeholder = tu.tree_unflatten(dyn_args, [0] * dyn_args.num_leaves)
            ins += _check_shardings(
                tu.prefix_broadcast(spec, placeholder, "in_shardings"), "in_shardings"
            )
            ins += [None] * dyn_kw.num_leaves
        if any(float0_args):  # float0 arguments carry no data and are no program input
            ins = ins[:n_consts] + [
                s for s, z in zip(ins[n_consts:], float0_args, strict=True) if not z
            ]
        outs: list[Sharding | None] = []
        leaves = tu.tree_leaves(out)
        if self._out_shardings is None:
            outs = [None] * len(leaves)
        else:
            outs = _check_shardings(
                tu.prefix_broadcast(self._out_shardings, out, "out_shardings"), "out_shardings"
            )
        kept = [s for s, leaf in zip(outs, leaves, strict=True) if not _is_float0(leaf)]
        return tuple(ins), tuple(kept)

    # -- inspection ----------------------------------------------------------------

    def lower(self, *args: P.args, **kwargs: P.kwargs) -> Lowered[P, R]:
        """Trace (or reuse the trace) for these arguments and lower to StableHLO.

        Args:
            *args: Arguments of the signature to lower, as for a call.
            **kwargs: Keyword arguments, as for a call.

        Returns:
            The ``Lowered`` module.

        Raises:
            TypeError: The function closes over values traced by an enclosing transformation.

        Examples:
            >>> text = fad.jit(jnp.sin).lower(1.0).as_text()
            >>> "stablehlo.sine" in text
            True
        """
        entry, _ = self._entry(args, kwargs)
        if entry.tracer_consts:
            raise TypeError(
                f"cannot lower {self.__name__}: it closes over values traced by an enclosing "
                "transformation"
            )
        module = lowering.lower_program(entry.closed, self.__name__)
        stats.lowerings += 1
        return Lowered(self, entry, module)

    def _cache_size(self) -> int:
        """How many signatures have been traced and cached."""
        return len(self._cache)

    def clear_cache(self) -> None:
        """Forget every traced and compiled signature; the next call traces and compiles again."""
        self._cache.clear()
        self._fast.clear()

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> JitFunction[P, R]: ...
    @overload
    def __get__(
        self: JitFunction[Concatenate[S, P2], R], obj: S, objtype: type | None = None
    ) -> Callable[P2, R]: ...
    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        # Decorating a method: bind ``self`` like a function would.
        return self if obj is None else functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<jit {self.__name__}>"


def _is_float0(leaf: Any) -> bool:
    return isinstance(leaf, np.ndarray) and leaf.dtype == dtypes.float0


def _check_shardings(specs: list[Any], what: str) -> list[Sharding | None]:
    for s in specs:
        if s is not None and not isinstance(s, Sharding):
            raise TypeError(
                f"jit: {what} takes Sharding objects (e.g. NamedSharding) or None, "
                f"got {type(s).__name__}: {s!r}"
            )
    return specs


def _check_static(value: Any, name: str) -> Any:
    try:
        hash(value)
    except TypeError:
        raise ValueError(
            f"static argument {name} must be hashable (it is part of jit's cache key), got "
            f"{type(value).__name__}: {value!r}. Use a tuple instead of a list, or pass it as "
            "a (non-static) array."
        ) from None
    if isinstance(value, (Array, np.ndarray)):
        raise ValueError(
            f"static argument {name} is an array; arrays cannot be static. Pass it as a "
            "regular argument, or convert it to a hashable Python value (e.g. a tuple)."
        )
    return value


def _static_key(value: Any) -> Any:
    """A static value as part of the cache key: its type too, inside tuples as well, since
    equal values of different types (``2`` and ``2.0``) can trace different programs."""
    if type(value) is tuple:
        return (tuple, tuple(_static_key(v) for v in value))
    return (type(value), value)


def _argnums(value: int | Sequence[int], what: str) -> tuple[int, ...]:
    nums = (value,) if isinstance(value, int) else tuple(value)
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"jit: {what} must be an int or a sequence of ints, got {value!r}")
    return nums


def jit(
    fun: Callable[P, R],
    static_argnums: int | Sequence[int] = (),
    static_argnames: str | Sequence[str] = (),
    donate_argnums: int | Sequence[int] = (),
    backend: str | None = None,
    in_shardings: Any = None,
    out_shardings: Any = None,
) -> JitFunction[P, R]:
    """Compile ``fun`` with XLA: trace once per signature, then call the executable.

    ``static_argnums``/``static_argnames`` name arguments that are hashable Python
    values: they are part of the cache key and concrete while tracing (so Python
    control flow may depend on them). ``donate_argnums`` lets the executable reuse
    the buffers of those arguments; the donated arrays are deleted afterwards.
    ``backend`` ("cpu", "cuda"/"gpu") picks the platform; default
    ``default_backend``.

    Args:
        fun: The function to compile. Arguments and results are arrays, scalars or
            pytrees of them (and, for static arguments, any hashable value).
        static_argnums: Positions of the static arguments.
        static_argnames: Names of the static arguments.
        donate_argnums: Positions of arguments whose buffers the executable may reuse.
        backend: The platform to compile for.
        in_shardings: A sharding (``fad.sharding.NamedSharding``...) for the positional
            arguments: one for all, or a pytree prefix of them; ``None`` entries take the
            sharding of the array passed. With shardings over several devices the program
            is partitioned by XLA's SPMD partitioner.
        out_shardings: Likewise for the results; ``None`` lets the partitioner choose.

    Returns:
        A ``JitFunction``: call it like ``fun``; ``.lower(*args)`` gives the lowered
        StableHLO module.

    Raises:
        TypeError: ``fun`` is not callable, or the argument numbers or names are not ints
            or strings. When called: ``fad.ConcretizationError`` (a ``TypeError``) if ``fun``
            needs the value of a traced argument.
        ValueError: An argument is both static and donated, or ``backend`` is unknown. When
            called: a static argument is unhashable or an array.

    Examples:
        >>> f = fad.jit(lambda x: x * 2.0 + 1.0)
        >>> f(jnp.arange(3.0))
        Array([1., 3., 5.], dtype=float32)
        >>> power = fad.jit(lambda x, n: x ** n, static_argnums=1)
        >>> power(jnp.array(2.0), 3)
        Array(8., dtype=float32)
    """
    if not callable(fun):
        raise TypeError(f"jit expects a callable as its first argument, got {type(fun).__name__}")
    if inspect.isgeneratorfunction(fun) or inspect.isasyncgenfunction(fun):
        raise TypeError(f"Expected a function, got a generator function: {fun!r}")
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    for n in names:
        if not isinstance(n, str):
            raise TypeError(f"jit: static_argnames must be strings, got {static_argnames!r}")
    statics = _argnums(static_argnums, "static_argnums")
    donated = _argnums(donate_argnums, "donate_argnums")
    clash = set(statics) & set(donated)
    if clash:
        raise ValueError(f"jit: arguments {sorted(clash)} are both static and donated")
    if backend is not None:
        runtime._canonical_backend_name(backend)  # validates the name now
    _check_argnums_in_range(fun, statics, "static_argnums")
    return JitFunction(fun, statics, names, donated, backend, in_shardings, out_shardings)


def _check_argnums_in_range(fun: Callable[..., Any], nums: Sequence[int], what: str) -> None:
    """As JAX: argument numbers beyond a signature without ``*args`` are an error now."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return
    n = sum(p.kind in _POSITIONAL for p in params)
    bad = [i for i in nums if not -n <= i < n]
    if bad:
        raise ValueError(
            f"Jitted function has {what}={tuple(nums)}, but only accepts {n} positional arguments."
        )


# ---------------------------------------------------------------------------
# Devices and the compilation cache
# ---------------------------------------------------------------------------


def devices(backend: str | None = None) -> list[runtime.Device]:
    """The devices of ``backend`` ("cpu", "cuda"/"gpu"; default: the default backend).

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The PJRT devices of that platform.

    Raises:
        ValueError: ``backend`` is not a known platform name.
        RuntimeError: The platform is not available (for example no usable GPU).

    Examples:
        >>> fad.devices("cpu")[0]
        CpuDevice(id=0)
    """
    return runtime.devices(backend)


def local_devices(backend: str | None = None) -> list[runtime.Device]:
    """The devices of ``backend`` that this process drives (all of them in one process).

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The PJRT devices attached to this process.

    Examples:
        >>> fad.local_devices("cpu")[0].id
        0
    """
    return runtime.get_backend(backend).local_devices()


def device_count(backend: str | None = None) -> int:
    """How many devices ``backend`` has, over all processes.

    ``fad.config.update("num_cpu_devices", N)`` (or ``$FAD_NUM_CPU_DEVICES=N``), set before
    the first computation, gives the CPU backend N devices.

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The number of devices.

    Examples:
        >>> fad.device_count("cpu") >= 1
        True
    """
    return len(runtime.devices(backend))


def local_device_count(backend: str | None = None) -> int:
    """How many devices of ``backend`` this process drives.

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The number of this process's devices.

    Examples:
        >>> fad.local_device_count("cpu") == len(fad.local_devices("cpu"))
        True
    """
    return len(local_devices(backend))


def process_index(backend: str | None = None) -> int:
    """This process's index among the processes of a distributed run (0 when alone).

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The index, from 0.

    Examples:
        >>> fad.process_index()
        0
    """
    return runtime.process_index(backend)


def process_count(backend: str | None = None) -> int:
    """How many processes share the devices (1 unless ``fad.distributed`` started a run).

    Args:
        backend: The platform; ``None`` for ``default_backend``.

    Returns:
        The number of processes.

    Examples:
        >>> fad.process_count()
        1
    """
    return 1 + max(d.process_index for d in runtime.devices(backend))


def default_backend() -> str:
    """The platform jit compiles for by default: "cuda" when a GPU is usable, else "cpu".

    The environment variable ``FAD_PLATFORM`` overrides the choice.

    Returns:
        ``"cuda"`` or ``"cpu"``.

    Examples:
        >>> fad.default_backend() in ("cpu", "cuda")
        True
    """
    return runtime.default_backend()


def block_until_ready(x: T) -> T:
    """Wait until every array in ``x`` (a pytree) has been computed, and return ``x``.

    With asynchronous dispatch (``fad.config.update("cpu_enable_async_dispatch", True)``, or
    an accelerator) a jitted call returns as soon as its work is queued, as in JAX; timing
    it fairly means waiting for the results. Leaves that are not device-backed arrays need
    no wait.

    Args:
        x: An array, or a pytree of arrays and other leaves.

    Returns:
        ``x`` itself.

    Examples:
        >>> out = fad.block_until_ready(fad.jit(lambda v: (v + 1, v * 2))(jnp.ones(3)))
        >>> out[1]
        Array([2., 2., 2.], dtype=float32)
    """
    # One wait after another: the results of one call are computed together, so the first
    # wait is the long one and the others find their buffers ready.
    for leaf in (x,) if type(x) is Array else tu.tree_leaves(x):
        if type(leaf) is Array or type(leaf) is core.SubnormalArray:  # (not a Tracer)
            leaf.block_until_ready()
    return x


def device_put(x: Any, device: runtime.Device | Sharding | None = None) -> Any:
    """Copy ``x`` (a pytree of arrays) to ``device`` (default: the default device), or
    lay it out over several devices as a sharding says.

    The results are ``Array`` s backed by the device buffer, so jitted functions take
    them without another upload. Traced values are returned unchanged.

    Args:
        x: An array, a scalar, or a pytree of them.
        device: The target device (from ``devices``), a ``Sharding`` (each device
            gets its piece), or ``None`` for the default device.

    Returns:
        ``x`` with every leaf copied to the device.

    Raises:
        TypeError: A leaf is not an array or a scalar.

    Examples:
        >>> x = fad.device_put(jnp.ones(3))
        >>> fad.jit(lambda v: v + 1.0)(x)
        Array([2., 2., 2.], dtype=float32)
    """

    def put(leaf: Any) -> Any:
        if isinstance(leaf, Tracer):
            return leaf
        a = leaf if isinstance(leaf, Array) else core.asarray(leaf)
        v = a._value
        if v.flags.writeable:  # fad's own results are frozen when handed out
            v.flags.writeable = False
        if isinstance(device, Sharding):
            if device.num_devices > 1:
                return _wrap_outputs([placement.put(v, device)], [a._weak_type])[0]
            buf = runtime.device_put(v, device.device_assignment[0])
        else:
            buf = runtime.device_put(v, device)
        return Array(runtime.to_numpy(buf), a._weak_type, buf)

    return tu.tree_map(put, x)


def make_array_from_process_local_data(
    sharding: Sharding, local_data: Any, global_shape: tuple[int, ...] | None = None
) -> Array:
    """A global array over ``sharding``'s devices, of which this process gives its part.

    In a multi-process run (``fad.distributed``) each process holds only the pieces for its
    own devices: ``local_data`` is the block of the whole that they cover (for data sharded
    by rows over the processes, this process's rows). Alone, ``local_data`` is the whole.

    Args:
        sharding: How the global array is laid out (e.g. ``NamedSharding(mesh, P("data"))``
            over a mesh of every process's devices).
        local_data: This process's block, a numpy array or array-like.
        global_shape: The whole's shape; by default inferred from the block and how many
            of the sharding's pieces this process holds along each dimension.

    Returns:
        The global ``Array``; ``.addressable_shards`` are this process's pieces.

    Raises:
        TypeError: ``sharding`` is not a Sharding.

    Examples:
        >>> from fad.sharding import Mesh, NamedSharding, PartitionSpec as P
        >>> mesh = Mesh(np.array(fad.devices()[:1]), ("data",))
        >>> x = fad.make_array_from_process_local_data(NamedSharding(mesh, P("data")),
        ...                                            np.arange(4.0, dtype=np.float32))
        >>> x
        Array([0., 1., 2., 3.], dtype=float32)
    """
    if not isinstance(sharding, Sharding):
        raise TypeError(
            f"make_array_from_process_local_data: sharding must be a Sharding, got "
            f"{type(sharding).__name__}"
        )
    local = core.asarray(local_data)._value
    buf = placement.from_process_local_data(sharding, local, global_shape)
    return _wrap_outputs([buf], [False])[0]


def enable_compilation_cache(path: str | os.PathLike[str]) -> None:
    """Keep compiled executables under ``path`` and reuse them across processes.

    Off by default. Entries are native code: point this only at a directory you trust.

    Args:
        path: The cache directory (created if missing).

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     fad.enable_compilation_cache(d)
        ...     print(fad.jit(lambda x: x - 1.0)(1.0))
        ...     fad.disable_compilation_cache()
        0.0
    """
    runtime.enable_persistent_cache(path)


def disable_compilation_cache() -> None:
    """Stop using the persistent compilation cache of ``enable_compilation_cache``.

    Executables already compiled in this process stay cached in memory.

    Examples:
        >>> fad.disable_compilation_cache()
    """
    runtime.disable_persistent_cache()
