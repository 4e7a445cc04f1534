from django.contrib import admin

from zhenwu.land.models import HousePrice, LandPriceZone


@admin.register(LandPriceZone)
class LandPriceZoneAdmin(admin.ModelAdmin):
    list_display = ["zone_code", "grade", "price_yuan_per_mu", "effective_from", "doc_no", "town"]


@admin.register(HousePrice)
class HousePriceAdmin(admin.ModelAdmin):
    list_display = ["structure", "price_yuan_per_m2", "effective_from", "doc_no", "town"]
