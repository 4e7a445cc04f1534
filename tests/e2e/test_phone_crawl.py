"""Every page reads on a phone (issue 10 item 3 and "Done when"): at 390×844, as the party
secretary and as a village cadre, every page of their menu and the first record of every list
— no page is wider than the screen and no table wider than its box: lists are cards, tables
stack (`table-stack`), wide charts scroll inside their own box. Phone screenshots for
docs/screenshots/ come from here (ZHENWU_SCREENSHOTS=1), taken on the demo data only: this
test writes nothing.
"""

from __future__ import annotations

import re

import pytest

# Phone screenshots for docs/screenshots/ (a few, to keep the repository small).
SHOTS = {
    ("leader", "/plan/board/"),
    ("leader", "/projects/gantt/"),
    ("village1", "/plan/my-tasks/"),
    ("village1", "/investment/investments/"),
    ("village1", "/investment/kanban/"),
    ("village1", "/enterprises/enterprises/"),
    ("village1", "/enterprises/pool/"),
    ("village1", "/projects/"),
    ("village1", "/projects/sanwei/"),
}
DETAIL_SHOTS = {"/investment/investments/", "/projects/", "/enterprises/enterprises/"}

_WIDE_TABLES = """() => [...document.querySelectorAll('table')].filter(t => t.offsetParent)
  .map(t => [t.getAttribute('data-testid') || t.className,
             t.scrollWidth - (t.closest('.table-responsive') || t.parentElement).clientWidth])
  .filter(([, extra]) => extra > 2)"""


def _too_wide(page) -> list[str]:
    out = []
    if (extra := page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) > 0:
        out.append(f"page +{extra}px")
    out += [f"table {name} +{extra}px" for name, extra in page.evaluate(_WIDE_TABLES)]
    return out


def _settled(page) -> None:
    """Wait until no request the page made is still in flight (a map fetches its data after
    `load`). Playwright's `networkidle` would do, but it always waits another 500 ms."""
    page.wait_for_function("() => !window.__zwPending", polling=20)


_COUNT_FETCHES = """(() => {
  window.__zwPending = 0;
  const fetch0 = window.fetch;
  window.fetch = (...args) => {
    window.__zwPending++;
    const done = () => setTimeout(() => window.__zwPending--, 0);
    return fetch0(...args).then(
      (r) => { r.clone().text().finally(done); return r; },
      (e) => { done(); throw e; });
  };
})()"""


def _menu(page) -> list[str]:
    links = page.eval_on_selector_all(
        ".sidebar-nav a.nav-link", "els => els.map(e => e.getAttribute('href'))"
    )
    return list(dict.fromkeys(links))


def _first_detail(page, list_path: str) -> str | None:
    links = page.eval_on_selector_all(
        "[data-testid=object-card]", "els => els.map(e => e.getAttribute('href'))"
    )
    pattern = re.compile(r"^" + re.escape(list_path) + r"\d+/$")
    return next((href for href in links if href and pattern.match(href)), None)


@pytest.mark.parametrize(
    "username,language",
    # English words are longer: the administrator's menu (the longest) is walked in English.
    [("leader", "zh-hans"), ("village1", "zh-hans"), ("admin", "en")],
)
def test_no_page_is_wider_than_a_phone(phone, username, language):
    phone.page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": phone.base_url}]
    )
    phone.page.add_init_script(_COUNT_FETCHES)
    phone.login(username)
    menu = _menu(phone.page)
    assert len(menu) >= 20, menu  # every module's pages, not a chosen few
    too_wide, visited = [], []

    def visit(path):
        response = phone.goto(path)
        assert response.status != 404, f"{username}'s menu links to {path}, which answers 404"
        _settled(phone.page)
        visited.append(path)
        too_wide.extend(f"{path}: {what}" for what in _too_wide(phone.page))

    for path in menu:
        visit(path)
        if (username, path) in SHOTS and language == "zh-hans":
            phone.shot(f"phone-{username}-{path.strip('/').replace('/', '-') or 'home'}")
        if detail := _first_detail(phone.page, path):
            visit(detail)
            if username == "village1" and path in DETAIL_SHOTS:
                phone.shot(f"phone-{path.strip('/').replace('/', '-')}-detail")
    visit("/plan/bigscreen/")  # not in the menu: the board's 大屏 button opens it
    assert len(visited) >= 40, visited
    assert not too_wide, too_wide


def test_lists_are_cards_on_a_phone(phone):
    phone.login("village1")
    phone.goto("/projects/")
    assert phone.page.locator("[data-testid=object-cards]").is_visible()
    assert not phone.page.locator("[data-testid=object-table]").is_visible()
    # The filters fold behind one button beside the search box: the records come first.
    first_filter = phone.page.locator(".zw-filter select").first
    assert phone.page.locator("#id_q").is_visible() and not first_filter.is_visible()
    phone.page.click("[data-testid=toggle-filters]")
    assert first_filter.is_visible()
    name = first_filter.get_attribute("name")
    value = first_filter.locator("option").nth(1).get_attribute("value")
    phone.goto(f"/projects/?{name}={value}")  # a filter set: shown open, counted on the button
    assert phone.page.locator(".zw-filter select").first.is_visible()
    assert phone.page.locator("[data-testid=toggle-filters] .badge").inner_text() == "1"
    # The language switch lives in the user menu on a phone.
    assert not phone.page.locator("[data-testid=lang-en]").is_visible()
    phone.page.click("[data-testid=user-menu]")
    assert phone.page.locator("[data-testid=lang-en-menu]").is_visible()
