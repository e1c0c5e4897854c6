#!/usr/bin/env bash
# Install fad with its development tools into .venv, then run the whole test suite:
# pytest, mypy --strict (configured in mypy.ini), ruff, the layer contracts and the strict
# docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/python -m pytest
.venv/bin/mypy
.venv/bin/ruff check .
# The layer contracts (.importlinter): layers look only down, no import cycles.
.venv/bin/lint-imports --no-cache
# The documentation site, strict: a broken link, reference or docstring fails the build.
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --site-dir build/site
