"""Pages of the plan: the 挂图作战 board, the big screen, drill-down from any number to the
records it counts, my tasks, the task workflow buttons and copying a plan to a new year.
Views parse, call selectors/services, render; every queryset passes through `restrict()`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenwu.core import asof, scoping
from zhenwu.core.registry import resource_for
from zhenwu.core.services import StaleEdit
from zhenwu.core.tables import Table
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan import rules, selectors, services
from zhenwu.plan.indicators import get_indicator
from zhenwu.plan.models import Plan, Target, Task
from zhenwu.plan.resources import report_resource


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def board_data(request, *, limit_tasks=12):
    """Everything the board and the big screen show, as of the chosen date."""
    user = request.user
    as_of, as_of_error = asof.for_page(request)
    plan = selectors.plan_for(user, year=as_of.year, plan_id=_int(request.GET.get("plan")))
    data = {
        "as_of": as_of,
        "as_of_error": as_of_error,
        # Every link out of the board carries the date (and, to the big screen, the filters).
        "carry": asof.as_of_query(as_of),
        "carry_filters": asof.as_of_query(as_of, plan=plan.pk if plan else None),
        "is_today": as_of == selectors.today(),
        "plan": plan,
        "plans": scoping.restrict(Plan.objects.all(), user).order_by("-year", "id"),
        "can_add_plan": scoping.can_write_model(user, Plan),
    }
    if plan is None:
        return data
    # Months that ended but are not frozen yet (the scheduler freezes them) show the colours
    # freezing will store: computed by the selectors, never written by a page view.
    states = selectors.evaluate_plan(plan, as_of)
    tree, plan_rollup = selectors.plan_tree(plan, states)
    filters = {
        "theme": _int(request.GET.get("theme")),
        "leader": _int(request.GET.get("leader")),
        "department": _int(request.GET.get("department")),
        "colour": request.GET.get("colour")
        if request.GET.get("colour") in rules.STATUS_LABELS
        else None,
    }
    shown = _filter_tree(tree, filters)
    data["carry_filters"] = asof.as_of_query(as_of, plan=plan.pk, **filters)
    counts = {k: 0 for k in rules.STATUS_LABELS}
    for s in states:
        counts[s.status] += 1
    nodes = [n.obj for n in tree] + [m.obj for n in tree for m in n.children]
    leaders = {s.target.leader for s in states if s.target.leader} | {
        n.leader for n in nodes if n.leader
    }
    departments = {s.target.department for s in states if s.target.department} | {
        n.department for n in nodes if n.department
    }
    data.update(
        states=states,
        tree=shown,
        all_themes=[n.obj for n in tree],
        plan_rollup=plan_rollup,
        counts=counts,
        filters=filters,
        filtered=any(filters.values()),
        leaders=sorted(leaders, key=lambda u: u.display_name),
        departments=sorted(departments, key=lambda d: (d.order, d.pk)),
        calendar_confirmed=get_calendar(plan.town_id).is_confirmed(date(plan.year, 6, 30)),
        flagged_tasks=selectors.open_tasks_flagged(user, as_of, plan, limit=limit_tasks),
        in_year=as_of.year == plan.year,
        after_year=as_of > date(plan.year, 12, 31),
    )
    return data


def _filter_tree(tree, f):
    def keep_target(s, measure, theme):
        t = s.target
        if f["colour"] and s.status != f["colour"]:
            return False
        if f["leader"] and f["leader"] not in (t.leader_id, measure.leader_id, theme.leader_id):
            return False
        departments = (t.department_id, measure.department_id, theme.department_id)
        return not (f["department"] and f["department"] not in departments)

    out = []
    for theme_node in tree:
        if f["theme"] and theme_node.obj.pk != f["theme"]:
            continue
        measures = []
        for m in theme_node.children:
            kids = [s for s in m.children if keep_target(s, m.obj, theme_node.obj)]
            if kids or not any(f.values()):
                measures.append(selectors.Node(m.obj, m.rollup, kids))
        if measures:
            out.append(selectors.Node(theme_node.obj, theme_node.rollup, measures))
    return out


@login_required
def board(request):
    data = board_data(request)
    user = request.user
    todo, waiting = selectors.my_tasks(user, data["as_of"], limit=10)
    data.update(my_todo=todo, my_waiting=waiting)
    if request.htmx and not request.htmx.boosted:
        return render(request, "plan/partials/board_body.html", data)
    return render(request, "plan/board.html", data)


@login_required
def bigscreen(request):
    data = board_data(request, limit_tasks=8)
    if "states" in data:
        data["chart"] = {
            "themes": [
                {
                    "name": n.obj.name,
                    "progress": n.progress_pct,
                    "time": n.time_pct,
                    "status": n.rollup.status,
                }
                for n in data["tree"]
            ],
            "counts": {rules.STATUS_LABELS[k]: v for k, v in data["counts"].items() if k != "none"},
        }
    if request.htmx:
        return render(request, "plan/partials/bigscreen_body.html", data)
    return render(request, "plan/bigscreen.html", data)


@login_required
def target_records(request, pk):
    """Drill-down: the records a target's number counts, as the viewer may see them."""
    target = get_object_or_404(
        scoping.restrict(
            Target.objects.select_related("measure__theme__plan", "town"), request.user
        ),
        pk=pk,
    )
    as_of, as_of_error = asof.for_page(request)
    year = target.measure.theme.plan.year
    state = selectors.evaluate(
        target, year, as_of, reports=list(target.reports.order_by("-date", "-id"))
    )
    ctx = {
        "target": target,
        "state": state,
        "as_of": as_of,
        "as_of_error": as_of_error,
        "carry": asof.as_of_query(as_of),
        "querystring": f"as_of={as_of.isoformat()}",
    }
    if target.indicator_key:
        indicator = get_indicator(target.indicator_key)
        qs = None
        if indicator is not None:
            try:
                qs = indicator.record_queryset(selectors.indicator_context(target, year, as_of))
            except Exception as exc:  # a module's bug shows as a message, never a 500
                ctx["records_error"] = f"无法列出明细：{exc}"
        if qs is not None:
            visible = scoping.restrict(qs, request.user)
            resource = resource_for(visible.model)
            page = Paginator(
                visible.order_by("pk") if not visible.ordered else visible, 50
            ).get_page(request.GET.get("page"))
            ctx.update(
                indicator=indicator,
                page=page,
                total=visible.count(),
                partial_view=visible.count() != qs.count(),
                table=Table(resource, request.user, rows=page.object_list, empty_text=_("暂无记录"))
                if resource
                else None,
                rows=page.object_list,
            )
        else:
            ctx["indicator"] = indicator
    else:
        reports = scoping.restrict(
            target.reports.select_related("reported_by").filter(
                date__lte=min(as_of, date(year, 12, 31))
            ),
            request.user,
        )
        page = Paginator(reports, 50).get_page(request.GET.get("page"))
        ctx.update(
            page=page,
            total=reports.count(),
            table=Table(
                report_resource, request.user, rows=page.object_list, empty_text=_("暂无记录")
            ),
        )
    return render(request, "plan/target_records.html", ctx)


@login_required
def my_tasks(request):
    """A person's to-do list: tasks to handle, decisions waiting for them, and the progress
    reports due for the manual targets they (or their departments) are responsible for."""
    user = request.user
    as_of, _ = asof.for_page(request)
    from zhenwu.core import homes

    todo, waiting = selectors.my_tasks(user, as_of)
    # Other modules' to-dos (e.g. rectification orders escalated to the leaders); the plan's
    # own tasks are listed above them already.
    module_todos = [s for s in homes.todos(user, timezone.localdate()) if s.key != "todos"]
    reports_due = []
    plan = selectors.plan_for(user, year=as_of.year)
    if plan is not None and plan.year == as_of.year:
        dept_ids = set(user.departments.values_list("pk", flat=True))
        for s in selectors.evaluate_plan(plan, as_of):
            t = s.target
            mine = t.leader_id == user.pk or t.department_id in dept_ids
            if mine and s.report_due:
                s.can_report = services.can_report(user, t)
                reports_due.append(s)
    return render(
        request,
        "plan/my_tasks.html",
        {
            "todo": todo,
            "waiting": waiting,
            "as_of": as_of,
            "reports_due": reports_due,
            "module_todos": module_todos,
        },
    )


# --- task workflow -------------------------------------------------------------------------

TASK_ACTIONS = {
    "sign": "签收",
    "report": "反馈进展",
    "complete": "办结",
    "close": "销号",
    "return": "退办",
    "extend": "申请延期",
    "approve-extension": "同意延期",
    "reject-extension": "驳回延期",
}


def run_task_action(task: Task, action: str, user, data: dict, evidence=None) -> Task:
    """One door for the page and the API: parse the action's fields, call its service."""
    note = (data.get("note") or "").strip()
    if action == "sign":
        return services.task_sign(task, acting_user=user)
    if action == "report":
        return services.task_report(task, note=note, acting_user=user)
    if action == "complete":
        return services.task_complete(task, note=note, acting_user=user, evidence=evidence)
    if action == "close":
        return services.task_close(task, acting_user=user, note=note)
    if action == "return":
        return services.task_return(task, note=note, acting_user=user)
    if action == "extend":
        raw = data.get("new_deadline") or ""
        try:
            new = date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            raise ValidationError(
                {"new_deadline": f"日期「{raw}」格式不正确，应为 YYYY-MM-DD"}
            ) from None
        if new is None:
            raise ValidationError({"new_deadline": "请填写申请延期至的日期"})
        return services.task_request_extension(
            task, new_deadline=new, reason=data.get("reason") or note, acting_user=user
        )
    if action == "approve-extension":
        return services.task_approve_extension(task, acting_user=user, note=note)
    if action == "reject-extension":
        return services.task_reject_extension(task, acting_user=user, note=note)
    raise Http404


@login_required
@require_POST
def task_action(request, pk, action):
    if action not in TASK_ACTIONS:
        raise Http404
    task = get_object_or_404(scoping.restrict(Task.objects.all(), request.user), pk=pk)
    version = _int(request.POST.get("version"))
    if version is not None and version != task.version:
        messages.error(request, "该任务刚被他人处理，请查看最新状态后再操作。")
        return HttpResponseRedirect(reverse("plan:task_detail", args=[pk]))
    try:
        run_task_action(task, action, request.user, request.POST, request.FILES.get("evidence"))
    except (services.TaskError, StaleEdit) as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{TASK_ACTIONS[action]}：{task}")
    return HttpResponseRedirect(reverse("plan:task_detail", args=[pk]))


# --- copying a plan ------------------------------------------------------------------------


class CopyPlanForm(forms.Form):
    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="计划名称", max_length=100)
    factor = forms.DecimalField(
        label="目标调整系数",
        initial=Decimal(1),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=3,
        help_text="所有目标值乘以该系数（如 1.1 表示增长10%），复制后可逐项修改",
    )


@login_required
def plan_copy(request, pk):
    plan = get_object_or_404(scoping.restrict(Plan.objects.all(), request.user), pk=pk)
    if not scoping.can_write_model(request.user, Plan):
        raise Http404
    form = CopyPlanForm(
        request.POST or None, initial={"year": plan.year + 1, "name": plan.name, "factor": 1}
    )
    for f in form.fields.values():
        f.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy_plan(
                plan,
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                factor=form.cleaned_data["factor"],
                acting_user=request.user,
            )
        except (ValidationError, InvalidOperation) as exc:
            for m in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, m)
        else:
            messages.success(request, f"已复制为「{new}」，请逐项调整目标值。")
            return HttpResponseRedirect(reverse("plan:plan_detail", args=[new.pk]))
    return render(
        request,
        "plan/plan_copy.html",
        {"plan": plan, "form": form},
        status=400 if form.errors else 200,
    )


# --- filing a manual progress report (with evidence) ---------------------------------------


class ReportForm(forms.Form):
    date = forms.DateField(
        label="填报日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写填报日期", "invalid": "填报日期格式不正确"},
    )
    value = forms.DecimalField(
        label="累计完成值",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": "请填写累计完成值",
            "invalid": "累计完成值应为数字",
            "min_value": "累计完成值不能为负数",
        },
    )
    note = forms.CharField(
        label="进展说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label="佐证材料（可选）", required=False)


@login_required
def target_report(request, pk):
    target = get_object_or_404(
        scoping.restrict(
            Target.objects.select_related("measure__theme__plan", "town"), request.user
        ),
        pk=pk,
    )
    if not services.can_report(request.user, target):
        raise Http404
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"date": selectors.today()}
    )
    for f in form.fields.values():
        f.widget.attrs.setdefault("class", "form-control")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.report_progress(
                target,
                value=d["value"],
                on=d["date"],
                note=d["note"],
                acting_user=request.user,
                evidence=d.get("evidence"),
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, f"已填报：{target} {d['value']:f}{target.unit}")
            return HttpResponseRedirect(reverse("plan:target_detail", args=[pk]))
    return render(
        request,
        "plan/target_report.html",
        {"target": target, "form": form},
        status=400 if form.errors else 200,
    )
