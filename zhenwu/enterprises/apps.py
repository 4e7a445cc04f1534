from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "zhenwu.enterprises"
    label = "enterprises"
    verbose_name = _("企业培育")

    def ready(self):
        # Registers the resources and the ledgers (`zhenwu import enterprises|monthly-figures`)
        # and the rule-cache invalidation, whichever door the process came in by.
        from django.db.models.signals import post_save

        from zhenwu.enterprises import ledgers, resources  # noqa: F401  (registries)

        post_save.connect(_seed_town, sender="core.Town", dispatch_uid="enterprises-seed-town")


def _seed_town(sender, instance, created, raw=False, **kwargs):
    """A new town starts with the default rule table (setup rows come from town creation,
    never from a page view)."""
    if created and not raw:
        from zhenwu.enterprises.selectors import seed_rules

        seed_rules(instance)
