"""The product as its users read it (issue 10 "Done when"): a crawl of every page reachable
from the menu — every registered resource's list, detail, forms and change log, and the
module pages — as one user of each demo role, on the demo data, asserting that the visible text
shows no raw code (indicator keys, Python reprs, True/False/None, ISO datetimes), no English
words on the Chinese interface beyond an allow-list, and that every page sits in the product's
frame. The browser half (no horizontal overflow at 390 px) is tests/e2e/test_phone_crawl.py.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client

from zhenwu.core.models import Role, User

# Words allowed on the Chinese interface (proper names, formats and file types users know).
ENGLISH_ALLOWED = {
    "api", "excel", "xlsx", "csv", "id", "gb", "yyyy", "mm", "dd", "english", "json", "pdf",
    "docx", "jpg", "jpeg", "png", "kb", "mb", "gps", "wps", "uscc", "ppp", "epc", "bot", "hh",
    "a3", "ok", "wan", "zip", "kg", "geojson", "word",
}  # fmt: skip
RAW_PATTERNS = [
    (re.compile(r"\b[a-z_]{2,}\.[a-z_]{2,}\b"), "代码（如 investment.signed_count）"),
    (re.compile(r"\{'[^']*':|\{\"[^\"]*\":"), "Python/JSON 字典"),
    (re.compile(r"\b(True|False|None)\b"), "True/False/None"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"), "ISO 时间"),
    (re.compile(r"-{5,}"), "空选项 ---------"),
]
SKIP = re.compile(
    r"/(export|template|logout|download|i18n|admin|api|static|media)(/|$)|/attachments/\d+/|"
    r"\.(xlsx|csv|docx|png|jpg)$|/act/|/delete/|/restore/|/baseline/|/copy/|/promote/"
)
VOID = {"br", "img", "input", "hr", "meta", "link", "source", "col", "wbr", "area", "base"}
PER_SHAPE = 1  # pages visited per URL shape (/projects/N/ …): enough to read each page kind
MAX_PAGES = 250


URL = re.compile(r"https?://\S+|www\.\S+")
# Elements whose text is not the product's words (none today: the change log's diff cells
# read as people read them since issue 10 item 4, and are crawled like everything else).
SKIP_CLASSES: set[str] = set()


class Page(HTMLParser):
    """Visible text (no scripts, styles, hidden inputs or attribute values except titles and
    placeholders users read) and the links of a page."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._skip and tag not in VOID:
            self._skip += 1  # nested inside a skipped element
        elif tag in ("script", "style", "template") or SKIP_CLASSES & set(
            (a.get("class") or "").split()
        ):
            self._skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for key in ("title", "placeholder", "aria-label"):
            if a.get(key) and not self._skip:
                self.text.append(URL.sub(" ", a[key]))

    def handle_endtag(self, tag):
        if self._skip and tag not in VOID:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(URL.sub(" ", data.strip()))


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


# Where codes are allowed: the forms that edit them (a target's indicator parameters, a
# category's key), and the accounts page, whose login names are Latin by design.
EDITS_CODES = re.compile(r"/(add|edit)/$|^/users/")
CODE_CHECKS = {"代码（如 investment.signed_count）", "Python/JSON 字典"}


def problems_of(path: str, html: str) -> tuple[list[str], list[str]]:
    parser = Page()
    parser.feed(html)
    text = "\n".join(parser.text)
    found = []
    codes_allowed = bool(EDITS_CODES.search(path))
    for pattern, what in RAW_PATTERNS:
        if codes_allowed and what in CODE_CHECKS:
            continue
        for m in pattern.finditer(text):
            found.append(f"{path}: {what}: …{text[max(0, m.start() - 20) : m.end() + 20]}…")
    for word in set(re.findall(r"[A-Za-z][A-Za-z]{2,}", text)) if not codes_allowed else ():
        if word.lower() not in ENGLISH_ALLOWED:
            i = text.find(word)
            found.append(f"{path}: 英文「{word}」: …{text[max(0, i - 20) : i + len(word) + 20]}…")
    if "bigscreen" not in path and ('class="navbar' not in html or 'id="main"' not in html):
        found.append(f"{path}: 不在产品框架内（缺少导航栏或主区域）")
    return found, parser.links


def crawl(client: Client, start: list[str]) -> tuple[list[str], int]:
    seen_shapes: dict[str, int] = {}
    seen: set[str] = set()
    queue = deque(start)
    found: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        parsed = urlparse(url)
        if parsed.netloc or not parsed.path.startswith("/") or SKIP.search(parsed.path):
            continue
        if url in seen:
            continue
        seen.add(url)
        key = shape(parsed.path) + ("?" if parsed.query else "")
        if seen_shapes.get(key, 0) >= PER_SHAPE:
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.appendleft(response["Location"])
            continue
        if response.status_code == 404:
            continue  # out of scope for this role (404 is the gate's answer)
        assert response.status_code == 200, f"{url} → {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        problems, links = problems_of(url, response.content.decode())
        found += problems
        for link in links:
            if link.startswith("?"):
                link = parsed.path + link
            queue.append(link)
    return found, pages


# One test per role (each role sees a different product), so xdist spreads the crawl.
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_crawl_every_page_as_every_demo_role(demo_db, db, role):
    users = list(User.objects.filter(is_active=True, role=role).order_by("pk")[:1])
    assert users, f"演示数据没有角色「{role}」的用户"
    from django.urls import NoReverseMatch, reverse

    from zhenwu.core.registry import all_resources, nav_items
    from zhenwu.core.registry import url_for as _  # noqa: F401

    start = ["/", "/plan/my-tasks/", "/plan/bigscreen/", "/changelog/", "/password/"]
    for item in nav_items():
        with contextlib.suppress(NoReverseMatch):
            start.append(reverse(item.url_name))
    for r in all_resources():
        start.append(reverse(r.url_name("list")))
    report, total = [], 0
    for user in users:
        client = Client()
        client.force_login(user)
        found, pages = crawl(client, start)
        total += pages
        report += [f"[{user.username}] {p}" for p in found]
        print(f"{user.username}: {pages} pages, {len(found)} problems")
    assert total > 20
    assert not report, "\n".join(sorted(set(report)))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>investment.signed_count</p>", "代码"),
        ("<p>指标参数 {'industrial': True}</p>", "字典"),
        ("<td>False</td>", "True/False/None"),
        ("<td>2026-11-29T20:18:34.910585+00:00</td>", "ISO"),
        ("<p>Change log</p>", "英文"),
        ("<select><option>---------</option></select>", "空选项"),
    ],
)
def test_the_crawl_catches_what_it_is_for(html, expected):
    found, _ = problems_of("/x/", f'<nav class="navbar"></nav><main id="main">{html}</main>')
    assert any(expected in f for f in found), found


def test_the_crawl_passes_plain_chinese():
    html = (
        '<nav class="navbar"></nav><main id="main"><p>截至 2026年11月30日 · 导出 Excel</p></main>'
    )
    assert problems_of("/x/", html)[0] == []
