"""``shard_map``: write the per-device program, with explicit collectives, over a mesh.

``shard_map(f, mesh=mesh, in_specs=..., out_specs=...)`` cuts each argument into the
blocks its ``PartitionSpec`` assigns, runs ``f`` on every device's block with the mesh
axes bound as named axes (so ``psum(x, "data")`` sums over the devices along ``data``),
and joins the results as ``out_specs`` say. It is one primitive, ``shard_map``, holding
the per-device program:

- it compiles through XLA's SPMD partitioner: the arguments are annotated with their
  shardings and marked *manual* (``SPMDFullToShardShape``), the body runs on blocks and
  its collectives become StableHLO's ``all_reduce``/``all_gather``/``reduce_scatter``/
  ``all_to_all``/``collective_permute`` over replica groups of the mesh;
- its JVP is a shard_map of the body's JVP split into known and tangent parts; the
  per-device residuals between them travel stacked over every mesh axis;
- its transpose is a shard_map of the body's transpose, with the two corrections that make
  psum transpose to psum: a cotangent of a result replicated over some axes is divided
  by their size, and the cotangent of an argument replicated over some axes is summed
  over them;
- vmap of it is a shard_map of the vmapped body, the batch axis unsharded.

Before running, the axes each output varies over are worked out from the body (the
inputs vary over their specs' axes; psum-like collectives make a value invariant; anything
else propagates): an output that varies over an axis its out spec does not mention would
silently give one device's value, so it is an error (JAX's ``check_vma``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar, cast

from fad._src import core, jit, placement
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.interpreters.programs import (
    batch_program,
    jvp_split,
    transpose_call,
    transpose_program,
)
from fad._src.interpreters.stage import StageHandler
from fad._src.ir import ClosedProgram
from fad._src.ir.passes import WeakCache, hoist_tracer_consts
from fad._src.prims import collectives as coll
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.sharding import Mesh, NamedSharding, PartitionSpec
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = ["shard_map"]

F = TypeVar("F", bound=Callable[..., Any])
Specs = tuple[PartitionSpec, ...]

shard_map_p = core.new_primitive("shard_map", multiple_results=True)


@contextmanager
def _mesh_axes(mesh: Mesh) -> Iterator[None]:
    """Bind every mesh axis as a named axis, for the abstract rules of collectives."""
    with ExitStack() as stack:
        for name, size in mesh.shape.items():
            stack.enter_context(batching.named_axis(name, size))
        yield


def _factor(mesh: Mesh, spec: PartitionSpec, dim: int) -> int:
    return math.prod(mesh.shape[a] for a in spec.axes(dim))


def _block(aval: ShapedArray, mesh: Mesh, spec: PartitionSpec, what: str) -> ShapedArray:
    if len(spec) > len(aval.shape):
        raise ValueError(
            f"shard_map: {what} has rank {len(aval.shape)} but its spec {spec} has "
            f"{len(spec)} entries"
        )
    shape = []
    for d, n in enumerate(aval.shape):
        k = _factor(mesh, spec, d)
        if n % k:
            raise ValueError(
                f"shard_map: {what} has dimension {d} of size {n}, which the mesh axes "
                f"{spec.axes(d)} (total size {k}) do not divide evenly"
            )
        shape.append(n // k)
    return ShapedArray(tuple(shape), aval.dtype, aval.weak_type)


def _global(aval: ShapedArray, mesh: Mesh, spec: PartitionSpec) -> ShapedArray:
    shape = tuple(n * _factor(mesh, spec, d) for d, n in enumerate(aval.shape))
    return ShapedArray(shape, aval.dtype, aval.weak_type)


def _unmentioned(mesh: Mesh, spec: PartitionSpec) -> tuple[str, ...]:
    used = {a for d in range(len(spec)) for a in spec.axes(d)}
    return tuple(a for a in mesh.axis_names if a not in used)


def _stage(
    fn: Callable[..., Sequence[Array]], in_avals: Sequence[ShapedArray], mesh: Mesh
) -> ClosedProgram:
    stage = StageHandler()
    with core.installed(stage), _mesh_axes(mesh):
        ins = [stage.new_arg(a) for a in in_avals]
        outs = list(fn(*ins))
        return stage.build(ins, outs)


# ---------------------------------------------------------------------------
# The check that outputs are as replicated as their specs say
# ---------------------------------------------------------------------------

_INVARIANT = {coll.psum_p, coll.pmax_p, coll.pmin_p, coll.all_gather_p}
_VARYING = {coll.psum_scatter_p, coll.all_to_all_p, coll.ppermute_p, coll.axis_index_p}


def _varying_outputs(program: ClosedProgram, ins: Sequence[frozenset[str]]) -> list[frozenset[str]]:
    """The mesh axes each output of the body may vary over."""
    prog = program.program
    env: dict[Any, frozenset[str]] = {}
    for v in prog.constvars:
        env[v] = frozenset()
    env.update(zip(prog.invars, ins, strict=True))
    for eqn in prog.eqns:
        found = [env.get(v, frozenset()) for v in eqn.inputs]
        acc: frozenset[str] = frozenset().union(*found)
        params = eqn.params
        named = params.get("axes", (params.get("axis_name"),))
        if eqn.prim in _INVARIANT:
            acc = acc - set(named)
        elif eqn.prim in _VARYING:
            acc = acc | {a for a in named if isinstance(a, str)}
        for o in eqn.outputs:
            env[o] = acc
    return [env.get(v, frozenset()) for v in prog.outvars]


def _check_vma(
    program: ClosedProgram, mesh: Mesh, in_specs: Specs, out_specs: Specs, n_consts: int
) -> None:
    def axes_of(spec: PartitionSpec) -> frozenset[str]:
        return frozenset(a for d in range(len(spec)) for a in spec.axes(d))

    ins: list[frozenset[str]] = [frozenset()] * n_consts
    ins += [axes_of(s) for s in in_specs[n_consts:]]
    for i, (vary, spec) in enumerate(
        zip(_varying_outputs(program, ins), out_specs, strict=True)
    ):
        missing = vary - axes_of(spec)
        if missing:
            raise ValueError(
                f"shard_map: output {i} may differ across the mesh axes {sorted(missing)}, "
                f"but its out spec {spec} says it is the same on all of them (replicated); "
                f"reduce it over those axes (e.g. lax.psum) or name them in out_specs"
            )


# ---------------------------------------------------------------------------
# The primitive
# ---------------------------------------------------------------------------


def _abstract(
    *avals: ShapedArray, program: ClosedProgram, mesh: Mesh, in_specs: Specs, out_specs: Specs
) -> list[ShapedArray]:
    for i, (a, s) in enumerate(zip(avals, in_specs, strict=True)):
        want = program.in_avals[i]
        if _block(a, mesh, s, f"operand {i}").shape != want.shape:
            raise TypeError(f"shard_map: operand {i} {a.str_short()} does not fit the program")
    return [_global(a, mesh, s) for a, s in zip(program.out_avals, out_specs, strict=True)]


# One-equation programs that run a shard_map eagerly, by the program they hold.
_outer: WeakCache[ClosedProgram, ClosedProgram] = WeakCache()


def _eager(
    *args: Array, program: ClosedProgram, mesh: Mesh, in_specs: Specs, out_specs: Specs
) -> list[Array]:
    params = {"program": program, "mesh": mesh, "in_specs": in_specs, "out_specs": out_specs}
    key = tuple((a.shape, a.dtype, a.weak_type) for a in args)

    def make() -> ClosedProgram:
        avals = [a.aval for a in args]
        return _stage(lambda *xs: shard_map_p.bindn(*xs, **params), avals, mesh)

    outer = _outer.get(program, key, make)
    ins = tuple(NamedSharding(mesh, s) for s in in_specs)
    outs = tuple(NamedSharding(mesh, s) for s in out_specs)
    return jit.call_sharded(outer, args, ins, outs, "shard_map")


def _jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, program: ClosedProgram,
    mesh: Mesh, in_specs: Specs, out_specs: Specs,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nonzero = tuple(type(t) is not Zero for t in tangents)
    with _mesh_axes(mesh):
        split = jvp_split(program, nonzero)
    n_out = len(out_specs)
    everywhere = PartitionSpec(tuple(mesh.axis_names))
    # Residuals are per-device values: each travels as one row of an array stacked over
    # every mesh axis.
    n_res = len(split.known.out_avals) - n_out
    known = _stacked_residuals(split.known, n_out, mesh)
    outs = shard_map_p.bindn(
        *primals, program=known, mesh=mesh, in_specs=in_specs,
        out_specs=(*out_specs, *([everywhere] * n_res)),
    )  # fmt: skip
    primal_out, res = outs[:n_out], outs[n_out:]
    if not any(split.out_nonzero):
        return primal_out, [Zero(p.aval) for p in primal_out]
    res_in = [primals[i] for i in split.res_in]
    nz_t = [t for t in tangents if type(t) is not Zero]
    tangent = _unstacked_residuals(split.tangent, len(res_in), n_res, mesh)
    t_specs = tuple(s for s, m in zip(in_specs, nonzero, strict=True) if m)
    t_out_specs = tuple(s for s, m in zip(out_specs, split.out_nonzero, strict=True) if m)
    t_outs = iter(
        shard_map_p.bindn(
            *res_in, *res, *nz_t, program=tangent, mesh=mesh,
            in_specs=(*(in_specs[i] for i in split.res_in), *([everywhere] * n_res), *t_specs),
            out_specs=t_out_specs,
        )
    )  # fmt: skip
    return primal_out, [
        next(t_outs) if m else Zero(p.aval)
        for p, m in zip(primal_out, split.out_nonzero, strict=True)
    ]


def _stacked_residuals(known: ClosedProgram, n_out: int, mesh: Mesh) -> ClosedProgram:
    def make() -> ClosedProgram:
        def fn(*xs: Array) -> list[Array]:
            outs = known(*xs)
            return [*outs[:n_out], *(st.expand_dims(r, (0,)) for r in outs[n_out:])]

        return _stage(fn, known.in_avals, mesh)

    return _derived.get(known, ("stacked", n_out), make)


def _unstacked_residuals(
    tangent: ClosedProgram, n_res_in: int, n_res: int, mesh: Mesh
) -> ClosedProgram:
    avals = list(tangent.in_avals)
    for i in range(n_res_in, n_res_in + n_res):
        a = avals[i]
        avals[i] = ShapedArray((1, *a.shape), a.dtype, a.weak_type)

    def fn(*xs: Array) -> Sequence[Array]:
        ys = list(xs)
        for i in range(n_res_in, n_res_in + n_res):
            ys[i] = st.squeeze(ys[i], (0,))
        return tangent(*ys)

    return _derived.get(tangent, ("unstacked", n_res_in, n_res), lambda: _stage(fn, avals, mesh))


# Derived per-device programs, cached by the program they come from.
_derived: WeakCache[ClosedProgram, ClosedProgram] = WeakCache()


def _transpose(
    cts: Sequence[MaybeZero], *args: Any, program: ClosedProgram, mesh: Mesh, in_specs: Specs,
    out_specs: Specs,
) -> list[MaybeZero | None]:  # fmt: skip
    undefined = tuple(transpose_mod.is_undefined(a) for a in args)
    ct_nonzero = tuple(isinstance(c, Array) for c in cts)
    with _mesh_axes(mesh):
        derived = transpose_program(program, undefined, ct_nonzero)
    ct_specs = tuple(s for s, m in zip(out_specs, ct_nonzero, strict=True) if m)
    def_specs = tuple(s for s, u in zip(in_specs, undefined, strict=True) if not u)
    lin_specs = [s for s, u in zip(in_specs, undefined, strict=True) if u]
    res_specs = tuple(s for s, m in zip(lin_specs, derived.out_mask, strict=True) if m)
    n_def = len(def_specs)

    def run(t: ClosedProgram, operands: list[Array]) -> Sequence[Array]:
        def make() -> ClosedProgram:
            def fn(*xs: Array) -> list[Array]:
                # A cotangent of a result replicated over some axes reaches every device
                # whole: each takes its share. An argument replicated over some axes
                # collects its cotangent from all of them.
                cs = [
                    ew.div(c, ew.full(c.shape, _size_of(mesh, un), c.dtype))
                    if (un := _unmentioned(mesh, s))
                    else c
                    for c, s in zip(xs[n_def:], ct_specs, strict=True)
                ]
                outs = t(*xs[:n_def], *cs)
                return [
                    coll.psum(o, un) if (un := _unmentioned(mesh, s)) else o
                    for o, s in zip(outs, res_specs, strict=True)
                ]

            return _stage(fn, t.in_avals, mesh)

        fixed = _derived.get(t, ("transpose", ct_specs, res_specs), make)
        return shard_map_p.bindn(
            *operands, program=fixed, mesh=mesh, in_specs=(*def_specs, *ct_specs),
            out_specs=res_specs,
        )  # fmt: skip

    with _mesh_axes(mesh):
        return transpose_call(cts, args, program, run)


def _size_of(mesh: Mesh, axes: Sequence[str]) -> int:
    return math.prod(mesh.shape[a] for a in axes)


def _batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, program: ClosedProgram, mesh: Mesh,
    in_specs: Specs, out_specs: Specs,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    moved = [
        v if d is None else batching.moveaxis(v, d, 0) for v, d in zip(vals, dims, strict=True)
    ]
    with _mesh_axes(mesh):
        b = batch_program(program, tuple(d is not None for d in dims), size)
    in_b = tuple(
        PartitionSpec(None, *s) if d is not None else s for s, d in zip(in_specs, dims, strict=True)
    )
    out_b = tuple(
        PartitionSpec(None, *s) if m else s for s, m in zip(out_specs, b.out_mask, strict=True)
    )
    outs = shard_map_p.bindn(
        *moved, program=b.program, mesh=mesh, in_specs=in_b, out_specs=out_b
    )
    return list(outs), [0 if m else None for m in b.out_mask]


core.def_abstract(shard_map_p, _abstract)
core.def_array_impl(shard_map_p, _eager)
jvp_mod.def_jvp_rule(shard_map_p, _jvp)
transpose_mod.def_transpose(shard_map_p, _transpose)
batching.def_batch(shard_map_p, _batch)


# ---------------------------------------------------------------------------
# Lowering: manual sharding around the body, collectives over replica groups
# ---------------------------------------------------------------------------


def _lower(
    ctx: LoweringContext, *args: Value, program: ClosedProgram, mesh: Mesh, in_specs: Specs,
    out_specs: Specs,
) -> list[Value]:  # fmt: skip
    blocks = []
    for x, spec, want in zip(args, in_specs, program.in_avals, strict=True):
        text = NamedSharding(mesh, spec).hlo_text(len(x.aval.shape))
        full = ctx.op1(
            "stablehlo.custom_call",
            [x],
            x.aval,
            f'call_target_name = "Sharding", mhlo.sharding = "{text}"',
        )
        blocks.append(
            ctx.op1(
                "stablehlo.custom_call",
                [full],
                want,
                'call_target_name = "SPMDFullToShardShape", mhlo.sharding = "{manual}"',
            )
        )
    with coll.lowering_mesh(mesh.axis_names, tuple(mesh.devices.shape)):
        outs = ctx.call(program, blocks)
    results = []
    for y, spec, aval in zip(outs, out_specs, ctx.out_avals, strict=True):
        manual = ctx.op1(
            "stablehlo.custom_call",
            [y],
            y.aval,
            'call_target_name = "Sharding", mhlo.sharding = "{manual}"',
        )
        text = NamedSharding(mesh, spec).hlo_text(len(aval.shape))
        results.append(
            ctx.op1(
                "stablehlo.custom_call",
                [manual],
                aval,
                f'call_target_name = "SPMDShardToFullShape", mhlo.sharding = "{text}"',
            )
        )
    return results


lowering.def_rule(shard_map_p, _lower)




# ---------------------------------------------------------------------------
# The user-facing function
# ---------------------------------------------------------------------------


def shard_map(
    f: Callable[..., Any],
    mesh: Mesh,
    in_specs: Any,
    out_specs: Any,
    check_vma: bool = True,
) -> Callable[..., Any]:
    """Run ``f`` on each device's blocks of the arguments, with the mesh axes as named axes.

    Args:
        f: The per-device function. Inside it, ``fad.lax.psum(x, "axis")`` and the other
            collectives combine values over the devices along a mesh axis.
        mesh: The devices and their axis names.
        in_specs: A ``PartitionSpec`` per argument (a pytree prefix of the arguments): how
            each argument is cut into blocks.
        out_specs: Likewise for the results: how the per-device results are joined. A
            result replicated over an axis (the axis not named) must be the same on every
            device along it.
        check_vma: Check that replicated results are the same along their axes (raises
            ``ValueError`` before running otherwise).

    Returns:
        A function of global arrays, jit-able and differentiable.

    Examples:
        >>> from fad.sharding import Mesh, PartitionSpec as P
        >>> mesh = Mesh(np.array(fad.devices()[:1]), ("data",))
        >>> total = fad.shard_map(lambda b: fad.lax.psum(b.sum(), "data"), mesh=mesh,
        ...                       in_specs=P("data"), out_specs=P())
        >>> total(jnp.arange(4.0))
        Array(6., dtype=float32)
    """
    if not isinstance(mesh, Mesh):
        raise TypeError(f"shard_map: mesh must be a fad.sharding.Mesh, got {type(mesh).__name__}")
    for spec in tu.tree_leaves(in_specs) + tu.tree_leaves(out_specs):
        if spec is not None and not isinstance(spec, PartitionSpec):
            raise TypeError(
                f"shard_map: specs must be PartitionSpecs (pytree prefixes of the arguments "
                f"and results), got {type(spec).__name__}: {spec!r}"
            )

    def wrapped(*args: Any) -> Any:
        flat, in_tree = tu.tree_flatten(args)
        flat = [core.asarray(x) if not isinstance(x, Array) else x for x in flat]
        specs = [
            PartitionSpec() if s is None else s
            for s in tu.prefix_broadcast(
                tuple(in_specs) if isinstance(in_specs, list) else in_specs, args, "in_specs"
            )
        ]
        blocks = [
            _block(x.aval, mesh, s, f"argument leaf {i}")
            for i, (x, s) in enumerate(zip(flat, specs, strict=True))
        ]
        out_tree: list[tu.PyTreeDef] = []

        def body(*xs: Array) -> list[Array]:
            out = f(*tu.tree_unflatten(in_tree, list(xs)))
            leaves, tree = tu.tree_flatten(out)
            out_tree.append(tree)
            return [x if isinstance(x, Array) else core.asarray(x) for x in leaves]

        closed, consts = hoist_tracer_consts(_stage(body, blocks, mesh))
        out_struct = tu.tree_unflatten(out_tree[0], [0] * out_tree[0].num_leaves)
        o_specs = tuple(
            PartitionSpec() if s is None else s
            for s in tu.prefix_broadcast(out_specs, out_struct, "out_specs")
        )
        i_specs = (*(PartitionSpec() for _ in consts), *specs)
        if check_vma:
            _check_vma(closed, mesh, i_specs, o_specs, len(consts))
        placement.mark_sharded()
        outs = shard_map_p.bindn(
            *consts, *flat, program=closed, mesh=mesh, in_specs=i_specs, out_specs=o_specs
        )
        return tu.tree_unflatten(out_tree[0], outs)

    return cast(Callable[..., Any], wrapped)
