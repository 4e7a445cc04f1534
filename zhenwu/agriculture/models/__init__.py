"""The module's models, in two halves: 强特色 (`bases`) and 守粮安 (`farmland`)."""

from zhenwu.agriculture.models.bases import *  # noqa: F403
from zhenwu.agriculture.models.farmland import *  # noqa: F403
