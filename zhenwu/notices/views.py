"""Pages of the robots (administrators only; everyone else gets 404, as for any record they may
not see). Not the platform's generic resource pages: those show a list, an export and a change
log to every role of the town, and robots are for administrators alone (docs/notices.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhenwu.core import scoping
from zhenwu.core import services as core_services
from zhenwu.notices import services
from zhenwu.notices.forms import RobotForm
from zhenwu.notices.models import Delivery, Robot, may_manage_robots


def _require_admin(user):
    if not may_manage_robots(user):
        raise Http404


def _robot(request, pk, action=scoping.VIEW) -> Robot:
    _require_admin(request.user)
    return get_object_or_404(scoping.restrict(Robot.objects.all(), request.user, action), pk=pk)


@login_required
def robot_list(request):
    _require_admin(request.user)
    robots = scoping.restrict(Robot.objects.all(), request.user).order_by("name", "id")
    return render(
        request,
        "notices/robot_list.html",
        {"robots": robots, "can_add": request.user.town_id is not None},
    )


@login_required
def robot_detail(request, pk):
    robot = _robot(request, pk)
    deliveries = scoping.restrict(Delivery.objects.filter(robot=robot), request.user)[:50]
    return render(request, "notices/robot_detail.html", {"robot": robot, "deliveries": deliveries})


def _save(request, form, robot):
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    try:
        if robot is None:
            return services.robot_create(
                town=request.user.town, data=data, acting_user=request.user
            )
        return services.robot_update(
            robot, data=data, acting_user=request.user, expected_version=version
        )
    except core_services.StaleEdit as exc:
        form.add_error(None, str(exc))
        form.stale = True
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


@login_required
def robot_edit(request, pk=None):
    _require_admin(request.user)
    robot = _robot(request, pk, scoping.CHANGE) if pk is not None else None
    if robot is None and request.user.town_id is None:
        raise Http404  # a superuser without a town has no town to add a robot to
    form = RobotForm(request.POST or None, instance=robot or Robot(town_id=request.user.town_id))
    status = 200
    if request.method == "POST":
        saved = _save(request, form, robot) if form.is_valid() else None
        if saved is not None:
            messages.success(request, f"已保存「{saved}」。")
            return HttpResponseRedirect(reverse("notices:robot_detail", args=[saved.pk]))
        status = 409 if getattr(form, "stale", False) else 400
    return render(request, "notices/robot_edit.html", {"form": form, "robot": robot}, status=status)


@login_required
@require_POST
def robot_delete(request, pk):
    robot = _robot(request, pk, scoping.DELETE)
    core_services.soft_delete(robot, acting_user=request.user)
    messages.success(request, f"已删除「{robot}」（可在回收站恢复）。")
    return HttpResponseRedirect(reverse("notices:robot_list"))


@login_required
@require_POST
def robot_test(request, pk):
    robot = _robot(request, pk, scoping.CHANGE)
    delivery = services.send_test(robot, acting_user=request.user)
    text = services.delivery_message(delivery)
    (messages.success if delivery.ok else messages.error)(request, text)
    return HttpResponseRedirect(reverse("notices:robot_detail", args=[robot.pk]))


@login_required
def delivery_list(request):
    _require_admin(request.user)
    qs = scoping.restrict(Delivery.objects.select_related("robot"), request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notices/delivery_list.html", {"page": page})
