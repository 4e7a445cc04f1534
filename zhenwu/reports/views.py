"""Downloads of the documents (.docx): parse, gate, read, render. Nothing is written on GET."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhenwu.core import asof
from zhenwu.inspections.models import Finding, Round, Sheet
from zhenwu.plan.models import Target, Task
from zhenwu.projects.models import Milestone, Project
from zhenwu.reports import documents
from zhenwu.reports.access import town_for
from zhenwu.reports.gbt9704 import DocNumberError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLETIN_MODELS = (Round, Sheet, Finding)
DISPATCH_MODELS = (Target, Task, Project, Milestone)


def attachment_header(filename: str, fallback: str) -> str:
    """`Content-Disposition` with the Chinese name in RFC 5987 `filename*` and an ASCII
    `filename` for clients that read only that."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _docx(content: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = attachment_header(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request, message: str, back: str) -> HttpResponse:
    return render(request, "reports/refused.html", {"message": message, "back": back}, status=422)


def _options(request):
    issued_on = documents.parse_day(request.GET.get("date"), "成文日期")
    number = request.GET.get("number", "").strip() or None
    return issued_on, number


@login_required
@require_GET
def bulletin(request):
    """/reports/download/bulletin/?month=YYYY-MM[&date=YYYY-MM-DD][&number=…]"""
    town = town_for(request, BULLETIN_MODELS)
    raw = request.GET.get("month", "")
    back = f"/inspections/rankings/?month={quote(raw[:7])}"
    try:
        month = documents.parse_month(raw)
        issued_on, number = _options(request)
        data = documents.bulletin_data(town, month)
        content = documents.render_bulletin(data, issued_on=issued_on, doc_number=number)
    except (documents.DocumentRefused, DocNumberError) as exc:
        return _refused(request, str(exc), back)
    return _docx(content, documents.bulletin_filename(data), f"bulletin-{month:%Y-%m}.docx")


@login_required
@require_GET
def dispatch(request):
    """/reports/download/dispatch/?week=YYYY-MM-DD[&date=…][&number=…] — the week containing
    the date (the board's as-of date when it links here; today when absent)."""
    town = town_for(request, DISPATCH_MODELS)
    raw = request.GET.get("week", "")
    back = f"/plan/board/?{asof.PARAM}={quote(raw[:10])}" if raw else "/plan/board/"
    try:
        day = documents.parse_day(raw, "调度周")
        issued_on, number = _options(request)
        data = documents.dispatch_data(town, day)
        content = documents.render_dispatch(data, issued_on=issued_on, doc_number=number)
    except (documents.DocumentRefused, DocNumberError) as exc:
        return _refused(request, str(exc), back)
    return _docx(content, documents.dispatch_filename(data), f"dispatch-{data.monday}.docx")
