"""Pages beyond the generic surface: the phone capture of a round (works offline, see
static/inspections/js/capture.js), rectification (after-photo, 销号, 退回), the monthly
ranking with its printable bulletin and .xlsx. They parse, call a service or selector, render."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View

from zhenwu.core import scoping
from zhenwu.core.models import Town, Village
from zhenwu.core.services import StaleEdit
from zhenwu.core.views.generic import safe_next
from zhenwu.inspections import selectors, services
from zhenwu.inspections.forms import ChecklistRulesForm, ItemForm, SectionForm
from zhenwu.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    RankingPublication,
    Round,
    Sheet,
    Spot,
)


def _town(request):
    user = request.user
    if user.town is not None:
        return user.town
    towns = scoping.restrict(Town.objects.order_by("pk"), user)
    wanted = request.GET.get("town", "")
    town = (towns.filter(pk=int(wanted)) if wanted.isdigit() else towns).first()
    if town is None:
        raise Http404
    return town


class CaptureView(LoginRequiredMixin, View):
    """/inspections/inspections/<pk>/capture/ — the inspector's phone page for one round."""

    def get(self, request, pk):
        rnd = get_object_or_404(scoping.restrict(Round.objects.all(), request.user), pk=pk)
        if not services.may_verify(request.user):
            raise Http404
        sheets = list(Sheet.objects.filter(round=rnd).select_related("village"))
        spot_ids = {s for sh in sheets for s in (sh.spot_ids or [])}
        spots = {s.pk: s for s in Spot.objects.filter(town=rnd.town)}
        villages = list(Village.objects.filter(town=rnd.town).order_by("order", "pk"))
        items = list(
            ChecklistItem.objects.filter(section__checklist=rnd.checklist).select_related("section")
        )
        data = {
            "round": rnd.pk,
            "villages": [{"id": v.pk, "name": v.name} for v in villages],
            "drawn": {sh.village_id: sh.spot_ids for sh in sheets},
            "spots": [
                {"id": s.pk, "name": s.name, "village": s.village_id, "drawn": s.pk in spot_ids}
                for s in spots.values()
            ],
            "items": [
                {
                    "id": i.pk,
                    "name": f"{i.code} {i.name}",
                    "photo": i.photo_required,
                    "max": services.max_count(i),
                }
                for i in items
            ],
        }
        return render(
            request,
            "inspections/capture.html",
            {
                "round": rnd,
                "sheets": sheets,
                "spots": spots,
                "data": data,
                "findings": Finding.objects.filter(round=rnd)
                .select_related("village", "item", "spot")
                .order_by("-found_at")[:50],
            },
        )


def _decimal_or_none(value):
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    return d.quantize(Decimal("0.000001")) if abs(d) <= 180 else None


class CaptureSubmitView(LoginRequiredMixin, View):
    """POST /inspections/capture/ — one finding with its photos (multipart), from the page or
    from the offline queue. JSON answer; a re-sent `client_key` is not stored twice."""

    def post(self, request):
        user = request.user
        p = request.POST
        rnd = None
        if p.get("round", "").isdigit():
            rnd = scoping.restrict(Round.all_objects.all(), user).filter(pk=int(p["round"])).first()
        if rnd is None or not services.may_verify(user):
            return JsonResponse(
                {"ok": False, "errors": {"round": "轮次不存在或您无权登记。"}}, status=404
            )
        errors = {}

        def pick(model, name, label, **filters):
            raw = p.get(name, "")
            if not raw:
                return None
            if not raw.isdigit():
                errors[name] = f"{label}无效。"
                return None
            obj = model.objects.filter(pk=int(raw), **filters).first()
            if obj is None:
                errors[name] = f"{label}不存在。"
            return obj

        village = pick(Village, "village", "村（社区）", town=rnd.town)
        item = pick(ChecklistItem, "item", "问题类型", section__checklist=rnd.checklist)
        spot = pick(Spot, "spot", "点位", town=rnd.town)
        if village is None and "village" not in errors:
            errors["village"] = "请选择村（社区）。"
        if item is None and "item" not in errors:
            errors["item"] = "请选择问题类型。"
        if errors:
            return JsonResponse({"ok": False, "errors": errors}, status=400)

        def when(name):
            value = parse_datetime(p.get(name, "") or "")
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value)
            return value

        try:
            finding, created = services.record_finding(
                rnd=rnd,
                village=village,
                item=item,
                spot=spot,
                count=p.get("count", "1"),
                note=p.get("note", ""),
                found_at=min(when("found_at") or timezone.now(), timezone.now()),
                lat=_decimal_or_none(p.get("lat")),
                lng=_decimal_or_none(p.get("lng")),
                photos=request.FILES.getlist("photos"),
                photo_taken_at=when("photo_taken_at"),
                client_key=p.get("client_key", ""),
                acting_user=user,
            )
        except ValidationError as exc:
            errs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return JsonResponse(
                {"ok": False, "errors": {k: "；".join(v) for k, v in errs.items()}}, status=400
            )
        return JsonResponse(
            {
                "ok": True,
                "id": finding.pk,
                "created": created,
                "flags": finding.flags,
                "url": finding.get_absolute_url(),
            },
            status=201 if created else 200,
        )


def _finding(request, pk, action=scoping.VIEW):
    return get_object_or_404(scoping.restrict(Finding.objects.all(), request.user, action), pk=pk)


def _back(request, finding):
    return HttpResponseRedirect(safe_next(request, finding.get_absolute_url()))


class RectifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        finding = _finding(request, pk, scoping.CHANGE)
        try:
            services.submit_rectification(
                finding,
                photo=request.FILES.get("photo"),
                note=request.POST.get("note", ""),
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "整改照片已上传，等待督查员验收。")
        return _back(request, finding)


class VerifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        finding = _finding(request, pk, scoping.CHANGE)
        try:
            if request.POST.get("decision") == "accept":
                services.accept(finding, acting_user=request.user)
                messages.success(request, "已验收销号。")
            else:
                services.send_back(
                    finding, note=request.POST.get("note", ""), acting_user=request.user
                )
                messages.success(request, "已退回重新整改。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except StaleEdit as exc:
            messages.error(request, exc.message)
        return _back(request, finding)


class NotApplicableView(LoginRequiredMixin, View):
    """The inspector marks the checklist items that do not apply to a unit in a round (no
    public toilet, no ditch …); the sheet is rescored on the applicable items and says so."""

    def post(self, request, pk):
        sheet = get_object_or_404(
            scoping.restrict(Sheet.objects.select_related("round"), request.user, scoping.CHANGE),
            pk=pk,
        )
        if not services.may_verify(request.user):
            raise Http404
        try:
            services.set_not_applicable(
                sheet, codes=request.POST.getlist("codes"), acting_user=request.user
            )
            messages.success(request, f"{sheet.village.name}的不适用项已保存，得分已重算。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except StaleEdit as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(sheet.round.get_absolute_url() + "#sheets")


class RevisitView(LoginRequiredMixin, View):
    """POST /inspections/sheets/<pk>/revisit/ — the 复查 inspector's verdict on one revisited
    problem: 整改到位, or 问题仍在 (with count, note and the photo the item requires)."""

    def post(self, request, pk):
        sheet = get_object_or_404(
            scoping.restrict(Sheet.objects.select_related("round"), request.user, scoping.CHANGE),
            pk=pk,
        )
        if not services.may_verify(request.user):
            raise Http404
        p = request.POST
        raw = p.get("finding", "")
        count = p.get("count", "").strip()
        try:
            entry, new = services.confirm_revisit(
                sheet,
                finding_id=int(raw) if raw.isdigit() else -1,
                outcome=p.get("outcome", ""),
                count=count or None,
                note=p.get("note", ""),
                photos=request.FILES.getlist("photos"),
                lat=_decimal_or_none(p.get("lat")),
                lng=_decimal_or_none(p.get("lng")),
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except StaleEdit as exc:
            messages.error(request, exc.message)
        else:
            if new is not None:
                messages.warning(
                    request,
                    f"问题仍在，已登记为新问题（{new.item.name}）"
                    + ("，判定为反弹。" if new.is_recurrence else "。"),
                )
            elif entry["outcome"] == services.REVISIT_STILL:
                messages.warning(request, "问题仍在，整改已退回村里重新整改。")
            else:
                messages.success(request, "已确认整改到位。")
        return HttpResponseRedirect(sheet.round.get_absolute_url() + "#sheets")


class CloseRoundView(LoginRequiredMixin, View):
    """POST /inspections/inspections/<pk>/close/ — the round's inspectors or the module's
    staff end a round; the page's version guards against two people acting at once (409)."""

    def post(self, request, pk):
        rnd = get_object_or_404(
            scoping.restrict(Round.objects.all(), request.user, scoping.CHANGE), pk=pk
        )
        if not services.may_verify(request.user):
            raise Http404
        if not services.may_close(request.user, rnd):
            messages.error(request, "只有本轮的督查员或人居办可以结束本轮检查。")
            return HttpResponseRedirect(rnd.get_absolute_url())
        raw = (request.POST.get("version") or "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            messages.error(request, "版本号无效：请刷新页面后重试。")
            return HttpResponseRedirect(rnd.get_absolute_url())
        try:
            services.close_round(
                rnd, acting_user=request.user, expected_version=int(raw) if raw else None
            )
        except StaleEdit as exc:
            return render(
                request,
                "inspections/conflict.html",
                {"object": rnd, "message": exc.message},
                status=409,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"「{rnd}」已结束；此后送达的离线登记仍会保存，并标记请督查员核实。"
            )
        return HttpResponseRedirect(rnd.get_absolute_url())


class RankingView(LoginRequiredMixin, View):
    """/inspections/rankings/?month=YYYY-MM — the month's ranking; `&format=xlsx` the sheet,
    `&print=1` the printable bulletin."""

    def get(self, request):
        town = _town(request)
        today = timezone.localdate()
        raw = request.GET.get("month", "").strip()
        month = selectors.parse_month(raw)
        if month is None:
            if raw:
                messages.error(request, f"月份「{raw[:10]}」无效（应为 YYYY-MM），已显示本月。")
            month = today.replace(day=1)
        rows = selectors.monthly_ranking(town, month)
        rates = selectors.recurrence_rates(town, month)
        for r in rows:
            r.recurrence_rate = selectors.recurrence_rate_text(*rates.get(r.village_id, (0, 0)))
        if request.GET.get("format") == "xlsx":
            return _xlsx(town, month, rows)
        published = scoping.restrict(
            RankingPublication.objects.filter(town=town, month=month), request.user
        ).first()
        prev = selectors.previous_month(month)
        nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        return render(
            request,
            "inspections/ranking.html",
            {
                "town": town,
                "month": month,
                "rows": rows,
                "average": selectors.town_average(rows),
                "published": published,
                "may_publish": services.may_verify(request.user) and published is None,
                "may_see_checklists": services.may_verify(request.user)
                or services.may_edit_checklists(request.user),
                "prev": prev,
                "next": nxt,
                "print": request.GET.get("print") == "1",
            },
        )


class PublishView(LoginRequiredMixin, View):
    def post(self, request):
        town = _town(request)
        month = selectors.parse_month(request.POST.get("month"))
        if month is None or not services.may_verify(request.user):
            raise Http404
        try:
            services.publish_ranking(town=town, month=month, acting_user=request.user)
            messages.success(request, f"{month:%Y年%m月}评比结果已发布。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(f"/inspections/rankings/?month={month:%Y-%m}")


HEADERS = [
    "名次",
    "村（社区）",
    "平均得分",
    "较上月",
    "评比结果",
    "问题数",
    "按期整改",
    "反弹",
    "年度反弹率",
]


def ranking_table(rows):
    out = []
    for r in rows:
        out.append(
            [
                r.rank if r.rank is not None else "—",
                r.village,
                float(r.score) if r.score is not None else "未检查",
                float(r.change) if r.change is not None else "",
                r.flag,
                r.findings,
                r.rectified_on_time,
                r.recurrences,
                getattr(r, "recurrence_rate", ""),
            ]
        )
    return out


def _xlsx(town, month, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{month:%Y-%m}评比"
    ws.append([f"{town.name}{month:%Y年%m月}农村人居环境整治评比"])
    ws.append(HEADERS)
    for line in ranking_table(rows):
        ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ranking-{month:%Y-%m}.xlsx"'
    return response


# --------------------------------------------------------------------------- checklists


def _checklists(request):
    """The town's checklists, for those who apply or edit them (others: 404)."""
    user = request.user
    if not (services.may_edit_checklists(user) or services.may_verify(user)):
        raise Http404
    return scoping.restrict(Checklist.objects.all(), user)


class ChecklistListView(LoginRequiredMixin, View):
    """/inspections/checklists/ — every edition of the town's checklists: in use or not,
    rounds drawn under it, points; editors make a new edition or put one in use."""

    def get(self, request):
        rows = list(_checklists(request).order_by("name", "-edition"))
        points = {
            c: total
            for c, total in ChecklistSection.objects.filter(checklist__in=rows)
            .values("checklist")
            .annotate(t=Sum("points"))
            .values_list("checklist", "t")
        }
        used = dict(
            Round.all_objects.filter(checklist__in=rows)
            .values("checklist")
            .annotate(n=Count("pk"))
            .values_list("checklist", "n")
        )
        for c in rows:
            c.total_points = points.get(c.pk) or 0
            c.rounds = used.get(c.pk, 0)
        return render(
            request,
            "inspections/checklist_list.html",
            {"rows": rows, "may_edit": services.may_edit_checklists(request.user)},
        )

    def post(self, request):
        """Start the town's first checklist (the default 100-point sheet) when it has none."""
        if not services.may_edit_checklists(request.user):
            raise Http404
        checklist = services.default_checklist(_town(request), acting_user=request.user)
        return HttpResponseRedirect(reverse("inspections:checklist", args=[checklist.pk]))


def _errors(exc) -> str:
    if isinstance(exc, StaleEdit):
        return exc.message
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _form_errors(form) -> str:
    out = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out.append(f"{label}：{'；'.join(errs)}" if label else "；".join(errs))
    return "；".join(out)


class ChecklistDetailView(LoginRequiredMixin, View):
    """/inspections/checklists/<pk>/ — one edition: its rules, sections and items. While no
    round uses it, editors change it in place; once used it is read-only and edits go to a new
    edition (`services.new_checklist_edition`). POST `op` = rules | section | delete_section |
    item | delete_item | new_edition | activate."""

    def _get(self, request, pk):
        return get_object_or_404(_checklists(request), pk=pk)

    def get(self, request, pk, status=200, forms_with_errors=None):
        checklist = self._get(request, pk)
        sections = list(
            ChecklistSection.objects.filter(checklist=checklist).order_by("order", "pk")
        )
        items = list(
            ChecklistItem.objects.filter(section__checklist=checklist).order_by("order", "pk")
        )
        for s in sections:
            s.item_rows = [i for i in items if i.section_id == s.pk]
        used = services.checklist_in_use(checklist)
        may_edit = services.may_edit_checklists(request.user)
        return render(
            request,
            "inspections/checklist_detail.html",
            {
                "object": checklist,
                "sections": sections,
                "used": used,
                "may_edit": may_edit,
                "editable": may_edit and not used,
                "problems": services.checklist_problems(checklist),
                "total": sum((s.points for s in sections), 0),
                "rules_form": ChecklistRulesForm(instance=checklist),
                "section_form": SectionForm(),
                "item_form": ItemForm(initial={"deadline_days": 3, "photo_required": True}),
            },
            status=status,
        )

    def post(self, request, pk):
        checklist = self._get(request, pk)
        user = request.user
        if not services.may_edit_checklists(user):
            raise Http404
        p = request.POST
        op = p.get("op", "")
        raw = (p.get("version") or "").strip()
        version = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None

        def child(model, **filters):
            ident = p.get("id", "")
            obj = (
                model.objects.filter(pk=int(ident), **filters).first() if ident.isdigit() else None
            )
            if obj is None:
                raise ValidationError("要修改的板块或评分项不存在，请刷新页面。")
            return obj

        target = checklist
        try:
            if op == "rules":
                form = ChecklistRulesForm(p, instance=Checklist.objects.get(pk=checklist.pk))
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.update_checklist(
                    checklist,
                    data=form.cleaned_data,
                    acting_user=user,
                    expected_version=version,
                )
                done = "评分规则已保存。"
            elif op == "section":
                section = child(ChecklistSection, checklist=checklist) if p.get("id") else None
                form = SectionForm(p)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.save_section(
                    checklist,
                    section=section,
                    data=form.cleaned_data,
                    acting_user=user,
                    expected_version=version if section else None,
                )
                done = "板块已保存。"
            elif op == "delete_section":
                services.delete_section(
                    child(ChecklistSection, checklist=checklist), acting_user=user
                )
                done = "板块已删除。"
            elif op == "item":
                # a new item names its `section`; an edit names the item's `id`
                item = child(ChecklistItem, section__checklist=checklist) if p.get("id") else None
                if item is not None:
                    section = item.section
                else:
                    ident = p.get("section", "")
                    section = (
                        ChecklistSection.objects.filter(pk=int(ident), checklist=checklist).first()
                        if ident.isdigit()
                        else None
                    )
                    if section is None:
                        raise ValidationError("请选择评分项所属的板块。")
                form = ItemForm(p)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.save_item(
                    section,
                    item=item,
                    data=form.cleaned_data,
                    acting_user=user,
                    expected_version=version if item else None,
                )
                done = "评分项已保存。"
            elif op == "delete_item":
                services.delete_item(
                    child(ChecklistItem, section__checklist=checklist), acting_user=user
                )
                done = "评分项已删除。"
            elif op == "new_edition":
                target = services.new_checklist_edition(checklist, acting_user=user, activate=False)
                done = f"已建立「{target}」（草稿），修改后启用。"
            elif op == "activate":
                services.activate_checklist(checklist, acting_user=user, expected_version=version)
                done = f"「{checklist}」已启用，同名的其他版次已停用。"
            else:
                raise ValidationError("未知的操作。")
        except StaleEdit as exc:
            messages.error(request, exc.message)
            return self.get(request, pk, status=409)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return self.get(request, pk, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("inspections:checklist", args=[target.pk]))
