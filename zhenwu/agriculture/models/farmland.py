"""守粮安: farmland plots, field chiefs (田长), patrols (巡田) and their findings, and the
high-standard farmland (高标准农田) project."""

__all__: list[str] = []
