"""Django admin for superusers (operations). Writes here are logged like any other
(the ActorMiddleware marks them as coming from the admin)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhenwu.core.models import (
    ChoiceSynonym,
    Department,
    HolidayOverride,
    ObjectChange,
    Town,
    User,
    Village,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "town", "is_active")
    list_filter = ("role", "town", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "镇务",
            {
                "fields": (
                    "full_name",
                    "role",
                    "town",
                    "phone",
                    "title",
                    "departments",
                    "villages",
                    "can_see_personal_numbers",
                )
            },
        ),
    )


admin.site.register(Town)
admin.site.register(HolidayOverride)


@admin.register(Village, Department)
class TownScopedAdmin(admin.ModelAdmin):
    list_display = ("__str__", "town", "is_deleted")
    list_filter = ("town", "is_deleted")

    def get_queryset(self, request):
        return self.model.all_objects.all()


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    list_display = ("time", "user_name", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "source", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChoiceSynonym)
class ChoiceSynonymAdmin(admin.ModelAdmin):
    list_display = ("model", "field", "word", "value")
    list_filter = ("model", "field")
    search_fields = ("word", "value")
