"""Fixtures shared by every test: the two-town world (see zhenwu/core/testing.py)."""

from zhenwu.core.testing import _media_in_tmp, world  # noqa: F401
