"""Pages of the platform itself: sign-in, home, the global change log, the recycle bin,
attachments and comments on any record, users, and the holiday override table."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core import scoping, services, workcalendar
from zhenwu.core.actor import Source
from zhenwu.core.base import TownScopedModel
from zhenwu.core.changelog_read import one_reading, present
from zhenwu.core.models import Attachment, ChangeAction, ObjectChange, Village
from zhenwu.core.paging import KeysFirstPaginator
from zhenwu.core.registry import all_resources, url_for
from zhenwu.core.views.generic import safe_next


class ZhenwuAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。请注意密码区分大小写。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
            f.error_messages["required"] = f"请输入{f.label}。"


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ZhenwuAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request = self.request
        # A session cookie that no longer signs anyone in, on the way back to a page: the
        # session expired (idle timeout), so say so rather than show a bare login form.
        stale_cookie = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.user.is_authenticated
            and request.GET.get("next")
        )
        if request.GET.get("expired") or stale_cookie:
            ctx["expired"] = True
        return ctx


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes' answer once an account is locked (AXES_LOCKOUT_CALLABLE): the page, or JSON
    for the API's token endpoint."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "登录失败次数过多，请15分钟后再试。"}, status=429)
    return render(request, "core/lockout.html", status=429)


@login_required
def home(request):
    """The start page, one per role (`core/homes.py`): a village cadre's 我的村, a clerk's work
    queue; everyone else the plan board (with what waits for their decision)."""
    from django.urls import NoReverseMatch

    from zhenwu.core.models import Role

    if request.user.role == Role.VILLAGE:
        return village_home(request)
    if request.user.role == Role.STAFF:
        return work_home(request)
    try:
        # The query (?as_of=, filters) travels on to the board.
        query = request.GET.urlencode()
        return HttpResponseRedirect(reverse("plan:board") + (f"?{query}" if query else ""))
    except NoReverseMatch:
        pass
    user = request.user
    counts = []
    for r in all_resources():
        if r.nav is None:
            continue
        qs = scoping.restrict(r.model.objects.all(), user)
        counts.append(
            {"label": r.verbose_name, "count": qs.count(), "url": reverse(r.url_name("list"))}
        )
    today = timezone.localdate()
    recent = present(
        scoping.restrict(ObjectChange.objects.select_related("user", "content_type"), user)[:10],
        user,
    )
    return render(
        request,
        "core/home.html",
        {
            "counts": counts,
            "today": today,
            "today_is_workday": workcalendar.is_workday(today),
            "today_confirmed": workcalendar.is_confirmed(today),
            "recent": recent,
            "villages": scoping.restrict(Village.objects.all(), user),
        },
    )


def village_home(request):
    """我的村: my to-dos, then every module's records of my village(s), overdue first."""
    from zhenwu.core import homes

    user = request.user
    today = timezone.localdate()
    villages = list(user.villages.filter(is_deleted=False).order_by("order", "pk"))
    todos = homes.todos(user, today)
    sections = homes.village_sections(user, villages, today)
    overdue = [(s, item) for s in (*todos, *sections) for item in s.items if item.overdue]
    return render(
        request,
        "core/home_village.html",
        {
            "villages": villages,
            "today": today,
            "todos": todos,
            "sections": sections,
            "overdue": overdue,
        },
    )


def work_home(request):
    """A clerk's work queue: my to-dos, then what is due in each module I keep."""
    from zhenwu.core import homes

    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "core/home_work.html",
        {
            "today": today,
            "todos": homes.todos(user, today),
            "queues": homes.work_queues(user, today),
            "departments": user.departments.filter(is_deleted=False),
        },
    )


@login_required
def changelog_list(request):
    # One reading: the entries and the names they mention ask the gate about the same models.
    with one_reading():
        return _changelog_list(request)


def _changelog_list(request):
    qs = scoping.restrict(ObjectChange.objects.select_related("user", "content_type"), request.user)
    action = request.GET.get("action")
    if action:
        qs = qs.filter(action=action)
    source = request.GET.get("source")
    if source:
        qs = qs.filter(source=source)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(user_name__icontains=q))
    page = KeysFirstPaginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = present(page.object_list, request.user)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "core/changelog_list.html",
        {
            "page": page,
            "q": q,
            "action": action,
            "source": source,
            "querystring": params.urlencode(),
            "action_choices": ChangeAction.choices,
            "source_choices": Source.CHOICES,
        },
    )


def _town_models():
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, TownScopedModel)]


def _require_admin(user):
    if not (user.is_authenticated and user.is_town_admin):
        raise Http404


@login_required
def recycle_bin(request):
    _require_admin(request.user)
    sections = []
    for model in _town_models():
        if model.__name__ in ("Attachment", "Comment"):
            continue
        qs = scoping.restrict(
            model.all_objects.filter(is_deleted=True), request.user, scoping.CHANGE
        )
        items = list(qs.order_by("-deleted_at")[:200])
        if items:
            ct = ContentType.objects.get_for_model(model)
            sections.append({"label": model._meta.verbose_name, "ct": ct.pk, "items": items})
    return render(request, "core/recycle_bin.html", {"sections": sections})


@login_required
@require_POST
def recycle_restore(request, ct, pk):
    _require_admin(request.user)
    model = get_object_or_404(ContentType, pk=ct).model_class()
    if model is None or not issubclass(model, TownScopedModel):
        raise Http404
    obj = get_object_or_404(
        scoping.restrict(model.all_objects.filter(is_deleted=True), request.user, scoping.CHANGE),
        pk=pk,
    )
    try:
        services.restore(obj, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已恢复「{obj}」。")
    return HttpResponseRedirect(reverse("core:recycle_bin"))


def _parent_from_post(request, action=scoping.VIEW):
    """The record named by the POST's ct/oid, if the user may see it (else 404)."""
    try:
        ct = ContentType.objects.get_for_id(int(request.POST.get("ct", "")))
        pk = int(request.POST.get("oid", ""))
    except (ValueError, ContentType.DoesNotExist) as exc:
        raise Http404 from exc
    model = ct.model_class()
    if model is None or not issubclass(model, TownScopedModel):
        raise Http404
    return get_object_or_404(scoping.restrict(model.objects.all(), request.user, action), pk=pk)


def _commentable_parent(request):
    """The record to comment on or attach to: 404 when the user cannot see it, 403 when they
    see it but may not add to it (`scoping.can_comment`)."""
    parent = _parent_from_post(request, scoping.VIEW)
    if not scoping.can_comment(request.user, parent):
        raise PermissionDenied("您只能查看该记录，不能发表评论或上传附件。")
    return parent


@login_required
@require_POST
def attachment_add(request):
    # The same people as comment (scoping.can_comment).
    parent = _commentable_parent(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.add_attachment(
                parent,
                uploaded=upload,
                acting_user=request.user,
                caption=request.POST.get("caption", ""),
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已上传「{upload.name}」。")
    return HttpResponseRedirect(safe_next(request, (url_for(parent) or "/") + "#attachments"))


@login_required
def attachment_download(request, pk):
    att = get_object_or_404(scoping.restrict(Attachment.objects.all(), request.user), pk=pk)
    # The parent record must be visible too.
    model = att.content_type.model_class()
    if not scoping.restrict(model.objects.filter(pk=att.object_id), request.user).exists():
        raise Http404
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=att.mime_type, as_attachment=not att.is_photo, filename=att.name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def comment_add(request):
    parent = _commentable_parent(request)
    error = None
    try:
        services.add_comment(parent, body=request.POST.get("body", ""), acting_user=request.user)
    except ValidationError as exc:
        error = "；".join(exc.messages)
    ctx = {
        "object": parent,
        "comments": scoping.restrict(services.comments_for(parent), request.user),
        "comment_error": error,
        "can_comment": True,
    }
    if request.htmx:
        return render(request, "core/partials/comments.html", ctx, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect((url_for(parent) or "/") + "#comments")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"

    def get_success_url(self):
        messages.success(self.request, "密码已修改。")
        return reverse("core:home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for f in form.fields.values():
            f.widget.attrs["class"] = "form-control"
        return form
