from django.contrib import admin

from zhenwu.enterprises.models import Enterprise, MonthlyFigure, PoolSetting, ThresholdRule


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "tier",
        "scope",
        "metric",
        "min_value_wan",
        "effective_from",
        "effective_to",
        "town",
    ]
    list_filter = ["category", "town"]


@admin.register(PoolSetting)
class PoolSettingAdmin(admin.ModelAdmin):
    list_display = ["town", "pool_share", "monthly_deadline_day", "annual_batches"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "industry_code", "village", "entry_status", "town"]
    search_fields = ["name", "uscc"]
    list_filter = ["entry_status", "town"]


@admin.register(MonthlyFigure)
class MonthlyFigureAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "month", "revenue", "main_revenue"]
    raw_id_fields = ["enterprise"]
