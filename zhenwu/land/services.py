"""Writes of the land module. Each takes `acting_user`, is atomic, validates with
`full_clean()` (the model rules: areas, stages, compensation, IDs) and lands in the change log."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenwu.core import services
from zhenwu.land import rules
from zhenwu.land.models import (
    Campaign,
    CampaignStep,
    Dispute,
    DisputeContact,
    DisputeStatus,
    Household,
    MapLayer,
)


def _ensure_steps(campaign: Campaign, acting_user) -> None:
    have = set(CampaignStep.objects.filter(campaign=campaign).values_list("key", flat=True))
    for i, step in enumerate(rules.STEPS):
        if step.key not in have:
            services.create_object(
                CampaignStep,
                town=campaign.town,
                data={"campaign": campaign, "key": step.key, "order": i, "duration": step.duration},
                acting_user=acting_user,
            )


@transaction.atomic
def campaign_create(*, town, data: dict, acting_user, m2m: dict | None = None) -> Campaign:
    """A campaign and its statutory steps (default durations, legal floors respected)."""
    campaign = services.create_object(
        Campaign, town=town, data=data, acting_user=acting_user, m2m=m2m
    )
    _ensure_steps(campaign, acting_user)
    return campaign


@transaction.atomic
def campaign_update(
    campaign: Campaign, *, data: dict, acting_user, expected_version=None, m2m=None
):
    campaign = services.update_object(
        campaign, data=data, acting_user=acting_user, expected_version=expected_version, m2m=m2m
    )
    _ensure_steps(campaign, acting_user)
    return campaign


@transaction.atomic
def step_update(step: CampaignStep, *, data: dict, acting_user, expected_version=None):
    allowed = {k: v for k, v in data.items() if k in ("duration", "actual_start", "actual_finish")}
    return services.update_object(
        step, data=allowed, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def household_advance(
    household: Household, *, stage: str, on: date, acting_user, expected_version=None
) -> Household:
    """Move a household to `stage` on `on` (the next stage only: no skipping, no going back;
    签约 only once appraised — the model's rules say why not, naming the field)."""
    expected = rules.next_stage(household.stage)
    if stage not in rules.STAGE_FIELDS:
        raise ValidationError({"stage": f"未知的阶段「{stage}」"})
    if stage != expected:
        label = rules.STAGE_LABELS[stage]
        if expected is None:
            raise ValidationError({"stage": "该户已结算，没有下一阶段"})
        raise ValidationError(
            {
                "stage": f"当前阶段为「{household.get_stage_display()}」，下一阶段应为"
                f"「{rules.STAGE_LABELS[expected]}」，不能直接进入「{label}」"
            }
        )
    if on is None:
        raise ValidationError({rules.STAGE_FIELDS[stage]: "请填写日期"})
    return services.update_object(
        household,
        data={rules.STAGE_FIELDS[stage]: on},
        acting_user=acting_user,
        expected_version=expected_version,
    )


@transaction.atomic
def dispute_create(*, town, data: dict, acting_user) -> Dispute:
    return services.create_object(Dispute, town=town, data=data, acting_user=acting_user)


@transaction.atomic
def contact_add(*, dispute: Dispute, data: dict, acting_user) -> DisputeContact:
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError({"dispute": "该矛盾已化解，不能再登记接谈"})
    return services.create_object(
        DisputeContact,
        town=dispute.town,
        data={**data, "dispute": dispute},
        acting_user=acting_user,
    )


@transaction.atomic
def dispute_resolve(
    dispute: Dispute, *, on: date, resolution: str, acting_user, expected_version=None
):
    return services.update_object(
        dispute,
        data={"status": DisputeStatus.RESOLVED, "resolved_on": on, "resolution": resolution},
        acting_user=acting_user,
        expected_version=expected_version,
    )


@transaction.atomic
def map_layer_upload(*, town, name: str, content: bytes | str, acting_user, is_sample=False):
    """A village-outline GeoJSON: checked (valid JSON, geometry, lon/lat ranges) before
    anything is stored."""
    try:
        data = rules.check_geojson(content)
    except rules.RuleError as exc:
        raise ValidationError({"geojson": exc.message}) from None
    return services.create_object(
        MapLayer,
        town=town,
        data={"name": name or "村界底图", "geojson": data, "is_sample": is_sample},
        acting_user=acting_user,
    )
