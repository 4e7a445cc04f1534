from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhenwu.projects"
    label = "projects"
    verbose_name = _("重点项目")

    def ready(self):
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from django.db.models.signals import post_save

        from zhenwu.projects import resources  # noqa: F401  (ledgers and resources registries)

        post_save.connect(_seed_town, sender="core.Town", dispatch_uid="projects-seed-town")


def _seed_town(sender, instance, created, raw=False, **kwargs):
    """A new town starts with the default project categories (not created by a page view)."""
    if created and not raw:
        from zhenwu.core.actor import Source, acting_as
        from zhenwu.projects.services import ensure_categories

        with acting_as(None, Source.SYSTEM):
            ensure_categories(instance)
