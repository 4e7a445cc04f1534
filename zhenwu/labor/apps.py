from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaborConfig(AppConfig):
    name = "zhenwu.labor"
    label = "labor"
    verbose_name = _("劳务品牌")

    def ready(self):
        # Registers the resources and the ledger (`zhenwu import workers`) whichever door the
        # process came in by.
        from zhenwu.labor import ledgers, resources  # noqa: F401
