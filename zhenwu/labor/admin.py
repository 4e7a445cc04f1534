from django.contrib import admin

from zhenwu.labor.models import Trade, Worker


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin):
    """工种: the module's configurable list (防水工, 保温工 …); add more here."""

    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "trade", "skill_level", "town"]
    search_fields = ["name"]
    list_filter = ["skill_level", "town"]
