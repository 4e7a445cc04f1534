"""User and scope management for administrators (a town administrator manages their town)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from zhenwu.core import scoping
from zhenwu.core.forms import blank_choice_label, keep_masked_numbers, mask_personal_numbers
from zhenwu.core.models import Department, Role, Town, User, Village
from zhenwu.core.services import attributed


def users_in_scope(user):
    """The accounts an administrator manages: a superuser all; a town administrator the
    accounts of their town, never a superuser's (whose password they could otherwise reset)."""
    if not (user.is_authenticated and user.is_active and user.is_town_admin):
        return User.objects.none()
    qs = User.objects.all()
    if not user.is_superuser:
        if user.town_id is None:
            return User.objects.none()
        qs = qs.filter(town_id=user.town_id, is_superuser=False)
    return qs


class UserForm(forms.ModelForm):
    new_password = forms.CharField(
        label="新密码", required=False, widget=forms.PasswordInput(render_value=False),
        help_text="新建用户必填；编辑时留空表示不修改。",
    )  # fmt: skip

    class Meta:
        model = User
        fields = [
            "username", "full_name", "title", "phone", "role", "town", "departments",
            "villages", "can_see_personal_numbers", "is_active",
        ]  # fmt: skip

    def __init__(self, *args, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.fields["username"].help_text = "登录用的用户名，字母、数字或 @/./+/-/_"
        self.fields["is_active"].label = "启用"
        self.fields["is_active"].help_text = "停用后不能登录，历史记录保留"
        self.fields["town"].queryset = scoping.restrict(Town.objects.all(), admin)
        self.fields["departments"].queryset = scoping.restrict(Department.objects.all(), admin)
        self.fields["villages"].queryset = scoping.restrict(Village.objects.all(), admin)
        mask_personal_numbers(self, admin)
        if not admin.is_superuser:
            self.fields["town"].disabled = True
            self.fields["town"].initial = admin.town_id
        for f in self.fields.values():
            blank_choice_label(f)
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs["class"] = "form-check-input"
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs["class"] = "form-select"
            else:
                w.attrs["class"] = "form-control"

    def clean(self):
        data = keep_masked_numbers(self, super().clean())
        role = data.get("role")
        if role == Role.VILLAGE and not data.get("villages"):
            self.add_error("villages", "村干部必须指定负责的村（社区）。")
        if role == Role.STAFF and not data.get("departments"):
            self.add_error("departments", "科室人员必须指定所属部门（决定可编辑的模块）。")
        if role != Role.VIEWER and not data.get("town") and not self.instance.town_id:
            self.add_error("town", "除市县查看人员外，用户必须属于一个乡镇。")
        if not self.instance.pk and not data.get("new_password"):
            self.add_error("new_password", "新建用户必须设置初始密码。")
        if data.get("new_password"):
            try:
                validate_password(data["new_password"], self.instance)
            except forms.ValidationError as exc:
                self.add_error("new_password", exc)
        return data


@login_required
def user_list(request):
    qs = users_in_scope(request.user)
    if not request.user.is_town_admin:
        raise Http404
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    role = request.GET.get("role")
    if role:
        qs = qs.filter(role=role)
    qs = qs.select_related("town").prefetch_related("departments", "villages")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/user_list.html", {"page": page, "q": q, "role": role, "roles": Role.choices}
    )


@login_required
def user_edit(request, pk=None):
    if not request.user.is_town_admin:
        raise Http404
    obj = get_object_or_404(users_in_scope(request.user), pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=obj, admin=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), attributed(request.user):
            user = form.save(commit=False)
            if not request.user.is_superuser:
                user.town_id = request.user.town_id
            if form.cleaned_data.get("new_password"):
                user.set_password(form.cleaned_data["new_password"])
            user.save()
            form.save_m2m()
        messages.success(request, f"已保存用户「{user.display_name}」。")
        return HttpResponseRedirect(reverse("core:user_list"))
    return render(
        request,
        "core/user_edit.html",
        {"form": form, "object": obj},
        status=400 if form.errors else 200,
    )
