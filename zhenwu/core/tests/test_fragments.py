"""Fragments rendered by Jinja2 (core/fragments.py) escape exactly as Django's templates do:
plain text escaped, Django's safe strings (format_html) kept, lazy translations rendered; a
name the fragment does not get is an error, never an empty cell."""

import jinja2
import pytest
from django.template import Context, Template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from zhenwu.core import fragments

VALUES = [
    '<script>alert("x")</script> & 「甲」',
    format_html('<a href="{}">{}</a>', "/x/1/?a=1&b=2", "<乙>"),
    gettext_lazy("没有符合条件的记录"),
    "",
    None,
    12,
]


def test_rows_escape_as_django_does():
    rows = [(None, VALUES)]
    html = fragments.render("core/table_rows.html", rows=rows, colspan=6, empty="无")
    django = Template("{% for c in cells %}<td>{{ c }}</td>{% endfor %}").render(
        Context({"cells": VALUES})
    )
    # The same characters escaped; only the spelling of quotes differs (&#34; for &quot;).
    assert django in html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="/x/1/?a=1&amp;b=2">&lt;乙&gt;</a>' in html


def test_no_rows_is_one_row_saying_so():
    html = fragments.render("core/table_rows.html", rows=[], colspan=7, empty="<暂无记录>")
    assert html.count("<tr>") == 1 and 'colspan="7"' in html and "&lt;暂无记录&gt;" in html


def test_cards_show_title_light_fields_and_amount_escaped():
    card = {
        "url": "/investment/investments/3/",
        "title": "<b>项目</b>",
        "status": "红灯",
        "light": "red",
        "fields": [("村", "一村"), ("负责人", format_html("<i>{}</i>", "张三"))],
        "amount": "1,000",
        "amount_label": "投资额（万元）",
    }
    html = fragments.render("core/object_cards.html", cards=[card], empty="无")
    assert 'href="/investment/investments/3/"' in html
    assert "&lt;b&gt;项目&lt;/b&gt;" in html and "<i>张三</i>" in html
    assert '<span class="light light-red"></span> 红灯' in html
    assert "<strong>1,000</strong>" in html
    empty = fragments.render("core/object_cards.html", cards=[], empty="暂无")
    assert 'object-card"' not in empty and "暂无" in empty


def test_a_missing_name_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        fragments.render("core/table_rows.html", rows=[], colspan=1)
