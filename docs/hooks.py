"""mkdocs build hooks: figures drawn at build time, and MathJax served from the site.

Every ``docs/figures/<name>.py`` is a script that, run as ``python docs/figures/<name>.py
OUT.svg``, writes one figure. ``on_files`` runs each (in parallel, with the interpreter that
runs mkdocs) and adds its output to the site as ``figures/<name>.svg``, so pages refer to
``figures/<name>.svg`` relative to the docs root and a strict build checks those links. A
script that fails fails the build.

MathJax comes from the ``django-static-mathjax`` package (a docs extra): its
self-contained ``tex-svg.js`` is added as ``assets/mathjax/tex-svg.js``, so pages never load
anything from another host.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``docs.gen_benchmark_table``, as in the tests
FIGURES = ROOT / "docs" / "figures"
_OUT = Path(tempfile.mkdtemp(prefix="fad-docs-figures-"))


def _draw(script: Path) -> Path:
    out = _OUT / f"{script.stem}.svg"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, str(script), str(out)], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"{script.relative_to(ROOT)} failed:\n{proc.stdout}\n{proc.stderr}")
    return out


def figure_scripts() -> list[Path]:
    return sorted(p for p in FIGURES.glob("*.py") if not p.name.startswith("_"))


def _mathjax_file() -> Path:
    import mathjax  # django-static-mathjax

    path = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: pip install django-static-mathjax")
    return path


def on_files(files: Files, config: Any) -> Files:
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        drawn = list(pool.map(_draw, figure_scripts()))
    for svg in drawn:
        files.append(File.generated(config, f"figures/{svg.name}", abs_src_path=str(svg)))
    files.append(
        File.generated(config, "assets/mathjax/tex-svg.js", abs_src_path=str(_mathjax_file()))
    )
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """The benchmarks page's tables, from the results file the charts are drawn from."""
    if page.file.src_uri != "benchmarks.md":
        return markdown
    from docs import gen_benchmark_table as gen

    if gen.MARKER not in markdown:
        raise RuntimeError(f"benchmarks.md lost its {gen.MARKER!r} marker")
    return markdown.replace(gen.MARKER, gen.tables_markdown(gen.load()))
