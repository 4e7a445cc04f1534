"""Every 强特色 model through the shared battery (scoping, change log, stale edits, soft
delete, query counts, export re-import, API)."""

from zhenwu.agriculture.resources_bases import (
    base_resource,
    channel_resource,
    crop_resource,
    season_resource,
)
from zhenwu.agriculture.tests.helpers_bases import channel, crop, make_base, make_season
from zhenwu.core.testing import ResourceBattery


class TestBaseSurface(ResourceBattery):
    resource = base_resource
    api_path = "bases"

    def make(self, world, village):
        return make_base(world, village)

    def form_data(self, world):
        return {
            "name": "新建火龙果基地",
            "crop": crop(world.town, "火龙果").pk,
            "planting_mode": "大棚种植",
            "area_mu": "300",
            "village": world.villages[0].pk,
            "operator_kind": "cooperative",
            "operator_name": "火龙果种植专业合作社",
            "start_year": "2024",
            "investment": "120.5",
        }


class TestSeasonSurface(ResourceBattery):
    resource = season_resource
    api_path = "seasons"

    def make(self, world, village):
        return make_season(make_base(world, village))

    def form_data(self, world):
        base = make_base(world, world.villages[0])
        return {
            "base": base.pk,
            "label": "2025年春茬",
            "planted_area_mu": "80",
            "planting_date": "2025-03-01",
            "harvest_start": "2025-05-10",
            "harvest_end": "2025-06-30",
            "output_amount": "120",
            "output_unit": "t",
            "output_value": "36",
            "sales_channels": [channel(world.town).pk],
            "jobs_created": "12",
        }


class TestCropSurface(ResourceBattery):
    resource = crop_resource
    api_path = "crops"

    def make(self, world, village):
        return crop(village.town, f"作物{village.pk}")

    def form_data(self, world):
        return {"name": "羊肚菌", "order": "1"}


class TestChannelSurface(ResourceBattery):
    resource = channel_resource
    api_path = "sales-channels"

    def make(self, world, village):
        return channel(village.town, f"渠道{village.pk}")

    def form_data(self, world):
        return {"name": "电商", "order": "2"}
