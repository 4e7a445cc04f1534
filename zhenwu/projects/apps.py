from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhenwu.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self):
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from zhenwu.projects import resources  # noqa: F401  (ledgers and resources registries)
