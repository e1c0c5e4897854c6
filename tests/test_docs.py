"""Every code block in the documentation runs, and type-checks under ``mypy --strict``.

Each ``docs/**/*.md`` page's fenced ``python`` blocks run in order in one fresh module
per page, so later blocks see the names earlier ones defined. A block is skipped only
when the line before its fence is ``<!-- notest: reason -->`` with a non-empty reason.
A block preceded by ``<!-- mypy-error: text -->`` shows a type error on purpose: it is
not run, and mypy must report an error containing ``text`` inside that block (and none
elsewhere). A line ``--8<-- "path"`` inside a block is a pymdownx snippet include and is
replaced by the file at ``path`` (relative to the repository root), as the site build
does. Docstring examples (``>>>``) of the public modules run as doctests.

What the reader sees is generated from these runs and checked against them:

- A block that prints is followed by an ```` ```output ```` block holding what it printed
  (numbers compared with a tolerance, so the last digit may differ between machines).
- A ``mypy-error`` block is followed by a ``!!! failure "mypy --strict"`` admonition holding
  every error mypy reports inside the block.

``FAD_DOCS_UPDATE=1 pytest tests/test_docs.py`` writes both into the pages instead of
comparing (review the diff before committing it).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import io
import math
import os
import re
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mypy.api
import numpy as np
import pytest

import fad

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<kind>notest|mypy-error)\s*:?(?P<text>.*?)-->\s*$")
_SNIPPET = re.compile(r"^\s*--8<--\s+\"(?P<path>[^\"]+)\"\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced python block of a page; ``line`` is the fence's 1-based line number."""

    page: Path
    line: int
    code: str
    kind: str  # "run", "notest" or "mypy-error"
    note: str
    end: int = 0  # the 0-based index of the line after the closing fence

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _expand_snippets(code: str, where: str) -> str:
    out = []
    for line in code.splitlines():
        m = _SNIPPET.match(line)
        if m is None:
            out.append(line)
            continue
        path = ROOT / m["path"]
        if not path.is_file():
            raise AssertionError(f"{where}: snippet {m['path']!r} does not exist")
        out.extend(path.read_text().splitlines())
    return "\n".join(out) + "\n"


def parse_blocks(page: Path) -> list[Block]:
    """The python blocks of ``page``, with their markers; fences inside other fences ignored."""
    lines = page.read_text().splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        indent, ticks, info = m["indent"], m["ticks"], m["info"].strip()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(ticks) and lines[i].strip().strip(ticks[0]) == ""
        ):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        lang = info.split()[0].split("{")[0] if info else ""
        if lang not in ("python", "py"):
            continue
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        kind, note = "run", ""
        marker = _MARKER.match(lines[prev]) if prev >= 0 else None
        if marker is not None:
            kind, note = marker["kind"], marker["text"].strip()
        where = f"{page.relative_to(ROOT)}:{start + 1}"
        code = _expand_snippets("\n".join(body), where)
        blocks.append(Block(page, start + 1, code, kind, note, i))
    return blocks


UPDATE = os.environ.get("FAD_DOCS_UPDATE") == "1"
_ADMONITION = '!!! failure "mypy --strict"'
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _fenced_body(lines: list[str], j: int) -> tuple[int, list[str]]:
    """The body of the fence opening at ``lines[j]``, and the index after its closing line."""
    k = j + 1
    while k < len(lines) and lines[k].strip() != "```":
        k += 1
    return k + 1, lines[j + 1 : k]


def generated_after(lines: list[str], end: int) -> tuple[int, int, str] | None:
    """``(first, stop, text)`` of the output block or mypy admonition right after the
    block whose closing fence ends before ``lines[end]``; ``None`` if there is none."""
    j = end
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and lines[j].strip() == "```output":
        stop, body = _fenced_body(lines, j)
        return j, stop, "\n".join(body)
    if j < len(lines) and lines[j].strip() == _ADMONITION:
        k = j + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        if k < len(lines) and lines[k].strip() == "```output":
            stop, body = _fenced_body(lines, k)
            return j, stop, "\n".join(line[4:] for line in body)
    return None


def _output_lines(text: str) -> list[str]:
    return ["```output", *text.rstrip("\n").splitlines(), "```"]


def _mypy_lines(messages: list[str]) -> list[str]:
    return [_ADMONITION, "", "    ```output", *(f"    {m}" for m in messages), "    ```"]


def rewrite_generated(page: Path, new: dict[int, list[str] | None]) -> None:
    """Put ``new[i]`` (``None``: nothing) after the page's ``i``-th python block."""
    lines = page.read_text().splitlines()
    blocks = parse_blocks(page)
    for idx in sorted(new, reverse=True):
        end = blocks[idx].end
        cur = generated_after(lines, end)
        if cur is not None:
            lines[end if new[idx] is None else cur[0] : cur[1]] = new[idx] or []
        elif new[idx]:
            lines[end:end] = ["", *(new[idx] or [])]
    page.write_text("\n".join(lines) + "\n")


def same_output(expected: str, actual: str) -> bool:
    """Equal text, with numbers equal to a relative 1e-4 (and whitespace runs ignored)."""

    def split(text: str) -> tuple[list[float], str]:
        return [float(n) for n in _NUMBER.findall(text)], " ".join(_NUMBER.sub("#", text).split())

    (ne, te), (na, ta) = split(expected), split(actual)
    return (
        te == ta
        and len(ne) == len(na)
        and all(math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6) for a, b in zip(ne, na, strict=True))
    )


def _module_name(page: Path) -> str:
    rel = page.relative_to(DOCS).with_suffix("")
    return "docs_page_" + re.sub(r"\W", "_", "_".join(rel.parts))


def _module_source(blocks: list[Block]) -> tuple[str, list[tuple[int, int, Block]]]:
    """The blocks joined into one module, and each block's (first, last) line in it."""
    parts: list[str] = []
    spans: list[tuple[int, int, Block]] = []
    n = 0
    for b in blocks:
        header = f"# --- {b.where}\n"
        parts.append(header + b.code)
        first = n + 2
        n += 1 + b.code.count("\n")
        spans.append((first, n, b))
    return "".join(parts), spans


def test_pages_exist_and_have_code() -> None:
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    for required in (
        "index.md", "getting-started.md", "transformations.md", "typed-tangents.md",
        "interpreters.md", "jit.md", "pytrees.md", "random.md", "coming-from-jax.md",
        "comparison.md", "design.md", "benchmarks.md",
    ):  # fmt: skip
        assert required in names, f"docs/{required} is missing"
    runnable = [b for p in PAGES for b in parse_blocks(p) if b.kind == "run"]
    assert len(runnable) >= 30, f"only {len(runnable)} runnable blocks in the docs"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_markers_have_reasons(page: Path) -> None:
    for b in parse_blocks(page):
        if b.kind != "run":
            assert b.note, f"{b.where}: a {b.kind} marker needs a reason / expected message"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_code_runs(page: Path) -> None:
    """Every block runs; what a block prints is the ``output`` block under it."""
    blocks = parse_blocks(page)
    if not any(b.kind == "run" for b in blocks):
        pytest.skip("no runnable python blocks")
    name = _module_name(page)
    module = types.ModuleType(name)
    module.__file__ = str(page)
    sys.modules[name] = module  # dataclasses and pickling look their module up here
    x64 = fad.config.x64_enabled
    printed: dict[int, str] = {}
    try:
        for idx, b in enumerate(blocks):
            if b.kind != "run":
                continue
            out = io.StringIO()
            try:
                with redirect_stdout(out):
                    exec(compile(b.code, b.where, "exec"), module.__dict__)
            except Exception as e:
                raise AssertionError(
                    f"{b.where}: block failed with {type(e).__name__}: {e}\n{b.code}"
                ) from e
            printed[idx] = out.getvalue()
    finally:
        del sys.modules[name]
    assert fad.config.x64_enabled == x64, f"{page.name} left enable_x64 changed"
    lines = page.read_text().splitlines()
    if UPDATE:
        rewrite_generated(page, {i: _output_lines(t) if t else None for i, t in printed.items()})
        return
    for idx, text in printed.items():
        b = blocks[idx]
        cur = generated_after(lines, b.end)
        shown = cur[2] if cur is not None else None
        hint = "(FAD_DOCS_UPDATE=1 pytest tests/test_docs.py rewrites it)"
        if text and shown is None:
            raise AssertionError(f"{b.where}: prints, but no ```output block follows {hint}")
        if shown is not None and not same_output(shown, text.rstrip("\n")):
            raise AssertionError(
                f"{b.where}: the output block says\n{shown}\nbut the block printed\n{text}{hint}"
            )


@dataclass(frozen=True)
class _MypyResult:
    text: str
    spans: dict[str, list[tuple[int, int, Block]]]  # module file name -> block spans


@pytest.fixture(scope="module")
def mypy_result(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: None) -> _MypyResult:
    """One ``mypy --strict`` run over a module per page, plus one per expected-error block
    (the page's earlier runnable blocks followed by the erroneous block)."""
    tmp = tmp_path_factory.mktemp("docs_mypy")
    files: list[str] = []
    spans: dict[str, list[tuple[int, int, Block]]] = {}
    for page in PAGES:
        blocks = parse_blocks(page)
        name = _module_name(page)
        run = [b for b in blocks if b.kind == "run"]
        if run:
            src, sp = _module_source(run)
            (tmp / f"{name}.py").write_text(src)
            files.append(str(tmp / f"{name}.py"))
            spans[f"{name}.py"] = sp
        for k, b in enumerate(blocks):
            if b.kind != "mypy-error":
                continue
            before = [c for c in blocks[:k] if c.kind == "run"]
            src, sp = _module_source([*before, b])
            fname = f"{name}_error{k}.py"
            (tmp / fname).write_text(src)
            files.append(str(tmp / fname))
            spans[fname] = sp
    args = ["--strict", "--config-file", str(ROOT / "mypy.ini"), "--no-error-summary",
            "--show-error-codes", "--hide-error-context", *files]  # fmt: skip
    stdout, stderr, status = mypy.api.run(args)
    assert status in (0, 1), f"mypy crashed:\n{stdout}\n{stderr}"
    return _MypyResult(stdout, spans)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[None]:
    """mypy resolves ``mypy_path`` and ``docs.examples`` from the repository root."""
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    yield
    mp.undo()


def _errors_by_line(text: str, fname: str) -> list[tuple[int, str]]:
    out = []
    for line in text.splitlines():
        m = re.match(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<msg>.*)$", line)
        if m and Path(m["file"]).name == fname:
            out.append((int(m["line"]), m["msg"]))
    return out


def _in_block(line: int, spans: list[tuple[int, int, Block]]) -> Block | None:
    for first, last, b in spans:
        if first <= line <= last:
            return b
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_code_typechecks(page: Path, mypy_result: _MypyResult) -> None:
    name = _module_name(page)
    fname = f"{name}.py"
    if fname in mypy_result.spans:
        errs = _errors_by_line(mypy_result.text, fname)
        sp = mypy_result.spans[fname]
        described = [
            f"{b.where if b else '?'} (module line {ln}): {msg}"
            for ln, msg in errs
            for b in [_in_block(ln, sp)]
        ]
        assert not errs, "mypy --strict errors in the page's blocks:\n" + "\n".join(described)
    shown_by_block: dict[int, list[str]] = {}
    for fname, sp in mypy_result.spans.items():
        if not fname.startswith(f"{name}_error"):
            continue
        bad = sp[-1][2]
        errs = _errors_by_line(mypy_result.text, fname)
        inside = [msg for ln, msg in errs if sp[-1][0] <= ln <= sp[-1][1]]
        outside = [msg for ln, msg in errs if not sp[-1][0] <= ln <= sp[-1][1]]
        assert not outside, f"{bad.where}: unexpected errors before the block: {outside}"
        assert any(bad.note in msg for msg in inside), (
            f"{bad.where}: expected a mypy error containing {bad.note!r}, got {inside}"
        )
        shown_by_block[parse_blocks(page).index(bad)] = [f"error: {m}" for m in inside]
    lines = page.read_text().splitlines()
    blocks = parse_blocks(page)
    if UPDATE:
        rewrite_generated(page, {i: _mypy_lines(m) for i, m in shown_by_block.items()})
        return
    for idx, messages in shown_by_block.items():
        cur = generated_after(lines, blocks[idx].end)
        assert cur is not None and cur[2].splitlines() == messages, (
            f"{blocks[idx].where}: the '{_ADMONITION}' admonition under the block must show "
            f"{messages} (FAD_DOCS_UPDATE=1 pytest tests/test_docs.py writes it)"
        )


# Docstring examples of the public API.
DOCTEST_MODULES = [
    "fad._src.api.batching",
    "fad._src.api.forward",
    "fad._src.api.jacobians",
    "fad._src.api.reverse",
    "fad._src.api.staging",
    "fad._src.callbacks",
    "fad._src.custom_derivatives",
    "fad._src.jit",
    "fad._src.numpy.einsum",
    "fad._src.parallel",
    "fad._src.prims.control_flow.scans",
    "fad._src.random.continuous",
    "fad._src.random.counts",
    "fad._src.random.derived",
    "fad._src.random.discrete",
    "fad._src.random.gamma",
    "fad._src.random.keys",
    "fad._src.shard_map",
    "fad._src.testing.checks",
    "fad._src.testing.edge",
    "fad._src.tree_util",
    "fad._src.typing",
    "fad.test_util",
]


@pytest.mark.parametrize("modname", DOCTEST_MODULES)
def test_docstring_examples(modname: str) -> None:
    module = importlib.import_module(modname)
    for sub in ("fad.numpy", "fad.random", "fad.tree", "fad.test_util", "fad.testing"):
        importlib.import_module(sub)  # the examples use fad.random, fad.tree, ...
    globs = {"fad": fad, "jnp": importlib.import_module("fad.numpy"), "np": np}
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    tests = [t for t in finder.find(module, modname, globs=globs) if t.examples]
    out = io.StringIO()
    for t in tests:
        runner.run(t, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, out.getvalue()


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    out: list[tuple[str, Callable[..., Any]]] = []
    mods = [importlib.import_module(m)
            for m in ("fad", "fad.random", "fad.tree", "fad.test_util", "fad.testing")]  # fmt: skip
    for mod in mods:
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and obj.__module__ in DOCTEST_MODULES:
                out.append((f"{mod.__name__}.{name}", obj))
    return out


PUBLIC_FUNCTIONS = _public_functions()


@pytest.mark.parametrize("name,obj", PUBLIC_FUNCTIONS, ids=[n for n, _ in PUBLIC_FUNCTIONS])
def test_public_function_docstrings(name: str, obj: Callable[..., Any]) -> None:
    """Summary line, arguments, returns and a runnable example on every public function."""
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    assert lines and lines[0].strip(), f"{name} has no docstring"
    assert ">>>" in doc, f"{name}: docstring has no example"
    if inspect.signature(obj).parameters:
        assert "Args:" in doc, f"{name}: docstring does not describe its arguments"
    ret = inspect.signature(obj).return_annotation
    if ret not in ("None", None, inspect.Signature.empty):
        assert "Returns:" in doc, f"{name}: docstring does not describe what it returns"


def test_api_reference_lists_every_public_name() -> None:
    text = (DOCS / "api" / "fad.md").read_text()
    documented = set(re.findall(r"^::: fad\.(\w+)", text, re.MULTILINE))
    public = {
        n for n in dir(fad)
        if not n.startswith("_") and not isinstance(getattr(fad, n), types.ModuleType)
    }  # fmt: skip
    missing = sorted(public - documented)
    assert not missing, f"docs/api/fad.md does not list: {missing}"
    text = (DOCS / "api" / "numpy.md").read_text()
    m = re.search(r"::: fad\.numpy\.linalg\n(?:\s+.*\n)*?\s+members: \[([^\]]*)\]", text)
    assert m is not None
    listed = {s.strip() for s in m[1].split(",")}
    la = importlib.import_module("fad.numpy.linalg")
    linalg = {n for n in dir(la) if not n.startswith("_")}
    linalg = {n for n in linalg if not isinstance(getattr(la, n), types.ModuleType)}
    assert linalg <= listed, f"docs/api/numpy.md linalg members miss {sorted(linalg - listed)}"


def test_benchmark_tables_show_every_row_of_the_results_file() -> None:
    """The page's tables come from docs/data/benchmarks.json: every row, every system's time,
    and a result that failed its check shown as WRONG, never as a time."""
    from docs import gen_benchmark_table as gen

    assert gen.MARKER in (DOCS / "benchmarks.md").read_text()
    data = gen.load()
    md = gen.tables_markdown(data)
    for row in data["rows"]:
        assert f"| {row['id']} | {row['label']} |" in md, row["id"]
        for system in ("fad", "jax"):
            cell = row["cells"].get(system, {})
            if cell.get("status") == "ok" and row["kind"] == "steady":
                assert gen.fmt_time(cell["median_s"]) in md, (row["id"], system)
    assert gen.fmt_time(0.00123) == "1.23 ms" and gen.fmt_time(12.3e-6) == "12.3 µs"
    bad = {"meta": data["meta"], "rows": [dict(data["rows"][0])]}
    cell = dict(bad["rows"][0]["cells"]["fad"], check="mismatch")
    bad["rows"][0]["cells"] = {**bad["rows"][0]["cells"], "fad": cell}
    assert "**WRONG**" in gen.tables_markdown(bad)


def _raised_exception_classes() -> set[str]:
    """The exception classes fad's source raises: ``raise Name(...)``, ``raise mod.Name``."""
    import ast

    names: set[str] = set()
    for path in (ROOT / "fad").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = exc.attr if isinstance(exc, ast.Attribute) else getattr(exc, "id", "")
            if name[:1].isupper():  # a class, not a variable being re-raised
                names.add(name)
    return {n for n in names if not n.startswith("_")}


def test_errors_guide_lists_every_exception_fad_raises() -> None:
    text = (DOCS / "errors.md").read_text()
    documented = set(re.findall(r"^### `(\w+)`$", text, re.MULTILINE))
    raised = _raised_exception_classes()
    assert len(raised) >= 10
    assert not raised - documented, f"docs/errors.md misses {sorted(raised - documented)}"
    assert not documented - raised, f"docs/errors.md lists unraised {sorted(documented - raised)}"
