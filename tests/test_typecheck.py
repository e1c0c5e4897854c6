"""User programs that ``mypy --strict`` and ``pyright`` (strict mode) must accept or reject.

``tests/typecheck/pass_*.py`` must type-check cleanly; ``tests/typecheck/fail_*.py`` mark
each line that must be rejected with its mypy error codes in a trailing comment
(``# E: arg-type`` or ``# E: call-arg, arg-type``): mypy must report exactly those
(line, code) pairs, and pyright an error on exactly the marked lines. Where the checkers
differ, ``# E[pyright]`` marks a line only pyright rejects (``# E[mypy]: code`` one only
mypy rejects). ``reveal_type(...)  # N: Revealed type is "..."`` pins mypy's revealed type
and ``# P: ...`` pyright's. One run of each checker covers all files. The pass programs
are also executed, so that what type-checks also runs (their assertions compare with
numpy, closed forms or recorded JAX outputs).

The last test installs fad into a fresh virtual environment, editable and then regular,
and type-checks a user's file outside the checkout with both checkers and nothing to
configure (no MYPYPATH, no config file).
"""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import mypy.api
import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "typecheck"
PASS = sorted(CASES.glob("pass_*.py"))
FAIL = sorted(CASES.glob("fail_*.py"))

_MARK = re.compile(r"#\s*(?P<kind>E|E\[mypy\]|E\[pyright\]|N|P)(?::|\s*$)\s*(?P<text>[^#]*)")
_REPORT = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*?)"
    r"(?:  \[(?P<code>[\w\-]+)\])?$"
)
_PYRIGHT_TYPE = re.compile(r'^Type of ".*" is "(?P<type>.*)"$', re.S)
# pyright in strict mode, the way a user's project would set it; the checkout is where
# ``fad`` is found (as an editable install would put it on the path).
PYRIGHT_CONFIG = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}

Found = dict[str, set[tuple[int, str]]]


class Expected:
    """The marks of one program: mypy's (line, code) errors, pyright's error lines, notes."""

    def __init__(self, path: Path) -> None:
        self.mypy: set[tuple[int, str]] = set()
        self.pyright: set[int] = set()
        self.notes: set[tuple[int, str]] = set()
        self.pyright_types: set[tuple[int, str]] = set()
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            for m in _MARK.finditer(line):
                kind, text = m["kind"], m["text"].strip()
                codes = {(i, c.strip()) for c in text.split(",") if c.strip()}
                if kind == "E":
                    self.mypy |= codes
                    self.pyright.add(i)
                elif kind == "E[mypy]":
                    self.mypy |= codes
                elif kind == "E[pyright]":
                    self.pyright.add(i)
                elif kind == "N":
                    self.notes.add((i, text))
                else:
                    self.pyright_types.add((i, text))


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


def run_pyright(files: list[Path], python: str, config: dict[str, object], cwd: Path
                ) -> list[dict[str, object]]:  # fmt: skip
    """pyright's diagnostics (``--outputjson``) for ``files``, with ``python``'s packages."""
    (cwd / "pyrightconfig.json").write_text(json.dumps(config))
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no version check online
    proc = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", python,
         "-p", str(cwd / "pyrightconfig.json"), *map(str, files)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1), f"pyright failed:\n{proc.stdout}\n{proc.stderr}"
    diagnostics: list[dict[str, object]] = json.loads(proc.stdout)["generalDiagnostics"]
    return diagnostics


def _line(d: dict[str, object]) -> int:
    start = d["range"]["start"]  # type: ignore[index]
    return int(start["line"]) + 1  # type: ignore[index]


@pytest.fixture(scope="module")
def pyright_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Found, Found]:
    """One pyright run (strict) over every case: error lines and revealed types by file."""
    where = tmp_path_factory.mktemp("pyright")
    config = {**PYRIGHT_CONFIG, "extraPaths": [str(ROOT)]}
    errors: Found = defaultdict(set)
    types: Found = defaultdict(set)
    for d in run_pyright([*PASS, *FAIL], sys.executable, config, where):
        name = Path(str(d["file"])).name
        if d["severity"] in ("error", "warning"):
            errors[name].add((_line(d), f"{d.get('rule', '?')}: {d['message']}"))
        elif (m := _PYRIGHT_TYPE.match(str(d["message"]))) is not None:
            types[name].add((_line(d), m["type"]))
    return errors, types


def test_cases_exist() -> None:
    assert len(PASS) >= 3 and len(FAIL) >= 2
    n_expected = sum(len(Expected(p).mypy) for p in FAIL)
    assert n_expected >= 20, f"only {n_expected} expected errors in the fail_*.py programs"


@pytest.mark.parametrize("path", [*PASS, *FAIL], ids=lambda p: p.name)
def test_mypy_reports_exactly_the_marked_lines(path: Path, report: tuple[Found, Found]) -> None:
    errors, notes = report
    want = Expected(path)
    if path.name.startswith("pass_"):
        assert not want.mypy, f"{path.name} is a pass_ program but marks expected mypy errors"
    got = errors.get(path.name, set())
    missing, extra = sorted(want.mypy - got), sorted(got - want.mypy)
    assert not missing and not extra, (
        f"{path.name}: expected errors not reported (line, code): {missing}; "
        f"unexpected errors: {extra}"
    )
    got_notes = notes.get(path.name, set())
    assert want.notes == got_notes, (
        f"{path.name}: revealed types differ; expected only: {sorted(want.notes - got_notes)}; "
        f"reported only: {sorted(got_notes - want.notes)}"
    )


@pytest.mark.parametrize("path", [*PASS, *FAIL], ids=lambda p: p.name)
def test_pyright_reports_exactly_the_marked_lines(
    path: Path, pyright_report: tuple[Found, Found]
) -> None:
    errors, types = pyright_report
    want = Expected(path)
    got = errors.get(path.name, set())
    missing = sorted(want.pyright - {line for line, _ in got})
    extra = sorted((line, msg) for line, msg in got if line not in want.pyright)
    assert not missing and not extra, (
        f"{path.name}: pyright reported no error on the marked lines {missing}; "
        f"unexpected errors: {extra}"
    )
    got_types = types.get(path.name, set())
    assert want.pyright_types <= got_types, (
        f"{path.name}: pyright's revealed types differ: expected "
        f"{sorted(want.pyright_types - got_types)}; reported {sorted(got_types)}"
    )


@pytest.mark.parametrize("path", PASS, ids=lambda p: p.name)
def test_pass_programs_run(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__typecheck_case__")
    out = capsys.readouterr()
    # reveal_type prints at run time too: one line per call, on stderr.
    revealed = out.err.count("Runtime type is")
    assert revealed == len(Expected(path).notes)
