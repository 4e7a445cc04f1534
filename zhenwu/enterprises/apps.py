from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhenwu.enterprises"
    label = "enterprises"
    verbose_name = "企业培育"

    def ready(self):
        # Registers the resources and the ledgers (`zhenwu import enterprises|monthly-figures`)
        # and the rule-cache invalidation, whichever door the process came in by.
        from zhenwu.enterprises import ledgers, resources  # noqa: F401  (registries)
