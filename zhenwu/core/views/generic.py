"""Generic views behind every model's surface (see `registry.Resource`).

One view, two renderings (django-htmx): an htmx request for a list gets only the table
partial; everything else gets the whole page. Every queryset passes through `restrict()`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from zhenwu.core import scoping, services
from zhenwu.core.changelog_read import present
from zhenwu.core.forms import ResourceForm, build_filterset
from zhenwu.core.registry import Resource, url_for
from zhenwu.core.tables import Table, may_see_personal, personal_fields_of


class ResourceView(LoginRequiredMixin, View):
    resource: Resource = None
    action = scoping.VIEW

    def base_queryset(self):
        qs = self.resource.model.objects.all()
        if self.resource.select_related:
            qs = qs.select_related(*self.resource.select_related)
        if self.resource.prefetch_related:
            qs = qs.prefetch_related(*self.resource.prefetch_related)
        return qs

    def get_queryset(self, action=None):
        return scoping.restrict(self.base_queryset(), self.request.user, action or self.action)

    def get_object(self, action=None):
        return get_object_or_404(self.get_queryset(action), pk=self.kwargs["pk"])

    def context(self, **extra):
        r = self.resource
        user = self.request.user
        ctx = {
            "resource": r,
            "model_name": r.verbose_name,
            # A list page is called what the menu calls it (企业名录, not 企业).
            "list_title": r.nav.label if r.nav else r.verbose_name,
            "can_add": r.may_add(user),
            "list_url": reverse(r.url_name("list")),
        }
        ctx.update(extra)
        return ctx


def filtered_queryset(request, resource: Resource, queryset):
    """Apply the list's filters, search and sort from the query string (shared by list and export)."""
    filterset = build_filterset(resource, request.GET, queryset, request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    q = request.GET.get("q", "").strip()
    if q and resource.search_fields:
        qs = qs.filter(search_condition(resource, q, request.user))
    sort = request.GET.get("sort", "") or resource.default_sort or ""
    allowed = Table(resource, request.user).sortable_names()
    if sort.lstrip("-") in allowed:
        qs = qs.order_by(sort, "pk")
    elif not qs.ordered:
        qs = qs.order_by("pk")  # stable pages for models without a default ordering
    return qs, filterset, q, sort


def search_condition(resource: Resource, q: str, user) -> Q:
    """The list search: any search field containing `q`. A personal field (resident ID, phone)
    is matched only by its whole value for a reader who sees it masked: whoever holds the card
    finds the record, but typing part of a number cannot uncover the digits the mask hides
    (one prefix at a time, the masked middle of an ID would be ten guesses per digit)."""
    hidden = set() if may_see_personal(user) else personal_fields_of(resource.model)
    cond = Q()
    for name in resource.search_fields:
        lookup = "iexact" if name in hidden else "icontains"
        cond |= Q(**{f"{name}__{lookup}": q})
    return cond


class ObjectListView(ResourceView):
    def get(self, request, **kwargs):
        r = self.resource
        qs, filterset, q, sort = filtered_queryset(request, r, self.get_queryset())
        paginator = Paginator(qs, r.per_page)
        page = paginator.get_page(request.GET.get("page"))
        table = Table(r, request.user, rows=page.object_list, sort=sort)
        params = request.GET.copy()
        params.pop("page", None)
        header_params = params.copy()
        header_params.pop("sort", None)  # a header link sets its own sort
        ctx = self.context(
            table=table,
            page=page,
            filterset=filterset,
            q=q,
            sort=sort,
            querystring=params.urlencode(),
            # Parameters a module's list understands beyond the filter form (e.g. ?sanwei=):
            # carried as hidden fields so filtering keeps them.
            kept_params=[
                (k, v)
                for k, values in request.GET.lists()
                if k not in {"q", "page", "sort"} and k not in filterset.form.fields
                for v in values
            ],
            sort_querystring=header_params.urlencode(),
            # How many filters are set (a phone shows the folded filters open when any is).
            active_filters=sum(1 for name in filterset.form.fields if request.GET.get(name)),
            export_url=reverse(r.url_name("export")) + ("?" + params.urlencode() if params else ""),
            import_url=reverse(r.url_name("import"))
            if r.ledger and scoping.can_write_model(request.user, r.model)
            else None,
        )
        if request.htmx and not request.htmx.boosted:
            return render(request, "core/partials/object_table.html", ctx)
        return render(request, r.list_template or "core/object_list.html", ctx)


class ObjectDetailView(ResourceView):
    def get(self, request, **kwargs):
        obj = self.get_object()
        return render(request, "core/object_detail.html", self.detail_context(obj))

    def detail_context(self, obj):
        r = self.resource
        user = self.request.user
        from zhenwu.core.tables import detail_rows

        return self.context(
            object=obj,
            rows=detail_rows(r, obj, user),
            can_change=scoping.can(user, scoping.CHANGE, obj),
            can_delete=scoping.can(user, scoping.DELETE, obj),
            can_comment=scoping.can_comment(user, obj),
            attachments=scoping.restrict(services.attachments_for(obj), user),
            comments=scoping.restrict(services.comments_for(obj), user),
            changes=present(services.changes_for(obj)[:10], user),
            extra_template=r.detail_template,
        )


class ObjectEditView(ResourceView):
    action = scoping.CHANGE

    def get_form(self, obj=None, data=None):
        form_class = self.resource.form_class or ResourceForm.for_resource(self.resource)
        return form_class(data=data, instance=obj, user=self.request.user, resource=self.resource)

    def _obj(self):
        return self.get_object(scoping.CHANGE) if "pk" in self.kwargs else None

    def get(self, request, **kwargs):
        obj = self._obj()
        if obj is None and not self.resource.may_add(request.user):
            raise Http404
        return render(
            request, "core/object_edit.html", self.context(object=obj, form=self.get_form(obj))
        )

    def post(self, request, **kwargs):
        obj = self._obj()
        if obj is None and not self.resource.may_add(request.user):
            raise Http404
        form = self.get_form(obj, request.POST)
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save_via_service(request.user)
                    # The record must still be in the editor's scope after the save — checked
                    # before the commit, so a refused write leaves nothing behind.
                    services.check_saved_in_scope(saved, request.user)
            except services.StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                _add_validation_error(form, exc)
            else:
                for warning in getattr(form, "warnings", []):
                    messages.warning(request, warning)
                messages.success(request, f"已保存：{saved}")
                after = self.resource.success_url(saved) if self.resource.success_url else None
                return HttpResponseRedirect(
                    after or url_for(saved) or reverse(self.resource.url_name("list"))
                )
        return render(
            request, "core/object_edit.html", self.context(object=obj, form=form), status=status
        )


def _add_validation_error(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for m in exc.messages:
            form.add_error(None, m)


class ObjectDeleteView(ResourceView):
    action = scoping.DELETE

    def get(self, request, **kwargs):
        obj = self.get_object()
        return render(request, "core/object_delete.html", self.context(object=obj))

    def post(self, request, **kwargs):
        obj = self.get_object()
        version = (request.POST.get("version") or "").strip()
        if version and not (version.isascii() and version.isdigit() and len(version) < 19):
            messages.error(request, "版本号无效：请刷新页面后重新删除。")
            context = self.context(object=obj)
            return render(request, "core/object_delete.html", context, status=400)
        try:
            services.soft_delete(
                obj, acting_user=request.user, expected_version=int(version) if version else None
            )
        except (services.StaleEdit, services.StillReferenced) as exc:
            messages.error(request, str(exc.messages[0] if hasattr(exc, "messages") else exc))
            return HttpResponseRedirect(url_for(obj))
        messages.success(request, f"已删除「{obj}」，管理员可在回收站恢复。")
        return HttpResponseRedirect(reverse(self.resource.url_name("list")))


class ObjectChangeLogView(ResourceView):
    def get(self, request, **kwargs):
        obj = self.get_object()
        changes = services.changes_for(obj)
        page = Paginator(changes, 50).get_page(request.GET.get("page"))
        page.object_list = present(page.object_list, request.user)
        return render(request, "core/object_changelog.html", self.context(object=obj, page=page))


class ObjectExportView(ResourceView):
    def get(self, request, **kwargs):
        r = self.resource
        qs, *_ = filtered_queryset(request, r, self.get_queryset())
        fmt = request.GET.get("format", "xlsx")
        from zhenwu.core.ledgers import export_response, ledger_for

        return export_response(ledger_for(r), qs, request.user, fmt=fmt)


class ObjectTemplateView(ResourceView):
    def get(self, request, **kwargs):
        from zhenwu.core.ledgers import template_response

        return template_response(self.resource.ledger)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="文件（.xlsx 或 .csv）", error_messages={"required": "请选择要导入的文件。"}
    )
    dry_run = forms.BooleanField(label="仅检查，不写入", required=False)


class ObjectImportView(ResourceView):
    action = scoping.ADD

    def check(self):
        if not scoping.can_write_model(self.request.user, self.resource.model):
            raise Http404

    def get(self, request, **kwargs):
        self.check()
        return render(request, "core/object_import.html", self.context(form=ImportForm()))

    def post(self, request, **kwargs):
        self.check()
        form = ImportForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = self.resource.ledger().run(
                upload, upload.name, user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            if report.ok and not form.cleaned_data["dry_run"]:
                messages.success(
                    request,
                    f"导入成功：共 {report.rows} 行，新增 {report.created}，更新 {report.updated}。",
                )
        status = 200 if report is None or report.ok else 400
        if not form.is_valid():
            status = 400
        return render(
            request,
            "core/object_import.html",
            self.context(form=form, report=report),
            status=status,
        )


def safe_next(request, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def export_http(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
