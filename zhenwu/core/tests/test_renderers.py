"""The form renderer (`core/renderers.py`): Django's widget templates in their Jinja2 versions,
with the same HTML, and any template Jinja2 does not have from Django's engine."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template

from zhenwu.core.renderers import FormRenderer


class _Form(forms.Form):
    village = forms.ChoiceField(
        label="村（社区）", choices=[("", "全部"), ("1", "村1"), ("2", "村<2>")]
    )
    note = forms.CharField(label="说明", max_length=5, widget=forms.Textarea)
    on = forms.DateField(label="日期", required=False)
    done = forms.BooleanField(label="完成", required=False)
    picks = forms.MultipleChoiceField(
        label="多选", choices=[("a", "甲"), ("b", "乙")], widget=forms.CheckboxSelectMultiple
    )


def _html(renderer) -> str:
    form = _Form({"village": "2", "note": "太长的说明文字", "picks": ["b"]}, renderer=renderer)
    form.is_valid()
    # Whitespace between and inside tags differs (a browser collapses it); nothing else may.
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(form)))


def test_the_project_renders_forms_with_it():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert isinstance(
        FormRenderer().get_template("django/forms/widgets/select.html"), Jinja2Template
    )


def test_the_same_html_as_djangos_own_templates_escaping_included():
    ours, theirs = _html(FormRenderer()), _html(DjangoTemplates())
    assert ours == theirs
    assert "村&lt;2&gt;" in ours and 'value="2" selected' in ours
    assert "errorlist" in ours  # the field's errors are rendered too


def test_a_template_jinja2_lacks_comes_from_djangos_engine():
    template = FormRenderer().get_template("django_filters/widgets/multiwidget.html")
    assert not isinstance(template, Jinja2Template)
