#!/usr/bin/env bash
# Install fad with its development tools into .venv, then run the whole test suite:
# pytest, mypy --strict (configured in mypy.ini), ruff, the layer contracts, the strict
# docs build and the checks on the built site.
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
# The built site as a browser shows it: nothing unrendered, code highlighted, every page in
# the navigation, every figure and script served by the site itself.
FAD_BUILT_SITE=build/site .venv/bin/python -m pytest tests/test_built_site.py
