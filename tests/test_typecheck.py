"""User programs that ``mypy --strict`` must accept or reject, checked line by line.

``tests/typecheck/pass_*.py`` must type-check cleanly; ``tests/typecheck/fail_*.py`` mark
each line that must be rejected with its error codes in a trailing comment
(``# E: arg-type`` or ``# E: call-arg, arg-type``), and mypy must report exactly those
(line, code) pairs. In both kinds, ``reveal_type(...)  # N: Revealed type is "..."`` pins
the revealed type. One mypy run covers all files. The pass programs are also executed,
so that what type-checks also runs (their assertions compare with numpy or closed forms).
"""

from __future__ import annotations

import re
import runpy
from collections import defaultdict
from pathlib import Path

import mypy.api
import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "typecheck"
PASS = sorted(CASES.glob("pass_*.py"))
FAIL = sorted(CASES.glob("fail_*.py"))

_EXPECT_ERR = re.compile(r"#\s*E:\s*(?P<codes>[\w\-, ]+?)\s*$")
_EXPECT_NOTE = re.compile(r"#\s*N:\s*(?P<note>.+?)\s*$")
_REPORT = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*?)"
    r"(?:  \[(?P<code>[\w\-]+)\])?$"
)

Found = dict[str, set[tuple[int, str]]]


def expected(path: Path) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(line, code) pairs of the expected errors, and (line, text) of the expected notes."""
    errors: set[tuple[int, str]] = set()
    notes: set[tuple[int, str]] = set()
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if (m := _EXPECT_ERR.search(line)) is not None:
            errors |= {(i, c.strip()) for c in m["codes"].split(",") if c.strip()}
        if (m := _EXPECT_NOTE.search(line)) is not None:
            notes.add((i, m["note"]))
    return errors, notes


@pytest.fixture(scope="module")
def report() -> tuple[Found, Found]:
    """One ``mypy --strict`` run over every case: errors and revealed types by file name."""
    files = [str(p.relative_to(ROOT)) for p in (*PASS, *FAIL)]
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)  # mypy.ini's mypy_path is relative to the repository root
    try:
        stdout, stderr, status = mypy.api.run(
            ["--config-file", "mypy.ini", "--strict", "--no-error-summary", "--show-error-codes",
             "--hide-error-context", "--no-pretty", *files]
        )  # fmt: skip
    finally:
        mp.undo()
    assert status in (0, 1), f"mypy crashed:\n{stdout}\n{stderr}"
    errors: Found = defaultdict(set)
    notes: Found = defaultdict(set)
    for line in stdout.splitlines():
        m = _REPORT.match(line)
        if m is None:
            continue
        name = Path(m["file"]).name
        if m["kind"] == "error":
            errors[name].add((int(m["line"]), m["code"] or "?"))
        elif m["msg"].startswith("Revealed type is"):
            notes[name].add((int(m["line"]), m["msg"]))
    return errors, notes


def test_cases_exist() -> None:
    assert len(PASS) >= 3 and len(FAIL) >= 2
    n_expected = sum(len(expected(p)[0]) for p in FAIL)
    assert n_expected >= 20, f"only {n_expected} expected errors in the fail_*.py programs"


@pytest.mark.parametrize("path", [*PASS, *FAIL], ids=lambda p: p.name)
def test_mypy_reports_exactly_the_marked_lines(path: Path, report: tuple[Found, Found]) -> None:
    errors, notes = report
    want_errors, want_notes = expected(path)
    if path.name.startswith("pass_"):
        assert not want_errors, f"{path.name} is a pass_ program but marks expected errors"
    got = errors.get(path.name, set())
    missing, extra = sorted(want_errors - got), sorted(got - want_errors)
    assert not missing and not extra, (
        f"{path.name}: expected errors not reported (line, code): {missing}; "
        f"unexpected errors: {extra}"
    )
    got_notes = notes.get(path.name, set())
    assert want_notes == got_notes, (
        f"{path.name}: revealed types differ; expected only: {sorted(want_notes - got_notes)}; "
        f"reported only: {sorted(got_notes - want_notes)}"
    )


@pytest.mark.parametrize("path", PASS, ids=lambda p: p.name)
def test_pass_programs_run(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__typecheck_case__")
    out = capsys.readouterr()
    # reveal_type prints at run time too: one line per call, on stderr.
    revealed = out.err.count("Runtime type is")
    assert revealed == len(expected(path)[1])
