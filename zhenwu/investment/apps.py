from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "zhenwu.investment"
    label = "investment"
    verbose_name = _("招商引资")

    def ready(self):
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from zhenwu.investment import ledgers, resources  # noqa: F401  (ledgers and resources registries)
