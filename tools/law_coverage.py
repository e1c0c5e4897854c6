"""Print the primitives x laws table of the law suite (tests/laws).

Each cell says whether the law's property test covers the primitive ("x"), covers it with
some operands held at their drawn values ("p", the reason below the table: the edge-value
law 6e keeps index operands in range), or why it is exempt (a letter keyed to a written
reason below the table). Run from anywhere:

    .venv/bin/python tools/law_coverage.py

Exit status 0 when every cell is covered or carries a non-empty reason, 1 otherwise.
tests/test_law_coverage.py runs the same check.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))

from laws import EDGE_HELD, LAWS, NO_EXAMPLE, exemption, primitives  # noqa: E402

from fad._src.testing.edge import LAW_EDGES  # noqa: E402


@dataclass(frozen=True)
class Coverage:
    """``cells[prim][law]``: None when covered, else the reason for the exemption;
    ``partial[(prim, law)]``: why a covered cell holds some operands fixed."""

    prims: tuple[str, ...]
    laws: tuple[str, ...]
    cells: dict[str, dict[str, str | None]]
    partial: dict[tuple[str, str], str]

    @property
    def covered(self) -> int:
        return sum(r is None for row in self.cells.values() for r in row.values())

    @property
    def exempt(self) -> int:
        return sum(r is not None for row in self.cells.values() for r in row.values())

    def unexplained(self) -> list[tuple[str, str]]:
        """Cells neither covered nor carrying a written reason (must be empty): a primitive
        without any example is a gap, not an exemption."""
        return [(p, k) for p, row in self.cells.items() for k, r in row.items()
                if r is not None and (not r.strip() or r == NO_EXAMPLE)]  # fmt: skip


def coverage() -> Coverage:
    prims = tuple(primitives())
    laws = tuple(LAWS)
    cells = {p: {k: exemption(k, p) for k in laws} for p in prims}
    partial = {(p, "jit_edge"): r for p, r in EDGE_HELD.items()
               if p in cells and cells[p]["jit_edge"] is None}  # fmt: skip
    return Coverage(prims, laws, cells, partial)


def render(cov: Coverage) -> str:
    reasons: dict[str, str] = {}
    for row in cov.cells.values():
        for r in row.values():
            if r is not None and r not in reasons:
                reasons[r] = chr(ord("a") + len(reasons))
    width = max(len(p) for p in cov.prims)
    heads = [LAWS[k].number for k in cov.laws]
    lines = [" " * width + " | " + " ".join(f"{h:>3}" for h in heads)]
    lines.append("-" * len(lines[0]))
    for p in cov.prims:
        cells = [("p" if (p, k) in cov.partial else "x") if cov.cells[p][k] is None
                 else reasons[str(cov.cells[p][k])] for k in cov.laws]  # fmt: skip
        lines.append(f"{p:<{width}} | " + " ".join(f"{c:>3}" for c in cells))
    lines.append("")
    lines.append("Laws:")
    lines += [f"  {LAWS[k].number:>3}  {LAWS[k].title}  [{k}]" for k in cov.laws]
    if reasons:
        lines.append("Exemptions:")
        lines += [f"  {letter}: {reason}" for reason, letter in reasons.items()]
    if cov.partial:
        lines.append("Partly covered (p):")
        lines += [f"  {p} [{k}]: {r}" for (p, k), r in sorted(cov.partial.items())]
    left_out = ", ".join(k for k, v in LAW_EDGES.items() if not v)
    lines.append(f"Edge values law 6e leaves out for every primitive ({left_out}): "
                 "see fad/_src/testing/edge.py (LAW_EDGES) for why.")
    lines.append(
        f"{len(cov.prims)} primitives x {len(cov.laws)} laws = {len(cov.prims) * len(cov.laws)} "
        f"cells: {cov.covered} covered, {cov.exempt - len(cov.unexplained())} exempt with a "
        f"written reason, {len(cov.unexplained())} unexplained"
    )
    return "\n".join(lines)


def main() -> int:
    cov = coverage()
    print(render(cov))
    return 1 if cov.unexplained() else 0


if __name__ == "__main__":
    sys.exit(main())
