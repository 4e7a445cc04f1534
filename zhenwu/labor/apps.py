from django.apps import AppConfig


class LaborConfig(AppConfig):
    name = "zhenwu.labor"
    label = "labor"
    verbose_name = "劳务品牌"

    def ready(self):
        # Registers the resources and the ledger (`zhenwu import workers`) whichever door the
        # process came in by.
        from zhenwu.labor import ledgers, resources  # noqa: F401
