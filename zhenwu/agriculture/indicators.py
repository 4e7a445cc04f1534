"""Indicators the plan board binds the 强特色 and 守粮安 targets to."""

from zhenwu.agriculture import indicators_bases, indicators_farmland  # noqa: F401
