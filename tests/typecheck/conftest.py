"""The programs in this directory are data for tests/test_typecheck.py, not tests."""

collect_ignore_glob = ["*.py"]
