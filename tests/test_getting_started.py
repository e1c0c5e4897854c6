"""Getting started keeps its two promises.

1. Its blocks, pasted one after another into a plain interactive ``python`` (started
   outside the checkout, with only fad importable), run without an error: the interactive
   interpreter's grammar is stricter than a file's (a statement after an indented block
   needs a blank line first).
2. The same blocks saved to one file pass ``mypy --strict``, and the error the page quotes
   for ``loss("w", x, y)`` is the one mypy reports.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import mypy.api

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "getting-started.md"


def _blocks() -> list[str]:
    """The page's python blocks, as a reader copies them (every block is meant to run)."""
    text = PAGE.read_text()
    return [m[1] for m in re.finditer(r"^```python\n(.*?)^```$", text, re.S | re.M)]


def test_blocks_paste_into_a_repl(tmp_path: Path) -> None:
    blocks = _blocks()
    assert len(blocks) >= 8
    # A blank line after each block, as a reader presses Enter after pasting one.
    session = "".join(b + "\n" for b in blocks)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONSTARTUP": ""}
    proc = subprocess.run(
        [sys.executable, "-i", "-q"], input=session, capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    errors = [
        line for line in proc.stderr.splitlines()
        if "Traceback" in line or re.search(r"\b\w+Error\b", line)
    ]  # fmt: skip
    assert proc.returncode == 0 and not errors, proc.stderr[-3000:]
    # The session really ran to the end: the last block's print is there.
    assert "(64, 3)" in proc.stdout


def test_blocks_as_one_file_pass_mypy_strict(tmp_path: Path) -> None:
    source = "".join(b + "\n" for b in _blocks())
    (tmp_path / "getting_started.py").write_text(source)
    (tmp_path / "wrong.py").write_text(source + 'loss("w", x, y)\n')
    args = ["--strict", "--config-file", str(ROOT / "mypy.ini"), "--no-error-summary",
            "--show-error-codes", "--hide-error-context"]  # fmt: skip
    cwd = os.getcwd()
    os.chdir(ROOT)  # mypy.ini's mypy_path (the stubs) is relative to the checkout
    try:
        ok = mypy.api.run([*args, str(tmp_path / "getting_started.py")])
        wrong = mypy.api.run([*args, str(tmp_path / "wrong.py")])
    finally:
        os.chdir(cwd)
    assert ok[2] == 0, ok[0]
    errors = [
        line.split(": error: ", 1)[1] for line in wrong[0].splitlines() if ": error: " in line
    ]
    assert len(errors) == 1, wrong[0]
    assert f"    error: {errors[0]}\n" in PAGE.read_text(), (
        f"the page should quote mypy's error for loss('w', x, y): {errors[0]}"
    )
