"""``einsum`` as diagonals, sums and a left-to-right chain of ``dot_general``s."""

from __future__ import annotations

from typing import Any

from fad._src.core import Array
from fad._src.numpy import lax_numpy as jnp
from fad._src.prims import linalg as la
from fad._src.prims import reductions as red
from fad._src.prims import structural as st


def _parse(subscripts: str, n: int) -> tuple[list[str], str]:
    spec = subscripts.replace(" ", "")
    if "." in spec:
        raise NotImplementedError("einsum with '...' is not supported yet")
    if "->" in spec:
        ins, out = spec.split("->")
    else:
        ins = spec
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != n:
        raise ValueError(f"einsum: {len(terms)} operand subscripts in {subscripts!r} for {n} operands")
    for t in (*terms, out):
        if not all(c.isalpha() for c in t):
            raise ValueError(f"einsum: invalid subscript {t!r} in {subscripts!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"einsum: output subscript {out!r} repeats a letter")
    return terms, out


def _take_diagonals(x: Array, term: str) -> tuple[Array, str]:
    """Collapse letters repeated inside one operand (``ii->i``) to a diagonal."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = jnp.diagonal(x, 0, i, j)
        term = term[:i] + term[i + 1 : j] + term[j + 1 :] + c
    return x, term


def einsum(subscripts: str, *operands: Any) -> Array:
    terms, out = _parse(subscripts, len(operands))
    arrs = jnp._promote_no_broadcast("einsum", operands)
    sizes: dict[str, int] = {}
    for a, t in zip(arrs, terms, strict=True):
        if a.ndim != len(t):
            raise ValueError(f"einsum: operand of shape {a.shape} does not match subscript {t!r}")
        for c, n in zip(t, a.shape, strict=True):
            if sizes.setdefault(c, n) != n:
                raise ValueError(f"einsum: letter {c!r} has sizes {sizes[c]} and {n}")
    for c in out:
        if c not in sizes:
            raise ValueError(f"einsum: output letter {c!r} does not appear in the inputs")

    prepared: list[tuple[Array, str]] = []
    for k, (a, t) in enumerate(zip(arrs, terms, strict=True)):
        a, t = _take_diagonals(a, t)
        others = "".join(terms[:k] + terms[k + 1 :]) + out
        lonely = [i for i, c in enumerate(t) if c not in others]
        if lonely:
            a = red.reduce_sum(a, lonely)
            t = "".join(c for i, c in enumerate(t) if i not in lonely)
        prepared.append((a, t))

    cur, ct = prepared[0]
    for k in range(1, len(prepared)):
        nxt, nt = prepared[k]
        later = "".join(t for _, t in prepared[k + 1 :]) + out
        shared = [c for c in ct if c in nt]
        batch = [c for c in shared if c in later]
        contract = [c for c in shared if c not in later]
        dn = (
            (tuple(ct.index(c) for c in contract), tuple(nt.index(c) for c in contract)),
            (tuple(ct.index(c) for c in batch), tuple(nt.index(c) for c in batch)),
        )
        cur = la.dot_general(cur, nxt, dn)
        ct = "".join(batch) + "".join(c for c in ct if c not in shared) + "".join(
            c for c in nt if c not in shared
        )
    extra = [i for i, c in enumerate(ct) if c not in out]
    if extra:
        cur = red.reduce_sum(cur, extra)
        ct = "".join(c for c in ct if c in out)
    return st.transpose_(cur, [ct.index(c) for c in out])
