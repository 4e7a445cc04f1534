"""Pages beyond the generic surface: the town's 双征 progress, a campaign's progress and
schedule, its wall board (挂图), the one-file household page (一户一档), moving a household to
its next stage, contacts on a dispute, step durations, the map. They parse, call a selector
or service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhenwu.core import asof, scoping
from zhenwu.core import services as core_services
from zhenwu.core.services import StaleEdit
from zhenwu.core.tables import mask, may_see_personal
from zhenwu.core.views.generic import safe_next
from zhenwu.land import rules, selectors, services
from zhenwu.land.forms import AdvanceForm, ContactForm, MapUploadForm, StepForm
from zhenwu.land.models import Campaign, CampaignStep, Dispute, Household, MapLayer, Parcel


def _as_of(request):
    return asof.for_page(request)[0]


def _errors(request, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        for m in exc.messages:
            messages.error(request, m)


def _campaign(request, pk):
    return get_object_or_404(
        scoping.restrict(
            Campaign.objects.select_related("project", "investment", "leader"), request.user
        ),
        pk=pk,
    )


@login_required
def dashboard(request):
    as_of = _as_of(request)
    campaigns = list(
        scoping.restrict(Campaign.objects.select_related("project", "leader"), request.user)
    )
    rows = [(c, selectors.campaign_progress(c, as_of=as_of)) for c in campaigns]
    return render(
        request,
        "land/dashboard.html",
        {"town": selectors.town_progress(request.user, as_of=as_of), "rows": rows, "as_of": as_of},
    )


@login_required
def campaign_progress(request, pk):
    campaign = _campaign(request, pk)
    as_of = _as_of(request)
    return render(
        request,
        "land/campaign_progress.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, as_of=as_of),
            "schedule": selectors.campaign_schedule(campaign, as_of=as_of),
            "disputes": scoping.restrict(
                Dispute.objects.filter(household__campaign=campaign, status="open"), request.user
            ).select_related("household")[:50],
            "as_of": as_of,
            "can_change": scoping.can(request.user, scoping.CHANGE, campaign),
        },
    )


@login_required
def campaign_board(request, pk):
    campaign = _campaign(request, pk)
    as_of = _as_of(request)
    return render(
        request,
        "land/board.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, as_of=as_of),
            "groups": selectors.board(campaign, request.user),
            "stages": selectors.STAGE_ORDER,
            "as_of": as_of,
        },
    )


@login_required
@require_POST
def step_edit(request, pk):
    step = get_object_or_404(
        scoping.restrict(CampaignStep.objects.all(), request.user, scoping.CHANGE), pk=pk
    )
    form = StepForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.step_update(
                step, data=data, acting_user=request.user, expected_version=version
            )
            messages.success(request, f"已保存「{step.get_key_display()}」")
        except StaleEdit as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else field}：{e}"
                )
    return HttpResponseRedirect(
        reverse("land:campaign_progress", args=[step.campaign_id]) + "#schedule"
    )


def _household(request, pk, action=scoping.VIEW):
    return get_object_or_404(
        scoping.restrict(
            Household.objects.select_related("campaign", "village", "cadre"), request.user, action
        ),
        pk=pk,
    )


@login_required
def household_file(request, pk):
    """一户一档: the household's facts, compensation, stage timeline, disputes and contacts,
    documents and photos, on one printable page."""
    h = _household(request, pk)
    disputes = list(
        Dispute.objects.filter(household=h).prefetch_related("contacts").order_by("raised_on")
    )
    see = may_see_personal(request.user)
    timeline = [
        {"label": label, "date": getattr(h, f), "key": key} for key, label, f in rules.STAGES
    ]
    return render(
        request,
        "land/household_file.html",
        {
            "h": h,
            "timeline": timeline,
            "disputes": disputes,
            "computed": h.computed_house_comp,
            "next_stage": rules.next_stage(h.stage),
            "next_label": rules.STAGE_LABELS.get(rules.next_stage(h.stage) or "", ""),
            "can_change": scoping.can(request.user, scoping.CHANGE, h),
            "today": asof.today(),
            "head_id": h.head_id if see else mask(h.head_id, "id"),
            "phone": h.phone if see else mask(h.phone, "phone"),
            "attachments": scoping.restrict(core_services.attachments_for(h), request.user),
            "can_comment": scoping.can_comment(request.user, h),
        },
    )


@login_required
@require_POST
def household_advance(request, pk):
    h = _household(request, pk, scoping.CHANGE)
    form = AdvanceForm(request.POST)
    back = safe_next(request, reverse("land:household_file", args=[h.pk]))
    if not form.is_valid():
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[field].label}：{e}")
        return HttpResponseRedirect(back)
    try:
        services.household_advance(
            h,
            stage=form.cleaned_data["stage"],
            on=form.cleaned_data["on"],
            acting_user=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
        messages.success(
            request, f"{h.head_name}：已进入「{rules.STAGE_LABELS[form.cleaned_data['stage']]}」"
        )
    except StaleEdit as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(back)


@login_required
@require_POST
def dispute_contact(request, pk):
    dispute = get_object_or_404(
        scoping.restrict(Dispute.objects.all(), request.user, scoping.CHANGE), pk=pk
    )
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(dispute=dispute, data=form.cleaned_data, acting_user=request.user)
            messages.success(request, "已登记接谈记录")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[field].label}：{e}")
    return HttpResponseRedirect(safe_next(request, dispute.get_absolute_url()))


# --- map -------------------------------------------------------------------------------------
@login_required
def campaign_map(request, pk):
    campaign = _campaign(request, pk)
    layer = scoping.restrict(MapLayer.objects.all(), request.user).first()
    return render(
        request,
        "land/map.html",
        {
            "campaign": campaign,
            "layer": layer,
            "data_url": reverse("land:campaign_map_data", args=[campaign.pk]),
            "can_upload": scoping.can_write_model(request.user, MapLayer),
            "upload_form": MapUploadForm(),
            "tile_url": getattr(settings, "LAND_TILE_URL", ""),
        },
    )


@login_required
def campaign_map_data(request, pk):
    """GeoJSON of the outlines and of the campaign's parcels and households the user sees."""
    campaign = _campaign(request, pk)
    layer = scoping.restrict(MapLayer.objects.all(), request.user).first()
    feats = []
    for model, kind, label in ((Parcel, "parcel", "number"), (Household, "household", "head_name")):
        qs = scoping.restrict(
            model.objects.filter(campaign=campaign, lon__isnull=False, lat__isnull=False),
            request.user,
        )
        for obj in qs:
            feats.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(obj.lon), float(obj.lat)]},
                    "properties": {
                        "kind": kind,
                        "label": f"{getattr(obj, label)}",
                        "url": obj.get_absolute_url()
                        if kind == "parcel"
                        else reverse("land:household_file", args=[obj.pk]),
                        "stage": getattr(obj, "stage", ""),
                        "dispute": bool(getattr(obj, "open_dispute", False)),
                    },
                }
            )
    return JsonResponse(
        {
            "outlines": layer.geojson if layer else None,
            "outlines_sample": bool(layer and layer.is_sample),
            "records": {"type": "FeatureCollection", "features": feats},
        }
    )


@login_required
@require_POST
def map_upload(request, pk):
    campaign = _campaign(request, pk)
    if not scoping.can_write_model(request.user, MapLayer):
        raise Http404
    form = MapUploadForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            messages.error(request, "GeoJSON 文件不能超过20MB")
        else:
            try:
                services.map_layer_upload(
                    town=request.user.town,
                    name=form.cleaned_data["name"],
                    content=f.read(),
                    acting_user=request.user,
                )
                messages.success(request, "已上传村界底图")
            except ValidationError as exc:
                _errors(request, exc)
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[field].label}：{e}")
    return HttpResponseRedirect(reverse("land:campaign_map", args=[campaign.pk]))
