"""StableHLO lowering: the rule table, the ways primitives register into it, and
the emitter that turns a program into StableHLO *text*.

A lowering rule turns one equation into StableHLO through a
``LoweringContext``. Primitives register here from their own modules, in
one of three forms: a plain elementwise op name, a comparison direction, or a rule
function. (Ops StableHLO lacks, such as ``exp2``, are lowered by staging a fad
function built from other primitives: ``prims/_util.py``'s ``lower_via``, which
needs the staging interpreter and so lives above this module.)

Text, not the MLIR Python bindings: building a module as text is about ten
times faster, and the compiler parses it anyway. Every op is written in MLIR's
*generic* form (``%3 = "stablehlo.add"(%1, %2) : (t, t) -> t``), which the
parser accepts for every dialect without per-op syntax. CHLO ops are fine:
XLA legalizes them itself.

Rules see values as opaque ``Value`` handles (an SSA name and an aval).
The context knows the output avals of the equation being lowered
(``ctx.out_avals``), so rules never recompute result types.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, final

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, DType, Primitive, ShapedArray
from fad._src.ir import ClosedProgram, Literal, Program, Var

__all__ = [
    "LoweredModule",
    "LoweringContext",
    "Value",
    "def_compare",
    "def_elementwise",
    "def_no_lowering",
    "def_rule",
    "element_type",
    "i64_array",
    "int_list",
    "lower_program",
    "lowering_rules",
    "shaped",
    "tensor_type",
]


class LoweringRule(Protocol):
    """(ctx, *operand values, **params) -> the result value, or a list of them.

    Operands and params are typed by each rule (``*operands: Any, **params: Any`` is the
    documented ``Any`` seam of every rule table).
    """

    def __call__(
        self, ctx: LoweringContext, *operands: Any, **params: Any
    ) -> Value | Sequence[Value]: ...


lowering_rules: dict[Primitive, LoweringRule] = {}


def def_rule(prim: Primitive, rule: LoweringRule) -> None:
    lowering_rules[prim] = rule


# Primitives that have no lowering on purpose, with what a user who reaches one is told
# (a declaration, not a rule: the rule-coverage test lists these as exemptions).
no_lowering: dict[Primitive, str] = {}


def def_no_lowering(prim: Primitive, why: str) -> None:
    no_lowering[prim] = why


def def_elementwise(prim: Primitive, op_name: str) -> None:
    """An op spelled ``%r = op_name %a, %b : type`` with the result type of the equation."""
    def_rule(prim, lambda ctx, *args, **params: ctx.elementwise(op_name, args))


def def_compare(prim: Primitive, direction: str) -> None:
    def_rule(prim, lambda ctx, x, y: ctx.compare(direction, x, y))


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------

_ELEMENT_TYPES: dict[str, str] = {
    "bool": "i1",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "ui8", "uint16": "ui16", "uint32": "ui32", "uint64": "ui64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "complex<f32>", "complex128": "complex<f64>",
    "float8_e4m3fn": "f8E4M3FN", "float8_e5m2": "f8E5M2", "float8_e4m3b11fnuz": "f8E4M3B11FNUZ",
    "float8_e4m3fnuz": "f8E4M3FNUZ", "float8_e5m2fnuz": "f8E5M2FNUZ",
}  # fmt: skip


def element_type(dtype: DType) -> str:
    """The MLIR element type of a numpy dtype (``i1`` for bool, ``ui32``, ``complex<f32>``...)."""
    t = _ELEMENT_TYPES.get(dtype.name)
    if t is None:
        if dtype == dtypes.float0:
            raise TypeError(
                "float0 values (tangents of integer inputs) cannot be lowered to StableHLO; "
                "they carry no data and are produced on the host"
            )
        raise TypeError(f"dtype {dtype.name} has no StableHLO element type")
    return t


_tensor_types: dict[tuple[tuple[int, ...], DType], str] = {}


def tensor_type(shape: tuple[int, ...], dtype: DType) -> str:
    """``tensor<3x4xf32>``; ``tensor<f32>`` for a scalar."""
    key = (shape, dtype)
    t = _tensor_types.get(key)
    if t is None:
        dims = "".join(f"{d}x" for d in shape)
        t = _tensor_types.setdefault(key, f"tensor<{dims}{element_type(dtype)}>")
    return t


def i64_array(xs: Sequence[int]) -> str:
    """A dense i64 array attribute: ``array<i64: 1, 2>``."""
    return f"array<i64: {', '.join(str(int(x)) for x in xs)}>" if len(xs) else "array<i64>"


def int_list(xs: Sequence[int]) -> str:
    """A list of integers, as dimension numbers spell them: ``[1, 2]``."""
    return "[" + ", ".join(str(int(x)) for x in xs) + "]"


def shaped(shape: Sequence[int], dtype: DType) -> ShapedArray:
    """The (strongly typed) aval of an op's result: rules type what they emit with it."""
    return ShapedArray(tuple(int(s) for s in shape), np.dtype(dtype), False)


@final
class Value:
    """An SSA value of the function being emitted: its name and abstract value."""

    __slots__ = ("aval", "name", "type")
    name: str
    aval: ShapedArray
    type: str

    def __init__(self, name: str, aval: ShapedArray) -> None:
        self.name = name
        self.aval = aval
        self.type = tensor_type(aval.shape, aval.dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> DType:
        return self.aval.dtype

    def __repr__(self) -> str:
        return f"Value({self.name}: {self.type})"


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------


def _dense(value: np.ndarray[Any, Any]) -> str:
    """A ``dense<...>`` attribute body for ``value`` (splats written once).

    Non-bool values are written as their raw little-endian bytes in hex, which is
    exact for every float (NaN payloads and -0.0 included) and needs no per-type
    number formatting.
    """
    v = np.ascontiguousarray(value)
    if v.dtype == np.bool_:
        flat = v.reshape(-1)
        if v.size == 0 or bool(flat.all()) or not bool(flat.any()):
            return "dense<true>" if v.size and bool(flat[0]) else "dense<false>"
        return "dense<" + _nested_bools(v) + ">"
    if v.dtype.byteorder == ">":
        v = v.astype(v.dtype.newbyteorder("<"))
    raw = v.tobytes()
    item = v.dtype.itemsize
    if v.size == 0:
        raw = bytes(item)
    elif raw == raw[:item] * v.size:
        raw = raw[:item]
    return f'dense<"0x{raw.hex().upper()}">'


def _nested_bools(v: np.ndarray[Any, Any]) -> str:
    if v.ndim == 0:
        return "true" if bool(v) else "false"
    return "[" + ", ".join(_nested_bools(s) for s in v) + "]"


_MONOID_OPS = {
    "add": "stablehlo.add", "mul": "stablehlo.multiply", "max": "stablehlo.maximum",
    "min": "stablehlo.minimum", "and": "stablehlo.and", "or": "stablehlo.or",
}  # fmt: skip

def _is_splat(v: np.ndarray[Any, Any]) -> bool:
    """Whether every element of ``v`` has the same bits (a broadcast view is, cheaply)."""
    if v.size == 0 or all(st == 0 for st in v.strides):
        return v.size > 0
    raw = np.ascontiguousarray(v).view(np.uint8).reshape(v.size, v.dtype.itemsize)
    return bool((raw == raw[0]).all())


# Array constants larger than this (in bytes) become parameters of ``main``
# instead of being written into the module text (keeps text and compile small).
_EMBED_LIMIT = 256


# ---------------------------------------------------------------------------
# The emitter
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Module:
    """State shared by every function body of one module being emitted."""

    names: Iterator[int] = field(default_factory=itertools.count)
    # Large concrete constants hoisted into parameters of ``main`` (by identity).
    hoisted: list[Array] = field(default_factory=list)
    hoisted_values: dict[int, Value] = field(default_factory=dict)
    # Python functions the program calls back on the host, by index.
    host_callbacks: list[Callable[..., Any]] = field(default_factory=list)


@dataclass(eq=False)
class _Body:
    """One block being emitted: its lines and the constants already made in it."""

    lines: list[str]
    indent: str
    constants: dict[tuple[str, bytes, tuple[int, ...]], Value] = field(default_factory=dict)


class LoweringContext:
    """What a lowering rule emits StableHLO through.

    ``out_avals`` are the output avals of the equation being lowered (one per
    result). Methods take and return ``Value`` s; each appends ops to the
    current block. ``op``, ``op1``, ``region``, ``constant`` and ``call`` are the
    building blocks every rule uses (control flow included: ``op`` takes regions built
    with ``region``); the other methods (``elementwise``, ``compare``, ``select``,
    ``convert``, ``reduce``, shapes...) are the emitters many rules share. A rule
    particular to one primitive (``gather``, ``sort``, ``dot_general``...) lives in
    that primitive's block and emits through these.
    """

    __slots__ = ("_body", "_module", "out_avals")

    def __init__(self, module: _Module, body: _Body, out_avals: Sequence[ShapedArray] = ()) -> None:
        self._module = module
        self._body = body
        self.out_avals: Sequence[ShapedArray] = out_avals

    @property
    def out_aval(self) -> ShapedArray:
        """The single output aval of the current equation."""
        return self.out_avals[0]

    # -- building blocks ---------------------------------------------------

    def op(
        self,
        name: str,
        operands: Sequence[Value],
        results: Sequence[ShapedArray],
        attrs: str = "",
        regions: Sequence[str] = (),
    ) -> list[Value]:
        """Emit ``name`` (e.g. ``"stablehlo.add"``) in generic form; returns its results.

        ``attrs`` is the inside of the attribute dictionary (``dimension = 0 : i64``),
        ``regions`` are region texts from ``region``.
        """
        n = next(self._module.names)
        base = f"%{n}"
        if len(results) == 1:
            outs = [Value(base, results[0])]
            lhs = f"{base} = "
        else:
            outs = [Value(f"{base}#{i}", a) for i, a in enumerate(results)]
            lhs = f"{base}:{len(results)} = " if results else ""
        ins = ", ".join(v.name for v in operands)
        in_types = ", ".join(v.type for v in operands)
        out_types = ", ".join(v.type for v in outs)
        if len(outs) != 1:
            out_types = f"({out_types})"
        region_str = f" ({', '.join(regions)})" if regions else ""
        attr_str = f" {{{attrs}}}" if attrs else ""
        sig = f"({in_types}) -> {out_types}"
        self._body.lines.append(
            f'{self._body.indent}{lhs}"{name}"({ins}){region_str}{attr_str} : {sig}'
        )
        return outs

    def op1(
        self, name: str, operands: Sequence[Value], result: ShapedArray, attrs: str = "",
        regions: Sequence[str] = (),
    ) -> Value:  # fmt: skip
        return self.op(name, operands, [result], attrs, regions)[0]

    def region(
        self,
        arg_avals: Sequence[ShapedArray],
        body: Callable[[LoweringContext, list[Value]], Sequence[Value]],
    ) -> str:
        """The text of a one-block region with arguments of ``arg_avals``.

        ``body(ctx, args)`` emits the block through the given context and returns the
        values the block yields (``stablehlo.return``).
        """
        indent = self._body.indent + "  "
        sub = _Body([], indent + "  ")
        ctx = LoweringContext(self._module, sub)
        args = [Value(f"%{next(self._module.names)}", a) for a in arg_avals]
        results = list(body(ctx, args))
        ret_types = ", ".join(v.type for v in results)
        ret = ", ".join(v.name for v in results)
        sub.lines.append(f'{sub.indent}"stablehlo.return"({ret}) : ({ret_types}) -> ()')
        header = ""
        if args:
            header = f"{indent}^bb0({', '.join(f'{a.name}: {a.type}' for a in args)}):\n"
        return "{\n" + header + "\n".join(sub.lines) + f"\n{self._body.indent}}}"

    def constant(self, value: np.ndarray[Any, Any] | Array) -> Value:
        """A constant in the current block (large arrays become parameters of ``main``)."""
        v = value._value if isinstance(value, Array) else np.asarray(value)
        if v.nbytes > _EMBED_LIMIT:
            if _is_splat(v):  # e.g. an instantiated symbolic zero: one value, written once
                return self._embed(v.reshape(-1)[:1].reshape(()), v.shape)
            return self._hoist(value if isinstance(value, Array) else Array(v))
        return self._embed(v, v.shape)

    def _embed(self, v: np.ndarray[Any, Any], shape: tuple[int, ...]) -> Value:
        """``v`` written into the text; a one-element ``v`` is a splat of ``shape``."""
        key = (v.dtype.str, v.tobytes(), shape)
        cached = self._body.constants.get(key)
        if cached is not None:
            return cached
        aval = shaped(shape, v.dtype)
        attrs = f"value = {_dense(v)} : {tensor_type(aval.shape, aval.dtype)}"
        out = self.op1("stablehlo.constant", [], aval, attrs)
        self._body.constants[key] = out
        return out

    def _hoist(self, arr: Array) -> Value:
        m = self._module
        v = m.hoisted_values.get(id(arr))
        if v is None:
            v = Value(f"%c{len(m.hoisted)}", shaped(arr.shape, arr.dtype))
            m.hoisted.append(arr)
            m.hoisted_values[id(arr)] = v
        return v

    def host_callback(
        self, fn: Callable[..., Any], args: Sequence[Value], results: Sequence[ShapedArray],
        side_effect: bool,
    ) -> list[Value]:  # fmt: skip
        """Call ``fn`` on the host with the values of ``args`` (numpy arrays); it returns
        arrays of ``results``' shapes and dtypes. XLA's Python-callback FFI target."""
        m = self._module
        m.host_callbacks.append(fn)
        attrs = (
            f"call_target_name = \"xla_ffi_python_cpu_callback\", api_version = 4 : i32, "
            f"has_side_effect = {'true' if side_effect else 'false'}, "
            f"backend_config = {{index = {len(m.host_callbacks) - 1} : ui64}}"
        )
        return self.op("stablehlo.custom_call", args, results, attrs)

    def full(self, value: Any, shape: Sequence[int], dtype: DType) -> Value:
        """A constant array of ``shape`` filled with ``value`` (one splat constant)."""
        return self._embed(np.asarray(value, dtype=dtype), tuple(int(d) for d in shape))

    def scalar(self, value: Any, dtype: DType) -> Value:
        return self.constant(np.asarray(value, dtype=dtype))

    def call(self, program: ClosedProgram | Program, args: Sequence[Value]) -> list[Value]:
        """Lower ``program`` inline on ``args``; its concrete constants become constants."""
        if isinstance(program, ClosedProgram):
            prog, consts = program.program, program.consts
        else:
            prog, consts = program, ()
        if len(args) != len(prog.invars):
            raise TypeError(f"call: program takes {len(prog.invars)} arguments, got {len(args)}")
        saved = self.out_avals
        try:
            env: dict[Var, Value] = {}
            for var, c in zip(prog.constvars, consts, strict=True):
                if isinstance(c, core.Tracer):
                    raise TypeError(
                        "cannot lower a program whose constants are traced values; pass them "
                        "as arguments"
                    )
                env[var] = self.constant(c)
            env.update(zip(prog.invars, args, strict=True))
            return _lower_eqns(self, prog, env)
        finally:
            self.out_avals = saved

    # -- elementwise ------------------------------------------------------

    def elementwise(self, op_name: str, args: Sequence[Value]) -> Value:
        return self.op1(op_name, args, self.out_aval)

    def compare(self, direction: str, x: Value, y: Value, *, total: bool = False) -> Value:
        """``x <direction> y`` elementwise (``"LT"``, ``"EQ"``...); ``total`` compares floats
        in their total order (``-0.0 < 0.0``, NaNs ordered), as sorting needs."""
        return self._compare(direction, x, y, shaped(x.shape, np.dtype(np.bool_)), total)

    def _compare(
        self, direction: str, x: Value, y: Value, out: ShapedArray, total: bool = False
    ) -> Value:
        dt = x.dtype
        if total and dtypes.is_float(dt):
            kind = "TOTALORDER"
        elif dtypes.is_inexact(dt):
            kind = "FLOAT"
        elif dtypes.is_bool(dt) or dtypes.is_unsigned(dt):
            kind = "UNSIGNED"
        else:
            kind = "SIGNED"
        if dtypes.is_complex(dt) and direction not in ("EQ", "NE"):
            raise TypeError(f"cannot compare complex values with {direction}")
        attrs = (
            f"comparison_direction = #stablehlo<comparison_direction {direction}>, "
            f"compare_type = #stablehlo<comparison_type {kind}>"
        )
        return self.op1("stablehlo.compare", [x, y], out, attrs)

    def select(self, pred: Value, on_true: Value, on_false: Value) -> Value:
        return self.op1("stablehlo.select", [pred, on_true, on_false], on_true.aval)

    def convert(self, x: Value, new_dtype: DType) -> Value:
        out = self.out_avals[0] if self.out_avals else shaped(x.shape, new_dtype)
        return self._convert(x, np.dtype(new_dtype), out)

    def _convert(self, x: Value, new_dtype: DType, out: ShapedArray) -> Value:
        if x.dtype == new_dtype:
            return x
        if dtypes.is_complex(x.dtype) and not dtypes.is_complex(new_dtype):
            # numpy drops the imaginary part (bool: nonzero real part).
            x = self.op1("stablehlo.real", [x], shaped(x.shape, dtypes.real_dtype(x.dtype)))
            if x.dtype == new_dtype:
                return x
        if dtypes.is_bool(new_dtype) and not dtypes.is_bool(x.dtype):
            zero = self.full(0, x.shape, x.dtype)
            return self._compare("NE", x, zero, out)
        return self.op1("stablehlo.convert", [x], out)

    # -- shapes -------------------------------------------------------------

    def broadcast_in_dim(
        self, x: Value, dims: Sequence[int], out: ShapedArray | None = None
    ) -> Value:
        out = out or self.out_aval
        if x.shape == out.shape and tuple(dims) == tuple(range(len(out.shape))):
            return x
        return self.op1(
            "stablehlo.broadcast_in_dim", [x], out, f"broadcast_dimensions = {i64_array(dims)}"
        )

    def reshape(self, x: Value, out: ShapedArray | None = None) -> Value:
        out = out or self.out_aval
        if x.shape == out.shape:
            return x
        return self.op1("stablehlo.reshape", [x], out)

    def transpose(self, x: Value, perm: Sequence[int]) -> Value:
        out = shaped([x.shape[p] for p in perm], x.dtype)
        return self.op1("stablehlo.transpose", [x], out, f"permutation = {i64_array(perm)}")

    def reverse(self, x: Value, dims: Sequence[int]) -> Value:
        return self.op1("stablehlo.reverse", [x], x.aval, f"dimensions = {i64_array(dims)}")

    def concatenate(self, xs: Sequence[Value], dim: int) -> Value:
        shape = list(xs[0].shape)
        shape[dim] = sum(x.shape[dim] for x in xs)
        return self.op1(
            "stablehlo.concatenate", xs, shaped(shape, xs[0].dtype), f"dimension = {dim} : i64"
        )

    def pad(self, x: Value, pv: Value, config: Sequence[tuple[int, int, int]]) -> Value:
        lo, hi, interior = zip(*config, strict=True) if config else ((), (), ())
        attrs = (
            f"edge_padding_high = {i64_array(hi)}, edge_padding_low = {i64_array(lo)}, "
            f"interior_padding = {i64_array(interior)}"
        )
        return self.op1("stablehlo.pad", [x, pv], self.out_aval, attrs)

    def slice(
        self, x: Value, start: Sequence[int], limit: Sequence[int], strides: Sequence[int] | None
    ) -> Value:
        st = tuple(strides) if strides is not None else (1,) * len(start)
        shape = [(hi - lo + s - 1) // s for lo, hi, s in zip(start, limit, st, strict=True)]
        attrs = (
            f"limit_indices = {i64_array(limit)}, start_indices = {i64_array(start)}, "
            f"strides = {i64_array(st)}"
        )
        return self.op1("stablehlo.slice", [x], shaped(shape, x.dtype), attrs)

    def _index_scalars(self, idx: Sequence[Value]) -> list[Value]:
        """Start indices converted to one integer type (StableHLO requires it)."""
        if not idx:
            return []
        wide = any(i.dtype.itemsize > 4 for i in idx)
        target = np.dtype(np.int64 if wide else np.int32)
        return [self._convert(i, target, shaped((), target)) for i in idx]

    def dynamic_slice(self, x: Value, idx: Sequence[Value], sizes: Sequence[int]) -> Value:
        starts = self._index_scalars(idx)
        out = shaped(sizes, x.dtype)
        return self.op1(
            "stablehlo.dynamic_slice", [x, *starts], out, f"slice_sizes = {i64_array(sizes)}"
        )

    def dynamic_update_slice(self, x: Value, upd: Value, idx: Sequence[Value]) -> Value:
        starts = self._index_scalars(idx)
        return self.op1("stablehlo.dynamic_update_slice", [x, upd, *starts], x.aval)

    def iota(self, dim: int, out: ShapedArray | None = None) -> Value:
        out = out or self.out_aval
        return self.op1("stablehlo.iota", [], out, f"iota_dimension = {dim} : i64")

    # -- reductions -----------------------------------------------------------

    @staticmethod
    def _monoid_identity(monoid: str, dtype: DType) -> Any:
        if dtypes.is_bool(dtype):
            return {"add": False, "or": False, "max": False, "mul": True, "and": True, "min": True}[
                monoid
            ]
        if monoid in ("add", "or"):
            return 0
        if monoid == "mul":
            return 1
        if monoid == "and":
            return np.iinfo(dtype).max if dtypes.is_unsigned(dtype) else -1
        if dtypes.is_inexact(dtype):
            return -np.inf if monoid == "max" else np.inf
        info = np.iinfo(dtype)
        return info.min if monoid == "max" else info.max

    def reduce(self, monoid: str, x: Value, axes: Sequence[int]) -> Value:
        dt = x.dtype
        op = _MONOID_OPS[monoid]
        if dtypes.is_bool(dt):  # max/min/add/mul of booleans are or/and
            op = {"max": "stablehlo.or", "add": "stablehlo.or", "min": "stablehlo.and",
                  "mul": "stablehlo.and"}.get(monoid, op)  # fmt: skip
        init = self.scalar(self._monoid_identity(monoid, dt), dt)
        scalar = shaped((), dt)

        def body(ctx: LoweringContext, args: list[Value]) -> list[Value]:
            return [ctx.op1(op, args, scalar)]

        out = shaped([n for i, n in enumerate(x.shape) if i not in axes], dt)
        region = self.region([scalar, scalar], body)
        return self.op1(
            "stablehlo.reduce", [x, init], out, f"dimensions = {i64_array(axes)}", [region]
        )


def _lower_eqns(ctx: LoweringContext, program: Program, env: dict[Var, Value]) -> list[Value]:
    def read(a: Var | Literal) -> Value:
        if isinstance(a, Literal):
            return ctx.constant(a.value._value)
        return env[a]

    for eqn in program.eqns:
        rule = lowering_rules.get(eqn.prim)
        if rule is None:
            why = no_lowering.get(eqn.prim)
            if why is not None:
                raise TypeError(why)
            raise NotImplementedError(f"no StableHLO lowering rule for primitive '{eqn.prim.name}'")
        ctx.out_avals = [v.aval for v in eqn.outputs]
        out = rule(ctx, *[read(a) for a in eqn.inputs], **eqn.params)
        outs = [out] if isinstance(out, Value) else list(out)
        if len(outs) != len(eqn.outputs):
            raise RuntimeError(
                f"lowering rule of '{eqn.prim.name}' returned {len(outs)} values for "
                f"{len(eqn.outputs)} outputs"
            )
        for var, val in zip(eqn.outputs, outs, strict=True):
            if val.shape != var.aval.shape or val.dtype != var.aval.dtype:
                raise RuntimeError(
                    f"lowering rule of '{eqn.prim.name}' produced {val.type} for an output "
                    f"typed {tensor_type(var.aval.shape, var.aval.dtype)}"
                )
            env[var] = val
    return [read(a) for a in program.outvars]


# ---------------------------------------------------------------------------
# Whole programs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoweredModule:
    """StableHLO text of a program: ``main`` takes the ``hoisted`` constants first,
    then the program's inputs, and returns its outputs."""

    text: str
    hoisted: tuple[Array, ...]
    in_avals: tuple[ShapedArray, ...]
    out_avals: tuple[ShapedArray, ...]
    host_callbacks: tuple[Callable[..., Any], ...] = ()


_SYMBOL = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class SpmdLayout:
    """How a program's arguments and results are cut over ``num_partitions`` devices:
    HLO sharding texts, ``None`` for a result whose sharding XLA should choose."""

    num_partitions: int
    in_shardings: tuple[str, ...]
    out_shardings: tuple[str | None, ...]


def _sharded(decl: str, sharding: str | None) -> str:
    return decl if sharding is None else f'{decl} {{mhlo.sharding = "{sharding}"}}'


def lower_program(
    program: ClosedProgram, name: str = "main", spmd: SpmdLayout | None = None
) -> LoweredModule:
    """Lower ``program`` (concrete constants only) to a StableHLO module with ``@main``.

    With ``spmd``, arguments and results carry their shardings for XLA's SPMD
    partitioner (hoisted constants are replicated).
    """
    module = _Module()
    body = _Body([], "    ")
    ctx = LoweringContext(module, body)
    prog = program.program
    args = [Value(f"%arg{i}", v.aval) for i, v in enumerate(prog.invars)]
    outs = ctx.call(program, args)
    const_sh = "{replicated}" if spmd is not None else None
    in_sh = spmd.in_shardings if spmd is not None else (None,) * len(args)
    out_sh = spmd.out_shardings if spmd is not None else (None,) * len(outs)
    params = [_sharded(f"{v.name}: {v.type}", const_sh) for v in module.hoisted_values.values()]
    params += [_sharded(f"{a.name}: {a.type}", sh) for a, sh in zip(args, in_sh, strict=True)]
    ret_types = ", ".join(_sharded(v.type, sh) for v, sh in zip(outs, out_sh, strict=True))
    sig = f"@main({', '.join(params)})" + (f" -> ({ret_types})" if outs else "")
    plain_types = ", ".join(v.type for v in outs)
    ret = f'    "func.return"({", ".join(v.name for v in outs)}) : ({plain_types}) -> ()'
    mod_name = _SYMBOL.sub("_", name) or "main"
    if not mod_name[0].isalpha() and mod_name[0] != "_":
        mod_name = f"m_{mod_name}"
    attrs = (
        f" attributes {{mhlo.num_partitions = {spmd.num_partitions} : i32, "
        "mhlo.num_replicas = 1 : i32}"
        if spmd is not None
        else ""
    )
    text = "\n".join(
        [
            f"module @{mod_name}{attrs} {{",
            f"  func.func public {sig} {{",
            *body.lines,
            ret,
            "  }",
            "}",
            "",
        ]
    )
    return LoweredModule(
        text,
        tuple(module.hoisted),
        tuple(v.aval for v in prog.invars),
        tuple(a.aval for a in prog.outvars),
        tuple(module.host_callbacks),
    )
