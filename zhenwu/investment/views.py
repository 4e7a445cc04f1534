"""Pages of the 招商引资 module beyond the generic surface: the list and detail (flags,
timeline, funds, follow-ups), the kanban by stage, the stage move (htmx from the kanban, a
plain POST from the detail page), funds and follow-up entry, and the follow-up reminders.
Views parse, call a service, render; every object passes through `restrict()`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core import scoping, timeline
from zhenwu.core.services import StaleEdit
from zhenwu.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView
from zhenwu.investment import selectors, services
from zhenwu.investment.forms import FollowUpForm, FundsForm, MoveStageForm
from zhenwu.investment.models import FundsReceipt, Investment, InvestmentSettings, Stage


class InvestmentListView(ObjectListView):
    def base_queryset(self):
        return selectors.with_flags(super().base_queryset())

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["reminder_count"] = selectors.follow_up_reminders(self.request.user).count()
        return ctx


class SettingsListView(ObjectListView):
    """招商引资设置: one row per town. Until an administrator saves it, the defaults apply
    (`services.settings_for`); opening the page writes nothing (issue 8: nothing writes on
    a GET) — "add" creates the row, and points to editing it once it exists."""

    def context(self, **extra):
        ctx = super().context(**extra)
        town_id = self.request.user.town_id
        if town_id is not None and InvestmentSettings.objects.filter(town_id=town_id).exists():
            ctx["can_add"] = False  # the town's row exists: edit it
        return ctx


class SettingsAddView(ObjectEditView):
    """A town has one settings row: when it exists, "add" points to editing it (and a
    duplicate POST is refused by the model's constraint with a message)."""

    def get(self, request, **kwargs):
        existing = scoping.restrict(InvestmentSettings.objects.all(), request.user, scoping.CHANGE)
        row = existing.filter(town_id=request.user.town_id).first()
        if row is None:
            return super().get(request, **kwargs)
        edit_url = reverse("investment:investmentsettings_edit", args=[row.pk])
        ctx = self.context(object=row, edit_url=edit_url)
        return render(request, "investment/settings_exists.html", ctx)


def promote_url(investment: Investment) -> str:
    """The key-projects module's page that promotes a started investment to a key project."""
    return reverse("projects:project_promote", kwargs={"investment_pk": investment.pk})


def key_project_state(investment: Investment, user) -> dict:
    """What the detail page offers about key projects: the project this record became (if the
    projects module links one and the user may see it), else the promote button — for a
    started, live record whose user may write both modules."""
    from django.apps import apps

    try:
        project_model = apps.get_model("projects", "Project")
    except LookupError:
        return {"promote_url": None, "key_project": None}
    if any(f.name == "investment" for f in project_model._meta.get_fields()):
        linked = scoping.restrict(project_model.objects.filter(investment=investment), user)
        project = linked.first()
        if project is not None:
            return {"promote_url": None, "key_project": project}
    allowed = (
        investment.started_on is not None
        and investment.is_live
        and scoping.can(user, scoping.CHANGE, investment)
        and scoping.can_write_model(user, project_model)
    )
    return {"promote_url": promote_url(investment) if allowed else None, "key_project": None}


class InvestmentDetailView(ObjectDetailView):
    def base_queryset(self):
        return selectors.with_flags(super().base_queryset())

    def get(self, request, **kwargs):
        obj = self.get_object()
        ctx = self.detail_context(obj)
        user = request.user
        can_change = ctx["can_change"]
        funds = list(
            scoping.restrict(FundsReceipt.objects.filter(investment=obj), user).order_by("-month")
        )
        ctx.update(
            flags=obj.flags(),
            events=obj.events.select_related("actor").order_by(*timeline.NEWEST_FIRST)[:100],
            funds=funds,
            funds_total=sum((f.amount_wan for f in funds), start=0),
            funds_out_of_province=sum((f.out_of_province_wan for f in funds), start=0),
            follow_ups=obj.follow_ups.select_related("by")[:50],
            move_form=MoveStageForm(investment=obj) if can_change and obj.is_live else None,
            funds_form=FundsForm() if can_change and obj.signed_on else None,
            follow_up_form=FollowUpForm() if can_change and obj.is_live else None,
            **key_project_state(obj, user),
            kanban_url=reverse("investment:kanban"),
            today=timezone.localdate(),
        )
        return render(request, "investment/investment_detail.html", ctx)


def _changeable(request, pk) -> Investment:
    qs = scoping.restrict(Investment.objects.all(), request.user, scoping.CHANGE)
    return get_object_or_404(qs, pk=pk)


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(exc.messages)


def _kanban_filters(request) -> dict:
    filters = {}
    village = request.GET.get("village") or request.POST.get("village_filter")
    if village and village.isdigit():
        filters["village_id"] = int(village)
    project_type = request.GET.get("project_type") or request.POST.get("type_filter")
    if project_type:
        filters["project_type"] = project_type
    return filters


def kanban_context(request, *, error: tuple[int, str] | None = None) -> dict:
    user = request.user
    today = timezone.localdate()
    filters = _kanban_filters(request)
    columns = selectors.kanban_columns(user, today=today, filters=filters)
    can_write = scoping.can_write_model(user, Investment)
    if can_write:
        writable = set(
            scoping.restrict(Investment.objects.all(), user, scoping.CHANGE).values_list(
                "pk", flat=True
            )
        )
    else:
        writable = set()
    board = []
    for stage, label, items in columns:
        cards = []
        for obj in items:
            cards.append(
                {
                    "obj": obj,
                    "flags": obj.flags(today),
                    "days": obj.days_in_stage,
                    "form": MoveStageForm(investment=obj)
                    if obj.pk in writable and obj.is_live
                    else None,
                    "error": error[1] if error and error[0] == obj.pk else None,
                }
            )
        total = sum((c["obj"].planned_total_wan or 0) for c in cards)
        board.append({"stage": stage, "label": label, "cards": cards, "total_wan": total})
    from zhenwu.core.models import Village

    return {
        "board": board,
        "today": today,
        "villages": scoping.restrict(Village.objects.all(), user),
        "filters": filters,
        "list_url": reverse("investment:investment_list"),
    }


@login_required
def kanban(request):
    ctx = kanban_context(request)
    if request.htmx and not request.htmx.boosted:
        return render(request, "investment/partials/kanban_board.html", ctx)
    return render(request, "investment/kanban.html", ctx)


@login_required
@require_POST
def move_stage(request, pk):
    investment = _changeable(request, pk)
    form = MoveStageForm(request.POST, investment=investment)
    error = None
    if form.is_valid():
        version = request.POST.get("version")
        try:
            moved = services.move_stage(
                investment,
                form.cleaned_data["stage"],
                form.cleaned_data["date"],
                request.user,
                reason=form.cleaned_data["reason"],
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except StaleEdit as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "；".join(_messages_of(exc))
        else:
            if not request.htmx:
                messages.success(request, f"「{moved}」已推进到「{Stage(moved.stage).label}」")
    else:
        error = "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items())
        if "stage" in form.errors:
            error = "请选择可推进的阶段（阶段不能倒退）"
    if request.htmx:
        # The kanban re-renders with the card moved, or with the message on the card.
        ctx = kanban_context(request, error=(investment.pk, error) if error else None)
        return render(request, "investment/partials/kanban_board.html", ctx)
    if error:
        messages.error(request, f"未能变更阶段：{error}")
    return HttpResponseRedirect(reverse("investment:investment_detail", args=[investment.pk]))


@login_required
@require_POST
def add_funds(request, pk):
    investment = _changeable(request, pk)
    form = FundsForm(request.POST)
    if form.is_valid():
        try:
            services.record_funds(
                investment,
                month=form.cleaned_data["month"],
                amount_wan=form.cleaned_data["amount_wan"],
                out_of_province_wan=form.cleaned_data["out_of_province_wan"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "未能登记到位资金：" + "；".join(_messages_of(exc)))
        else:
            messages.success(request, "已登记到位资金")
    else:
        messages.error(
            request,
            "未能登记到位资金："
            + "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items()),
        )
    return HttpResponseRedirect(
        reverse("investment:investment_detail", args=[investment.pk]) + "#funds"
    )


@login_required
@require_POST
def add_follow_up(request, pk):
    investment = _changeable(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.add_follow_up(
                investment,
                on_date=form.cleaned_data["on_date"],
                note=form.cleaned_data["note"],
                next_on=form.cleaned_data["next_on"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "未能保存跟进记录：" + "；".join(_messages_of(exc)))
        else:
            messages.success(request, "已保存跟进记录")
    else:
        messages.error(
            request,
            "未能保存跟进记录："
            + "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items()),
        )
    return HttpResponseRedirect(
        reverse("investment:investment_detail", args=[investment.pk]) + "#follow-ups"
    )


@login_required
def reminders(request):
    today = timezone.localdate()
    rows = []
    for obj in selectors.follow_up_reminders(request.user, today=today):
        rows.append(
            {
                "obj": obj,
                "overdue": obj.next_follow_up_on < today,
                "days": (today - obj.next_follow_up_on).days,
            }
        )
    return render(request, "investment/reminders.html", {"rows": rows, "today": today})
