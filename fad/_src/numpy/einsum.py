"""``einsum`` as diagonals, sums and a left-to-right chain of ``dot_general``s.

An ellipsis stands for the same run of broadcast axes in every operand (aligned on
the right, as numpy does); each of those axes gets a fresh letter, and an axis of
size 1 that meets a larger one is dropped from its operand, which is exactly
broadcasting in a sum of products.
"""

from __future__ import annotations

import string
from typing import Any

from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import astype as conversion_astype
from fad._src.numpy.conversion import promote_no_broadcast
from fad._src.numpy.creation import diagonal
from fad._src.prims import linalg as la
from fad._src.prims import structural as st


def _check_letters(term: str, subscripts: str) -> None:
    if not all(c.isalpha() for c in term):
        raise ValueError(f"einsum: invalid subscript {term!r} in {subscripts!r}")


def _parse(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Operand and output subscripts, with each ``...`` replaced by fresh letters."""
    spec = subscripts.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: {len(terms)} operand subscripts in {subscripts!r} for {len(shapes)} operands"
        )
    free = [c for c in string.ascii_letters if c not in spec]
    n_ell = 0
    for t, shape in zip(terms, shapes, strict=True):
        if t.count("...") > 1 or t.replace("...", "").count(".") or "." in out.replace("...", ""):
            raise ValueError(f"einsum: invalid ellipsis in {subscripts!r}")
        if "..." in t:
            n_named = len(t) - 3
            if len(shape) < n_named:
                raise ValueError(
                    f"einsum: operand of shape {shape} has fewer axes than subscript {t!r}"
                )
            n_ell = max(n_ell, len(shape) - n_named)
    if n_ell > len(free):
        raise ValueError("einsum: too many broadcast axes for the letters left")
    ell = "".join(free[:n_ell])
    new_terms = []
    for t, shape in zip(terms, shapes, strict=True):
        if "..." in t:
            k = len(shape) - (len(t) - 3)
            t = t.replace("...", ell[n_ell - k :])
        _check_letters(t, subscripts)
        new_terms.append(t)
    if arrow:
        if "..." in out:
            out = out.replace("...", ell)
        elif n_ell:
            raise ValueError(
                f"einsum: {subscripts!r} has broadcast axes ('...') but its output does not"
            )
    else:
        letters = "".join(new_terms)
        named = "".join(c for c in letters if c not in ell)
        out = ell + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    _check_letters(out, subscripts)
    if len(set(out)) != len(out):
        raise ValueError(f"einsum: output subscript {out!r} repeats a letter")
    return new_terms, out


def _take_diagonals(x: Array, term: str) -> tuple[Array, str]:
    """Collapse letters repeated inside one operand (``ii->i``) to a diagonal."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = diagonal(x, 0, i, j)
        term = term[:i] + term[i + 1 : j] + term[j + 1 :] + c
    return x, term


def einsum(
    subscripts: str,
    /,
    *operands: ArrayLike,
    out: None = None,
    optimize: Any = None,
    precision: Any = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array:
    """Sums of products over named axes, as numpy's ``einsum`` (explicit, implicit and
    ``...`` forms).

    Each operand's axes are named by letters; a letter in several operands multiplies
    along that axis, and a letter missing from the output is summed over. Contractions
    become ``dot_general`` primitives, so they differentiate, batch and compile like
    ``matmul``.

    Args:
        subscripts: The axis letters of each operand, comma-separated, and optionally
            ``->`` and the output's letters (``"ij,jk->ik"``). Without ``->`` the output
            has the letters that appear once, in alphabetical order. ``...`` stands for
            broadcast leading axes.
        *operands: The arrays, one per comma-separated term.
        out: Not supported (fad arrays are immutable); must be ``None``.
        optimize: Accepted for JAX compatibility; fad picks the contraction order.
        precision: Accepted for JAX compatibility; XLA picks the precision.
        preferred_element_type: The dtype to compute in (the operands are cast to it).
        out_sharding: Accepted for JAX compatibility.

    Returns:
        The result, with the output letters' axes in order, in the operands' promoted
        dtype.

    Raises:
        TypeError: If ``subscripts`` is not a string.
        ValueError: If a term's letters do not match its operand's number of axes, or a
            letter has two different sizes.

    Example:
        >>> a, b = jnp.ones((2, 3)), jnp.arange(3.0)
        >>> jnp.einsum("ij,j->i", a, b)  # a matrix-vector product
        Array([3., 3.], dtype=float32)
        >>> jnp.einsum("ii", jnp.eye(3))  # the trace
        Array(3., dtype=float32)
    """
    if out is not None:
        raise NotImplementedError("einsum: out= is not supported (fad arrays are immutable)")
    if preferred_element_type is not None:
        operands = tuple(conversion_astype(o, preferred_element_type) for o in operands)
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    arrs = promote_no_broadcast("einsum", operands)
    terms, out_term = _parse(subscripts, [a.shape for a in arrs])
    sizes: dict[str, int] = {}
    for a, t in zip(arrs, terms, strict=True):
        if a.ndim != len(t):
            raise ValueError(f"einsum: operand of shape {a.shape} does not match subscript {t!r}")
        for c, n in zip(t, a.shape, strict=True):
            if n != 1 and sizes.get(c, 1) not in (1, n):
                raise ValueError(
                    f"einsum: letter {c!r} has sizes {sizes[c]} and {n} "
                    f"(operand shapes {[x.shape for x in arrs]})"
                )
            if n != 1 or c not in sizes:
                sizes[c] = n
    for c in out_term:
        if c not in sizes:
            raise ValueError(f"einsum: output letter {c!r} does not appear in the inputs")

    prepared: list[tuple[Array, str]] = []
    for a, t in zip(arrs, terms, strict=True):
        # Broadcasting: an axis of size 1 against a larger one is dropped from this operand.
        stretched = [i for i, c in enumerate(t) if a.shape[i] == 1 and sizes[c] != 1]
        if stretched:
            a = st.squeeze(a, stretched)
            t = "".join(c for i, c in enumerate(t) if i not in stretched)
        prepared.append(_take_diagonals(a, t))
    summed: list[tuple[Array, str]] = []
    for k, (a, t) in enumerate(prepared):
        others = "".join(tt for j, (_, tt) in enumerate(prepared) if j != k) + out_term
        lonely = [i for i, c in enumerate(t) if c not in others]
        if lonely:
            a = st.reduce_sum(a, lonely)
            t = "".join(c for i, c in enumerate(t) if i not in lonely)
        summed.append((a, t))

    cur, ct = summed[0]
    for k in range(1, len(summed)):
        nxt, nt = summed[k]
        later = "".join(t for _, t in summed[k + 1 :]) + out_term
        shared = [c for c in ct if c in nt]
        batch = [c for c in shared if c in later]
        contract = [c for c in shared if c not in later]
        dn = (
            (tuple(ct.index(c) for c in contract), tuple(nt.index(c) for c in contract)),
            (tuple(ct.index(c) for c in batch), tuple(nt.index(c) for c in batch)),
        )
        cur = la.dot_general(cur, nxt, dn)
        ct = (
            "".join(batch)
            + "".join(c for c in ct if c not in shared)
            + "".join(c for c in nt if c not in shared)
        )
    extra = [i for i, c in enumerate(ct) if c not in out_term]
    if extra:
        cur = st.reduce_sum(cur, extra)
        ct = "".join(c for c in ct if c in out_term)
    return st.transpose_(cur, [ct.index(c) for c in out_term])
