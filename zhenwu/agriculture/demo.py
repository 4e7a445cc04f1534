"""The demo's 农业农村: each half registers its builder with `register_demo`."""

from zhenwu.agriculture import demo_bases, demo_farmland  # noqa: F401
