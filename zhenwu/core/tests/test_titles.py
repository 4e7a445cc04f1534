"""Every page is called what the menu calls it (issue 10 item 13: 企业 vs 企业名录)."""

import re

from django.urls import reverse

import zhenwu.urls  # noqa: F401  (registers every resource and menu entry)
from zhenwu.core.registry import nav_items


def test_page_titles_are_menu_labels(world):
    client = world.client("admin")
    checked = 0
    for item in nav_items():
        if item.url_name == "core:home":
            continue  # 首页 is each role's own page (the board, 我的村, a work queue): titled by it
        response = client.get(reverse(item.url_name), follow=True)
        assert response.status_code == 200, item.url_name
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        assert title.split(" · ")[0] == str(item.label), (item.url_name, title)
        checked += 1
    assert checked >= 20
