"""Pages of the projects module. Views parse, call a selector or service, render; every
queryset passes through `restrict()` (out of scope = 404)."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhenwu.core import asof, scoping
from zhenwu.core import services as core_services
from zhenwu.core.services import StaleEdit
from zhenwu.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView
from zhenwu.core.workcalendar import get_calendar
from zhenwu.projects import gantt, rules, selectors, services
from zhenwu.projects.forms import DependencyForm, ProblemCloseForm
from zhenwu.projects.models import (
    FarmlandDetail,
    MilestoneDependency,
    Problem,
    Project,
    ProjectCategory,
    ProjectStatus,
)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _as_of(request) -> date:
    return asof.for_page(request)[0]


# --- list and detail ----------------------------------------------------------------------------


class ProjectListView(ObjectListView):
    """The generic list plus the 三未 filter (`?sanwei=approved_not_started` …, as of `as_of`)."""

    def get_queryset(self, action=None):
        qs = super().get_queryset(action)
        kind = self.request.GET.get("sanwei")
        if kind in rules.SANWEI_LABELS:
            qs = qs.filter(selectors.sanwei_q(kind, _as_of(self.request)))
        return qs

    def context(self, **extra):
        ctx = super().context(**extra)
        kind = self.request.GET.get("sanwei")
        ctx["sanwei_choices"] = list(rules.SANWEI_LABELS.items())
        ctx["sanwei_current"] = kind if kind in rules.SANWEI_LABELS else ""
        return ctx


def _farmland_plots_url() -> str:
    """The farmland plots (图斑) ledger of the agriculture module, when it is installed; every
    town user may read it (out-of-village rows are filtered there by the scoping gate)."""
    from django.urls import NoReverseMatch

    from zhenwu.core.registry import resource_by_key

    resource = resource_by_key("plots")
    if resource is None:
        return ""
    try:
        return reverse(resource.url_name("list"))
    except NoReverseMatch:  # pragma: no cover
        return ""


class ProjectDetailView(ObjectDetailView):
    def detail_context(self, obj):
        ctx = super().detail_context(obj)
        as_of = _as_of(self.request)
        ps = selectors.project_schedule(obj, as_of=as_of)
        ctx.update(
            schedule=ps,
            as_of=as_of,
            farmland=FarmlandDetail.objects.filter(project=obj).first(),
            farmland_plots_url=_farmland_plots_url(),
            problems=scoping.restrict(obj.problems.select_related("owner"), self.request.user),
            reports=scoping.restrict(
                obj.weekly_reports.select_related("reporter"), self.request.user
            )[:8],
            dependency_form=DependencyForm(project=obj),
            close_form=ProblemCloseForm(),
            sanwei=rules.SANWEI_LABELS.get(rules.sanwei(selectors.dates_of(obj), as_of) or ""),
            report_missing=selectors.missing_reports([obj], as_of),
        )
        return ctx


class ProjectChildAddView(ObjectEditView):
    """The generic add page of a milestone, problem or weekly report, with the project chosen
    when it is opened from the project's page (`?project=<pk>`)."""

    def get_form(self, obj=None, data=None):
        form = super().get_form(obj, data)
        pk = self.request.GET.get("project", "")
        if obj is None and data is None and pk.isdigit():
            form.initial["project"] = int(pk)
        return form


# --- Gantt ------------------------------------------------------------------------------------


def _milestone_view(row, chart):
    f, p = row.forecast, row.plan
    zero = row.milestone.duration == 0
    return {
        "row": row,
        "m": row.milestone,
        "zero": zero,
        "bar": None if zero or f is None else chart.bar(f.early_start, f.early_finish),
        "point": chart.point(f.early_finish) if zero and f else None,
        "window": None if p is None or zero else chart.bar(p.late_start, p.late_finish),
        "late_point": chart.point(p.late_finish) if zero and p else None,
        "baseline": chart.bar(row.baseline_start, row.baseline_finish)
        if row.baseline_start
        else None,
        "actual": chart.bar(row.actual_start, row.actual_finish or row.actual_start)
        if row.actual_start and not zero
        else None,
    }


@login_required
def project_gantt(request, pk):
    project = get_object_or_404(
        scoping.restrict(Project.objects.select_related("category", "leader"), request.user),
        pk=pk,
    )
    as_of = _as_of(request)
    ps = selectors.project_schedule(project, as_of=as_of)
    chart = None
    items = []
    span = ps.span if ps.ok else None
    if span:
        chart = gantt.build_chart(min(span[0], as_of) if as_of >= span[0] else span[0],
                                  span[1], get_calendar(project.town_id), today=as_of)  # fmt: skip
        items = [_milestone_view(r, chart) for r in ps.rows]
    return render(
        request,
        "projects/gantt.html",
        {
            "project": project,
            "schedule": ps,
            "chart": chart,
            "items": items,
            "as_of": as_of,
            "deadline_point": chart.point(project.deadline) if chart else None,
            "can_change": scoping.can(request.user, scoping.CHANGE, project),
        },
    )


@login_required
def wall_gantt(request):
    """挂图作战: every project on one chart, one row per project (lanes for parallel nodes)."""
    as_of = _as_of(request)
    qs = scoping.restrict(
        Project.objects.select_related("category", "leader", "village"), request.user
    ).order_by("category__order", "id")
    categories = scoping.restrict(ProjectCategory.objects.all(), request.user)
    cat = request.GET.get("category", "")
    if cat:
        qs = qs.filter(category__key=cat)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    schedules = selectors.schedules_for(qs, as_of=as_of)
    spans = [s.span for s in schedules if s.ok and s.span]
    # other modules' rows (the land module's campaigns) beside the projects
    extras = gantt.wall_rows(request.user, as_of) if not cat else []
    spans += [(e["start"], e["finish"]) for e in extras if e.get("start") and e.get("finish")]
    chart = None
    rows = []
    if spans:
        first = min(s[0] for s in spans)
        last = max(s[1] for s in spans)
        chart = gantt.build_chart(first, last, get_calendar(request.user.town_id), today=as_of)
        for s in schedules:
            if not s.ok:
                rows.append({"schedule": s, "lanes": [], "bar": None})
                continue
            views = [_milestone_view(r, chart) for r in s.rows]
            packed = gantt.lanes(
                views,
                lambda v: v["row"].forecast.early_start,
                lambda v: v["row"].forecast.early_finish,
            )
            rows.append(
                {
                    "schedule": s,
                    "lanes": packed,
                    "bar": chart.bar(s.forecast.project_start, s.forecast_finish),
                    "deadline": chart.point(s.project.deadline),
                }
            )
        for e in extras:
            e["geometry"] = chart.bar(e.get("start"), e.get("finish"))
            e["deadline_point"] = chart.point(e.get("deadline"))
            for b in e["bars"]:
                b["geometry"] = chart.bar(b["start"], b["finish"])
    else:
        rows = [{"schedule": s, "lanes": [], "bar": None} for s in schedules]
    return render(
        request,
        "projects/wall_gantt.html",
        {
            "chart": chart,
            "rows": rows,
            "extra_rows": extras,
            "as_of": as_of,
            "categories": categories,
            "category": cat,
            "year": year,
        },
    )


# --- 三未, dispatch, problems ------------------------------------------------------------------


@login_required
def sanwei_page(request):
    as_of = _as_of(request)
    projects = scoping.restrict(selectors.project_list_queryset(), request.user)
    lists = selectors.sanwei_lists(projects, as_of)
    missing = selectors.missing_reports(projects, as_of)
    last, this = rules.due_weeks(as_of)
    problems = scoping.restrict(selectors.open_problems(request.user.town, as_of=as_of), request.user) if request.user.town_id else Problem.objects.none()  # fmt: skip
    return render(
        request,
        "projects/sanwei.html",
        {
            "as_of": as_of,
            "lists": [
                (k, rules.SANWEI_LABELS[k], rules.SANWEI_HELP[k], lists[k])
                for k in rules.SANWEI_LABELS
            ],
            "missing_last": missing["last"],
            "missing_this": missing["this"],
            "last_week": last,
            "this_week": this,
            "problems": problems,
        },
    )


@login_required
@require_POST
def problem_close(request, pk):
    problem = get_object_or_404(
        scoping.restrict(Problem.objects.all(), request.user, scoping.CHANGE), pk=pk
    )
    form = ProblemCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            services.problem_close(
                problem, resolution=form.cleaned_data["resolution"], acting_user=request.user
            )
            messages.success(request, f"已销号：{problem}")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return HttpResponseRedirect(reverse("projects:project_detail", args=[problem.project_id]))


# --- scheduling edits -----------------------------------------------------------------------------


def _changeable_project(request, pk) -> Project:
    return get_object_or_404(
        scoping.restrict(Project.objects.all(), request.user, scoping.CHANGE), pk=pk
    )


@login_required
@require_POST
def freeze_baseline(request, pk):
    project = _changeable_project(request, pk)
    try:
        b = services.freeze_baseline(project, acting_user=request.user)
        messages.success(request, f"已冻结计划基线：{b.name}")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return HttpResponseRedirect(reverse("projects:project_gantt", args=[project.pk]))


@login_required
@require_POST
def dependency_add(request, pk):
    project = _changeable_project(request, pk)
    form = DependencyForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.dependency_add(
                predecessor=form.cleaned_data["predecessor"],
                successor=form.cleaned_data["successor"],
                lag=form.cleaned_data["lag"],
                acting_user=request.user,
            )
            messages.success(request, "已添加前置关系。")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs
            ),
        )
    return HttpResponseRedirect(reverse("projects:project_detail", args=[project.pk]) + "#network")


@login_required
@require_POST
def dependency_delete(request, pk):
    dep = get_object_or_404(
        scoping.restrict(MilestoneDependency.objects.select_related("successor"), request.user, scoping.CHANGE),
        pk=pk,
    )  # fmt: skip
    try:
        services.dependency_delete(dep, acting_user=request.user)
        messages.success(request, f"已删除前置关系：{dep}")
    except StaleEdit as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(
        reverse("projects:project_detail", args=[dep.successor.project_id]) + "#network"
    )


# --- promote from investment ------------------------------------------------------------------


@login_required
def project_promote(request, investment_pk):
    """A started investment becomes a key project (the investment page shows the button)."""
    try:
        Investment = apps.get_model("investment", "Investment")
    except LookupError as exc:  # pragma: no cover - the investment app always ships it
        raise Http404 from exc
    investment = get_object_or_404(
        scoping.restrict(Investment.objects.all(), request.user), pk=investment_pk
    )
    if not scoping.can_write_model(request.user, Project):
        raise Http404
    # A project the user may not open is not named (nor linked) here: out of scope is unseen.
    promoted = Project.objects.filter(investment=investment)
    existing = scoping.restrict(promoted, request.user).first()
    existing_hidden = existing is None and promoted.exists()
    started = getattr(investment, "started_on", None) is not None
    error = None
    if request.method == "POST":
        if existing is not None:
            return HttpResponseRedirect(reverse("projects:project_detail", args=[existing.pk]))
        if existing_hidden:
            error = "该招商项目已转为重点项目"
        elif not started:
            error = "该招商项目尚未开工，不能转为重点项目"
        else:
            try:
                with transaction.atomic():
                    project = services.promote_investment(investment, acting_user=request.user)
                    core_services.check_saved_in_scope(project, request.user)
            except ValidationError as exc:
                error = _errors(exc)
            else:
                messages.success(
                    request,
                    f"已转为重点项目「{project}」（状态：{ProjectStatus(project.status).label}）。"
                    "请补齐专班成员与推进方案后再改为在建。",
                )
                return HttpResponseRedirect(reverse("projects:project_detail", args=[project.pk]))
    return render(
        request,
        "projects/promote.html",
        {
            "investment": investment,
            "existing": existing,
            "existing_hidden": existing_hidden,
            "started": started,
            "error": error,
        },
        status=400 if error else 200,
    )
