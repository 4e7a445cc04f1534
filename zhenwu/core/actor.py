"""Who is acting, and through which door (UI, API, import, admin, shell).

The change log reads this for every write, so a write made anywhere — a view, an API handler,
an import, the admin, or `zhenwu shell` — is attributed. Unset means the shell.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


class Source:
    UI = "ui"
    API = "api"
    IMPORT = "import"
    ADMIN = "admin"
    SHELL = "shell"
    SYSTEM = "system"

    CHOICES = [
        (UI, _("网页")),
        (API, _("接口")),
        (IMPORT, _("导入")),
        (ADMIN, _("后台")),
        (SHELL, _("命令行")),
        (SYSTEM, _("系统")),
    ]


@dataclass(frozen=True)
class Actor:
    user: Any = None
    source: str = Source.SHELL
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "zhenwu_actor", default=None
)


def current_actor() -> Actor:
    return _current.get() or Actor()


@contextlib.contextmanager
def acting_as(user, source: str = Source.SHELL):
    """Attribute every write inside the block to `user`, arriving through `source`."""
    token = _current.set(Actor(user=user, source=source))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
