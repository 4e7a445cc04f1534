"""Labels are translated where they are declared (gettext_lazy in models.py, resources, the
field factories, the menu groups): every one of them has its English in the catalogue, a page
in English shows them in English, and the data doors — ledger import, export and templates, the
JSON API, the rules that look a label up — keep speaking the source language (Chinese)."""

from __future__ import annotations

import io
from urllib.parse import quote

import django_filters
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from zhenwu.core import people
from zhenwu.core.context_processors import GROUP_LABELS
from zhenwu.core.labels import in_source_language, source_text
from zhenwu.core.models import Department, Village
from zhenwu.core.registry import nav_items
from zhenwu.core.resources import DepartmentLedger


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _declared_labels():
    """(where, label) for every label the code declares: models, fields, choices, menu."""
    for model in apps.get_models():
        if not model.__module__.startswith("zhenwu."):
            continue
        name = model.__name__
        yield f"{name} verbose_name", model._meta.verbose_name
        yield f"{name} verbose_name_plural", model._meta.verbose_name_plural
        for field in model._meta.get_fields():
            for attr in ("verbose_name", "help_text"):
                value = getattr(field, attr, None)
                if value:
                    yield f"{name}.{field.name} {attr}", value
            for choice in getattr(field, "choices", None) or ():
                if isinstance(choice, (list, tuple)) and len(choice) == 2:
                    yield f"{name}.{field.name} choice {choice[0]}", choice[1]
        # Computed columns (properties shown in lists and on records) carry their header in
        # `short_description`.
        for attr, value in vars(model).items():
            label = getattr(getattr(value, "fget", None), "short_description", None)
            if label:
                yield f"{name}.{attr} short_description", label
    for item in nav_items():
        yield f"nav {item.url_name}", item.label
    for config in apps.get_app_configs():
        if config.name.startswith("zhenwu."):
            yield f"app {config.label}", config.verbose_name
    yield from _form_labels()
    for key, label in GROUP_LABELS.items():
        yield f"menu group {key}", label


def _form_classes():
    """(name, fields) of every form and filter set declared in the apps' forms modules
    (forms.py, forms_*.py)."""
    import importlib
    import inspect
    import pkgutil

    from django import forms

    for config in apps.get_app_configs():
        if not config.name.startswith("zhenwu."):
            continue
        for info in pkgutil.iter_modules([config.path]):
            if not (info.name == "forms" or info.name.startswith("forms_")):
                continue
            module = importlib.import_module(f"{config.name}.{info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, forms.BaseForm):
                    yield cls.__name__, cls.base_fields
                elif issubclass(cls, django_filters.FilterSet):
                    fields = {name: f.field for name, f in cls.base_filters.items()}
                    yield cls.__name__, fields


def _form_labels():
    """(where, label) for what a form declares itself: field labels, help texts, choices,
    empty labels and placeholders (a model form's own labels come from the model, above)."""
    for cls_name, fields in _form_classes():
        for name, field in fields.items():
            where = f"{cls_name}.{name}"
            for attr in ("label", "help_text", "empty_label"):
                value = getattr(field, attr, None)
                if value:
                    yield f"{where} {attr}", value
            placeholder = field.widget.attrs.get("placeholder")
            if placeholder:
                yield f"{where} placeholder", placeholder
            if not hasattr(field, "queryset"):
                for choice in getattr(field, "choices", None) or ():
                    if isinstance(choice, (list, tuple)) and len(choice) == 2:
                        if isinstance(choice[1], (list, tuple)):
                            continue  # an optgroup
                        yield f"{where} choice {choice[0]}", choice[1]


def test_every_declared_label_is_lazy_and_has_its_english():
    """What the deleted string-file generator collected, now checked instead: a
    Chinese label declared as a plain string (not `_()`), or missing from the English
    catalogue, is named here."""
    plain, untranslated = [], []
    with translation.override("en"):
        for where, label in _declared_labels():
            source = source_text(label)
            if not _cjk(source):
                continue  # Django's own labels (the account's 'last login' …), English already
            if isinstance(label, str):
                plain.append(f"{where}: {source}")
            elif _cjk(str(label)):
                untranslated.append(f"{where}: {source}")
    assert not plain, "labels not marked with gettext_lazy:\n" + "\n".join(plain)
    assert not untranslated, "labels without English:\n" + "\n".join(untranslated)


def test_source_text_is_the_declared_chinese_whatever_the_language():
    label = Village._meta.get_field("kind").verbose_name
    with translation.override("en"):
        assert str(label) == "Type"
        assert source_text(label) == "类型"
        assert source_text("类型") == "类型"
        assert in_source_language(lambda: str(label))() == "类型"
        assert translation.get_language() == "en"  # restored after the door


def test_composed_labels_read_whole_in_either_language():
    """Labels built from a lazy part (the person-name field, GB/T 21010 land classes,
    farmland problem types) are composed lazily, in the reader's language."""
    from zhenwu.agriculture.models import PatrolFinding
    from zhenwu.investment.models import Investment
    from zhenwu.land.models import Parcel

    leader_name = Investment._meta.get_field("leader_name")
    land_type = dict(Parcel._meta.get_field("land_type").choices)
    category = dict(PatrolFinding._meta.get_field("category").choices)
    assert str(leader_name.verbose_name) == "包保领导（姓名）"
    assert str(land_type["0101"]) == "0101 水田"
    assert str(category["FLH4"]) == "非粮化：其他非粮化种植"
    with translation.override("en"):
        assert str(leader_name.verbose_name) == "Responsible leader (name)"
        assert str(leader_name.help_text).startswith("Responsible leader without an account")
        assert str(land_type["0101"]) == "0101 Paddy field"
        assert str(category["FLH4"]) == "Non-grain use: other non-grain planting"


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_a_list_page_in_english_shows_headers_choices_menu_and_title_in_english(world):
    client = _english(world.client("admin"))
    Village.objects.create(town=world.town, name="某社区", kind="community", order=9)
    response = client.get("/villages/")
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    for english in ("Name", "Type", "Party branch secretary", "Community", "Base data"):
        assert f">{english}<" in html or f"{english}</" in html, english
    assert "Villages (communities)" in html  # the page title and its menu entry
    for chinese in (">名称<", ">党支部书记<", ">社区<", "基础数据"):
        assert chinese not in html, chinese
    # And the same page in Chinese, the source strings.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/villages/").content.decode()
    assert "党支部书记" in html and "基础数据" in html and "Party branch secretary" not in html


def test_a_form_in_english_shows_field_labels_help_and_choices_in_english(world):
    response = _english(world.client("admin")).get("/villages/add/")
    html = response.content.decode()
    assert "Administrative village" in html and "Community" in html
    assert "Party branch secretary" in html


def test_the_menu_is_in_the_same_order_in_either_language(world):
    with translation.override("en"):
        english = [i.url_name for i in nav_items()]
    assert [i.url_name for i in nav_items()] == english


def test_export_in_english_keeps_chinese_headers_choice_words_and_file_name(world):
    Village.objects.filter(pk=world.villages[0].pk).update(kind="community")
    response = _english(world.client("leader")).get("/villages/export/")
    assert response.status_code == 200
    assert quote("村（社区）名册") in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["名称", "类型"]
    assert "社区" in [c.value for c in sheet["B"]]


def test_export_of_a_list_without_its_own_ledger_keeps_chinese_headers(world):
    """Resources without a ledger export their list columns (`ledger_for`): headers from
    verbose names, in the source language."""
    from zhenwu.core.ledgers import export_bytes, ledger_for
    from zhenwu.core.registry import all_resources

    resource = next(r for r in all_resources() if r.ledger is None)
    with translation.override("en"):
        ledger = ledger_for(resource)
        headers = [c.label for c in ledger.columns]
        assert all(isinstance(h, str) for h in headers)
        assert headers == [
            source_text(resource.model._meta.get_field(n).verbose_name)
            if n in {f.name for f in resource.model._meta.get_fields()}
            else h
            for n, h in zip(resource.list_columns, headers, strict=True)
        ]
        _content, filename, _type = export_bytes(
            ledger, resource.model.objects.none(), world.users["admin"]
        )
    assert filename.startswith(source_text(resource.model._meta.verbose_name) + "-")


def _sheet(header, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_in_english_reads_chinese_headers_and_choice_words(world):
    content = _sheet(["名称", "类型"], [["新社区", "社区"], ["新一村", "行政村"]])
    upload = SimpleUploadedFile("v.xlsx", content)
    response = _english(world.client("admin")).post("/villages/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200, html[html.find('data-testid="import-report"') :][:1500]
    assert Village.objects.get(name="新社区").kind == "community"
    assert Village.objects.get(name="新一村").kind == "village"


def test_import_in_english_reads_module_names_and_names_them_in_chinese_when_wrong(world):
    content = _sheet(["名称", "负责模块"], [["招商专班", "招商引资、重点项目"]])
    with translation.override("en"):
        report = DepartmentLedger().run(io.BytesIO(content), "d.xlsx", user=world.users["admin"])
    assert report.ok, report.as_json()
    assert Department.objects.get(name="招商专班").modules == ["investment", "projects"]
    bad = _sheet(["名称", "负责模块"], [["某专班", "无此模块"]])
    with translation.override("en"):
        report = DepartmentLedger().run(io.BytesIO(bad), "d.xlsx", user=world.users["admin"])
    assert not report.ok
    assert "招商引资" in report.errors[0].message


def test_template_in_english_has_chinese_headers(world):
    response = _english(world.client("admin")).get("/villages/template/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "名称" in [c.value for c in sheet[1]]


def test_the_person_kind_follows_the_declared_label_in_either_language():
    from zhenwu.investment.models import Investment

    with translation.override("en"):
        assert people.kind_for(Investment, "leader") == people.LEADER


def test_the_api_answers_in_the_source_language_whatever_the_switch_says(world):
    client = _english(world.client("admin"))
    response = client.get("/api/v1/villages")
    assert response.status_code == 200
    assert response["Content-Language"] == settings.LANGUAGE_CODE
    schema = client.get("/api/v1/openapi.json").json()
    assert "村（社区）" in {t for op in _operations(schema) for t in op.get("tags", ())}


def _operations(schema):
    for methods in schema["paths"].values():
        yield from methods.values()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_department_modules_read_as_words_in_either_language(world, language):
    department = Department(town=world.town, name="专班", modules=["investment", "core"])
    with translation.override(language):
        text = department.get_modules_display()
    assert text == (
        "招商引资、基础数据" if language == "zh-hans" else "Investment promotion、Base data"
    )


def test_amounts_are_recognised_by_their_declared_unit_in_either_language():
    """A 万元 field is shown as an amount (亿元 from 10,000 万元) on English pages too: the
    rule reads the declared label, not the translated one."""
    from zhenwu.core.tables import is_amount
    from zhenwu.investment.models import Investment

    with translation.override("en"):
        assert "万元" not in str(Investment._meta.get_field("planned_total_wan").verbose_name)
        assert is_amount(Investment, "planned_total_wan")


def _choice_fields():
    for model in apps.get_models():
        if model.__module__.startswith("zhenwu."):
            for field in model._meta.fields:
                if field.choices:
                    yield model, field


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choice_display_reads_as_djangos_own_for_every_choice_and_stray_value(language):
    """`core.labels.install_choice_display` swaps Django's `get_<field>_display` (which hashes
    every lazy choice label on each call) for a table built once; an oracle against Django's
    own, for every value of every choice field of every model, a stray value and None."""
    from django.db.models import Model

    checked = 0
    with translation.override(language):
        for model, field in _choice_fields():
            values = [value for value, _label in field.flatchoices] + ["§stray§", None]
            for value in values:
                obj = model.__new__(model)
                obj.__dict__[field.attname] = value
                ours = getattr(obj, f"get_{field.name}_display")()
                django_own = Model._get_FIELD_display(obj, field)
                assert ours == django_own, (model.__name__, field.name, value)
                checked += 1
    assert checked > 500


def test_choice_display_is_installed_but_a_models_own_display_is_kept():
    from functools import partialmethod
    from unittest import mock

    from zhenwu.core.labels import _choice_display, install_choice_display
    from zhenwu.investment.models import Investment

    installed = [
        (model, field)
        for model, field in _choice_fields()
        if isinstance(model.__dict__.get(f"get_{field.name}_display"), partialmethod)
        and model.__dict__[f"get_{field.name}_display"].func is _choice_display
    ]
    assert len(installed) > 50
    for model, field in installed:
        assert model.__dict__[f"get_{field.name}_display"].keywords["field"] is field

    def own(self):
        return "by hand"

    with mock.patch.object(Investment, "get_stage_display", own, create=False):
        assert install_choice_display([Investment]) == 0  # the others are already swapped
        assert Investment(stage="lead").get_stage_display() == "by hand"


def test_computed_words_follow_the_switch(world):
    """Words the code computes — the calendar's weekday heads, the 三未 of key projects, an
    investment's flags — read in English on English pages (the API gives the flags' keys)."""
    from decimal import Decimal

    from zhenwu.investment.models import Investment

    client = _english(world.client("admin"))
    calendar = client.get("/calendar/").content.decode()
    assert '<th class="fw-normal text-muted">M</th>' in calendar  # a letter: two months a row
    projects = client.get("/projects/").content.decode()
    assert "Approved, not started" in projects and "立项未开工" not in projects
    big = Investment.objects.create(
        town=world.town, code="EN-1", name="大项目", planned_total_wan=Decimal(20000),
        stage="negotiating",
    )  # fmt: skip
    with translation.override("en"):
        assert "Over 100 million yuan" in big.flags_text
    with translation.override("zh-hans"):
        assert "亿元以上" in big.flags_text
    assert "above_100m" in world.api("admin").get(f"investments/{big.pk}").json()["flags"]
