"""Fragments rendered with Jinja2: the loops a page repeats for every row.

A list page's fifty rows and fifty phone cards were most of its template work in Django's
engine (every `{{ }}` resolved, localized and escaped through several layers, for ≈ 1,400
values per page). The same markup compiled by Jinja2 renders in a fraction of that, and the
page around it stays a Django template: a fragment is handed to it as safe HTML.

The templates live in `zhenwu/jinja2/` and see only what they are given — no request, no
context processors, no translation: a caller passes its words already translated (so that
`makemessages` finds them in Python). Autoescaping is on and honours Django's safe strings
(`format_html`, `mark_safe`) through their `__html__`, exactly as Django's engine does.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from zhenwu.core import lights

DIRECTORY = Path(__file__).resolve().parents[1] / "jinja2"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(DIRECTORY),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, never renders as ""
        auto_reload=settings.DEBUG,
    )
    env.globals["light_class"] = lights.css_class
    return env


def render(name: str, **context) -> SafeString:
    """The fragment `name` (relative to zhenwu/jinja2/) rendered with `context`."""
    return mark_safe(environment().get_template(name).render(context))
