"""Print the primitives x laws table of the law suite (tests/laws).

Each cell says whether the law's property test covers the primitive ("x") or why it is
exempt (a letter keyed to a written reason below the table). Run from anywhere:

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

from laws import LAWS, NO_EXAMPLE, exemption, primitives  # noqa: E402


@dataclass(frozen=True)
class Coverage:
    """``cells[prim][law]``: None when covered, else the reason for the exemption."""

    prims: tuple[str, ...]
    laws: tuple[str, ...]
    cells: dict[str, dict[str, str | None]]

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
    return Coverage(prims, laws, {p: {k: exemption(k, p) for k in laws} for p in prims})


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
        cells = ["x" if cov.cells[p][k] is None else reasons[str(cov.cells[p][k])]
                 for k in cov.laws]  # fmt: skip
        lines.append(f"{p:<{width}} | " + " ".join(f"{c:>3}" for c in cells))
    lines.append("")
    lines.append("Laws:")
    lines += [f"  {LAWS[k].number:>3}  {LAWS[k].title}  [{k}]" for k in cov.laws]
    if reasons:
        lines.append("Exemptions:")
        lines += [f"  {letter}: {reason}" for reason, letter in reasons.items()]
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
