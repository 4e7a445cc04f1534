from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "zhenwu.plan"
    label = "plan"
    verbose_name = _("工作计划")

    def ready(self):
        from zhenwu.core.scheduler import register_job
        from zhenwu.plan import services
        from zhenwu.plan.indicators import autodiscover

        autodiscover()
        register_job("plan.freeze_months", "冻结已结束月份的指标状态", services.freeze_due_months)
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from zhenwu.plan import ledgers, resources  # noqa: F401  (ledgers and resources registries)
