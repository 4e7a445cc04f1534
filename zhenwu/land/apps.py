from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "zhenwu.land"
    label = "land"
    verbose_name = _("征地拆迁")

    def ready(self):
        # Registers the resources, the ledgers (`zhenwu import parcels|households`), the
        # indicators and the campaigns' rows on the projects' wall chart.
        from zhenwu.land import indicators, ledgers, resources, wall  # noqa: F401
