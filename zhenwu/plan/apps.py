from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "zhenwu.plan"
    label = "plan"
    verbose_name = "工作计划"

    def ready(self):
        from zhenwu.plan.indicators import autodiscover

        autodiscover()
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from zhenwu.plan import ledgers, resources  # noqa: F401  (ledgers and resources registries)
