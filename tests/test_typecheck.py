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
import shutil
import subprocess
import sys
import sysconfig
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


def run_pyright(files: list[Path], python: str, config: Mapping[str, object], cwd: Path
                ) -> list[dict[str, Any]]:  # fmt: skip
    """pyright's diagnostics (``--outputjson``) for ``files``, with ``python``'s packages."""
    (cwd / "pyrightconfig.json").write_text(json.dumps(config))
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no version check online
    proc = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", python,
         "-p", str(cwd / "pyrightconfig.json"), *map(str, files)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1), f"pyright failed:\n{proc.stdout}\n{proc.stderr}"
    # pyright's JSON report: the seam where the diagnostics' static types stop.
    diagnostics: list[dict[str, Any]] = json.loads(proc.stdout)["generalDiagnostics"]
    return diagnostics


def _line(d: dict[str, Any]) -> int:
    return int(d["range"]["start"]["line"]) + 1


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


# A user's program outside the checkout: everything type-checks except the marked line,
# which both checkers must reject (so fad's types are seen, not Any). It imports the
# modules that import scipy, which has no type stubs: no error from fad's source shows.
USER_PROGRAM = '''\
import fad
import fad.numpy as jnp
import fad.scipy.special
from fad import Array, Tangent


def loss(w: Array, x: Array) -> Array:
    return jnp.sum(jnp.tanh(x @ w) ** 2)


w, x = jnp.ones(3), jnp.ones((4, 3))
g: Array = fad.grad(loss)(w, x)
_, w_dot = fad.jvp(jnp.sin, (w,), (fad.tangent(w),))
s: Tangent[Array] = jnp.sum(w_dot * w)
jac: Array = fad.jacfwd(jnp.tanh)(w)
e: Array = fad.scipy.special.erf(w)
bad: Tangent[Array] = g
'''
USER_ERROR_LINE = USER_PROGRAM.splitlines().index("bad: Tangent[Array] = g") + 1


def _new_env(where: Path) -> Path:
    """A fresh virtual environment that sees this one's packages but has no fad of its own."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # A path line (not an import line): this environment's numpy, jaxlib, pip, setuptools.
    (Path(site) / "_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _pip_install(python: Path, *args: str) -> None:
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, f"pip install {args} failed:\n{proc.stdout}\n{proc.stderr}"


def _check_user_program(python: Path, user: Path, cache: Path) -> None:
    """mypy --strict and pyright (strict) on the user's file, as the user runs them."""
    mp = pytest.MonkeyPatch()
    mp.chdir(user)
    try:
        stdout, stderr, status = mypy.api.run(
            ["--strict", "--python-executable", str(python), "--cache-dir", str(cache),
             "--no-error-summary", "--show-error-codes", "--hide-error-context", "--no-pretty",
             "user.py"]
        )  # fmt: skip
    finally:
        mp.undo()
    assert status in (0, 1), f"mypy crashed:\n{stdout}\n{stderr}"
    errors = [m for line in stdout.splitlines() if (m := _REPORT.match(line)) is not None]
    assert [(m["file"], int(m["line"]), m["code"]) for m in errors] == [
        ("user.py", USER_ERROR_LINE, "assignment")
    ], f"mypy, as the user runs it:\n{stdout}"
    diags = run_pyright([user / "user.py"], str(python), PYRIGHT_CONFIG, user)
    found = [(_line(d), d.get("rule")) for d in diags if d["severity"] in ("error", "warning")]
    assert found == [(USER_ERROR_LINE, "reportAssignmentType")], f"pyright: {diags}"


def test_installed_fad_type_checks_for_a_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a user runs them: no PYTHONPATH or MYPYPATH pointing into the checkout.
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("MYPYPATH", raising=False)
    user = tmp_path / "user"
    user.mkdir()
    (user / "user.py").write_text(USER_PROGRAM)
    cache = tmp_path / "mypy_cache"
    where_is_fad = "import fad; print(fad.__file__)"

    # Editable: setuptools writes a plain path entry (no import hook) that both follow.
    python = _new_env(tmp_path / "editable")
    _pip_install(python, "-e", str(ROOT))
    (pth,) = (tmp_path / "editable").glob("lib/python*/site-packages/__editable__.fad-*.pth")
    assert pth.read_text().split() == [str(ROOT)], pth.read_text()
    found = subprocess.run([str(python), "-c", where_is_fad], capture_output=True, text=True,
                           cwd=user, check=True).stdout.strip()  # fmt: skip
    assert Path(found) == ROOT / "fad" / "__init__.py"
    _check_user_program(python, user, cache)

    # Regular: from a copy of the sources (the build writes nothing into the checkout).
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "fad", src / "fad", ignore=shutil.ignore_patterns("__pycache__"))
    python = _new_env(tmp_path / "regular")
    _pip_install(python, str(src))
    found = subprocess.run([str(python), "-c", where_is_fad], capture_output=True, text=True,
                           cwd=user, check=True).stdout.strip()  # fmt: skip
    assert Path(found).is_relative_to(tmp_path / "regular"), found
    assert (Path(found).parent / "py.typed").is_file()
    _check_user_program(python, user, cache)


# The inference table of docs/typed-tangents.md: what mypy and pyright infer for the
# documented forms, regenerated here (the test rewrites the section and fails if it was
# stale). A lambda under mypy is the one known Any: mypy types a lambda's parameters Any
# while it resolves an overloaded call such as grad's.
TABLE_PAGE = ROOT / "docs" / "typed-tangents.md"
TABLE_START = "<!-- inference-table:start (generated by tests/test_typecheck.py) -->"
TABLE_END = "<!-- inference-table:end -->"
TABLE_PRELUDE = '''\
from typing import reveal_type

import fad
import fad.numpy as jnp
import fad.random
from fad import Array, lax

x, xs = jnp.ones(3), jnp.ones((4, 3))
params = {"w": jnp.ones(3), "b": jnp.zeros(())}
t, ct = fad.tangent(x), fad.cotangent(x)
key = fad.random.key(0)


def f(x: Array) -> Array:
    return jnp.sin(x) * x


def scalar(x: Array) -> Array:
    return jnp.sum(x**3)


def loss(p: dict[str, Array], x: Array) -> Array:
    return jnp.sum((x * p["w"] + p["b"]) ** 2)


def with_aux(x: Array) -> tuple[Array, str]:
    return jnp.sum(x), "aux"


def weighted(w: Array, x: Array, scale: float) -> Array:
    return scale * jnp.sum(w * x**2)


def step(c: Array, x: Array) -> tuple[Array, Array]:
    return c + x, c * x


def half(a: Array) -> Array:
    return a / 2


_, pullback = fad.vjp(f, x)
'''
# (call shown in the table, is it a lambda form)
TABLE_FORMS: list[tuple[str, bool]] = [
    ("fad.grad(scalar)(x)", False),
    ("fad.grad(loss)(params, x)", False),
    ("fad.grad(weighted, argnums=1)(x, x, 2.0)", False),
    ("fad.grad(weighted, argnums=(0, 1))(x, x, 2.0)", False),
    ("fad.grad(with_aux, has_aux=True)(x)", False),
    ("fad.grad(lambda z: jnp.sum(z**2))(x)", True),
    ("fad.value_and_grad(loss)(params, x)", False),
    ("fad.jit(f)(x)", False),
    ("fad.vmap(f)(xs)", False),
    ("fad.vmap(lambda z: z @ z)(xs)", True),
    ("fad.jvp(f, (x,), (t,))", False),
    ("fad.vjp(f, x)", False),
    ("pullback(ct)", False),
    ("fad.linearize(f, x)", False),
    ("fad.jacfwd(f)(x)", False),
    ("fad.jacrev(f)(x)", False),
    ("fad.hessian(scalar)(x)", False),
    ("fad.jacfwd(lambda z: jnp.tanh(z))(x)", True),
    ("fad.random.normal(key, (3,))", False),
    ("fad.random.uniform(key, (2,), minval=-1.0)", False),
    ("lax.scan(step, jnp.zeros(3), xs)", False),
    ("lax.scan(lambda c, r: (c + r, None), 0.0, xs)", False),
    ("lax.fori_loop(0, 3, lambda i, v: v * 2.0, x)", False),
    ("lax.while_loop(lambda v: v < 10, lambda v: v + 3, jnp.asarray(0))", False),
    ("fad.tree.map(half, params)", False),
    ("fad.tree.map(lambda a: a / 2, params)", True),
]
_MODULES = re.compile(r"\b(?:fad\._src\.\w+\.|fad\._src\.|builtins\.|typing\.)")


def _is_any(shown: str) -> bool:
    return re.search(r"\b(Any|Unknown)\b", shown) is not None


def inference_table(tmp: Path) -> str:
    """The generated section: one row per form with mypy's and pyright's revealed types."""
    lines = [f"reveal_type({form})" for form, _ in TABLE_FORMS]
    program = tmp / "inference.py"
    program.write_text(TABLE_PRELUDE + "\n" + "\n".join(lines) + "\n")
    first = len(TABLE_PRELUDE.splitlines()) + 2
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        stdout, stderr, status = mypy.api.run(
            ["--config-file", "mypy.ini", "--strict", "--no-error-summary", "--no-pretty",
             "--hide-error-context", str(program)]
        )  # fmt: skip
    finally:
        mp.undo()
    assert status in (0, 1), f"mypy crashed:\n{stdout}\n{stderr}"
    mypy_types: dict[int, str] = {}
    for line in stdout.splitlines():
        m = _REPORT.match(line)
        assert m is None or m["kind"] != "error", f"the table's program has a mypy error: {line}"
        if m is not None and m["msg"].startswith("Revealed type is"):
            mypy_types[int(m["line"])] = _MODULES.sub("", m["msg"][len('Revealed type is "'):-1])
    config = {**PYRIGHT_CONFIG, "extraPaths": [str(ROOT)]}
    pyright_types: dict[int, str] = {}
    for d in run_pyright([program], sys.executable, config, tmp):
        if (m := _PYRIGHT_TYPE.match(str(d["message"]))) is not None:
            pyright_types[_line(d)] = m["type"]
    rows, any_mypy, any_pyright = [], [], []
    for i, (form, is_lambda) in enumerate(TABLE_FORMS):
        mt, pt = mypy_types[first + i], pyright_types[first + i]
        if _is_any(mt):
            any_mypy.append((form, is_lambda))
        if _is_any(pt):
            any_pyright.append((form, is_lambda))
        cells = (c.replace("|", "\\|") for c in (form, mt, pt))  # a union's | is not a column
        rows.append("| `{}` | `{}` | `{}` |".format(*cells))
    n_lambda = sum(is_lambda for _, is_lambda in any_mypy)
    summary = (
        f"`Any` results: {len(any_mypy)} of {len(TABLE_FORMS)} under mypy "
        f"({n_lambda} of them lambdas given to an overloaded transformation), "
        f"{len(any_pyright)} under pyright."
    )
    return "\n".join([
        TABLE_START, "", "| call | mypy | pyright |", "|---|---|---|", *rows, "", summary, "",
        TABLE_END,
    ])  # fmt: skip


def test_inference_table_is_current(tmp_path: Path) -> None:
    table = inference_table(tmp_path)
    text = TABLE_PAGE.read_text()
    assert TABLE_START in text and TABLE_END in text, f"{TABLE_PAGE.name} lacks the table markers"
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    new = head + table + tail
    if new != text:
        TABLE_PAGE.write_text(new)
    assert new == text, f"{TABLE_PAGE.name}'s inference table was stale; it is regenerated now"
    # The documented forms (all but lambdas under mypy) infer no Any under either checker.
    body = table.split("|---|---|---|", 1)[1]
    for (form, is_lambda), row in zip(TABLE_FORMS, body.strip().splitlines(), strict=False):
        _, mt, pt = (c.strip() for c in row.strip("|").replace("\\|", "/").split(" | "))
        assert not _is_any(pt), f"pyright infers Any for {form}: {pt}"
        assert is_lambda or not _is_any(mt), f"mypy infers Any for {form}: {mt}"
