"""Registers both halves' resources (and their ledgers) with the platform."""

from zhenwu.agriculture import resources_bases, resources_farmland  # noqa: F401
