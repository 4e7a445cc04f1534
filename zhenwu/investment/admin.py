"""Django admin (superusers): the per-town thresholds of the 招商引资 flags."""

from django.contrib import admin

from zhenwu.investment.models import InvestmentSettings


@admin.register(InvestmentSettings)
class InvestmentSettingsAdmin(admin.ModelAdmin):
    list_display = ("town", "overdue_start_months", "stale_days", "updated_at")
    list_filter = ("town",)
