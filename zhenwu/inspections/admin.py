from django.contrib import admin

from zhenwu.inspections.models import Checklist, ChecklistItem, ChecklistSection


class SectionInline(admin.TabularInline):
    model = ChecklistSection
    fields = ["name", "points", "order"]
    extra = 0


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = [
        "code",
        "name",
        "deduction",
        "cap",
        "zeroes_section",
        "photo_required",
        "deadline_days",
        "order",
    ]
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    """评分细则: administrators edit the default sheet or add a new edition (版次)."""

    list_display = ["name", "edition", "is_active", "flag_scheme", "town"]
    inlines = [SectionInline]


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(admin.ModelAdmin):
    list_display = ["name", "points", "checklist"]
    inlines = [ItemInline]
