"""Browser journeys: Playwright driving Debian's Chromium (never a downloaded browser) against
the live test server, with the demo loaded. Every request to another host is blocked and
recorded, and a test fails if a page tried one (the product must work offline).

Screenshots for docs/screenshots/ are written when ZHENWU_SCREENSHOTS=1 (make screenshots).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from zhenwu.core.testdb import DEMO_PASSWORD, demo_copied, shared_dir

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("ZHENWU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Debian 的 chromium 未安装（make test 会自动安装）")
    return path


pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


_SNAPSHOT_PREFIX = "e2e_snap_"
_snapshot_tables: list[str] = []


def _demo_tables(connection) -> list[str]:
    return sorted(
        t
        for t in connection.introspection.django_table_names(include_views=False)
        if not t.startswith(_SNAPSHOT_PREFIX)
    )


def _take_snapshot(connection) -> None:
    """Copy every table the demo filled into `e2e_snap_<table>` inside the test database.
    Django's flush after each test knows only the models' tables, so the copies survive it."""
    tables = _demo_tables(connection)
    with connection.cursor() as cursor:
        for table in tables:
            snap = connection.ops.quote_name(_SNAPSHOT_PREFIX + table)
            cursor.execute(f"DROP TABLE IF EXISTS {snap}")
            cursor.execute(
                f"CREATE TABLE {snap} AS SELECT * FROM {connection.ops.quote_name(table)}"
            )
    _snapshot_tables[:] = tables


def _restore_snapshot(connection) -> None:
    """Put the demo back as it was after its first load — server-side copies, a second
    instead of the demo's twenty — then move the sequences past the copied ids and drop the
    caches that hold ids (content types, the cache framework)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management.color import no_style
    from django.db import transaction

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _snapshot_tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table in _snapshot_tables:
            cursor.execute(
                f"INSERT INTO {quote(table)} SELECT * FROM {quote(_SNAPSHOT_PREFIX + table)}"
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)
    ContentType.objects.clear_cache()
    cache.clear()


@pytest.fixture
def demo(request, tmp_path_factory, transactional_db):
    """The demo data set, restored before each journey (the database is emptied after every
    browser test). It starts as a copy of the run's demo (`demo_copied`, loaded once for every
    module that needs it), or is loaded once per test process when there is none to copy."""
    from django.core.management import call_command
    from django.db import connection

    if _snapshot_tables:
        _restore_snapshot(connection)
        return
    if not demo_copied(shared_dir(request, tmp_path_factory), DEMO_PASSWORD):
        call_command("demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    _take_snapshot(connection)


class Session:
    """A browser tab plus the helpers journeys need."""

    def __init__(self, page, base_url, foreign):
        self.page = page
        self.base_url = base_url
        self.foreign = foreign

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = DEMO_PASSWORD):
        self.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():  # to the home page, loaded
            self.page.click("button[type=submit]")

    def shot(self, name: str, full_page: bool = True):
        if os.environ.get("ZHENWU_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def session(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    foreign: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost", None) or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15000)
    s = Session(page, live_server.url, foreign)
    yield s
    context.close()
    assert not foreign, f"页面试图访问外部主机：{foreign}"


@pytest.fixture
def phone(browser, live_server, demo):
    """A phone-sized tab (village cadres and inspectors work on phones)."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Session(page, live_server.url, [])
    context.close()
