#!/usr/bin/env bash
# Install fad into .venv and run the main demonstration: JAX's Autodiff Cookbook, ported to fad.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/python docs/cookbook.py
