from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "zhenwu.cadres"
    label = "cadres"
    verbose_name = _("干部管理")

    def ready(self):
        from zhenwu.cadres import nav  # noqa: F401 - the menu entry
