from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "zhenwu.inspections"
    label = "inspections"
    verbose_name = _("人居环境")

    def ready(self):
        from zhenwu.core.scheduler import register_job
        from zhenwu.inspections import resources, services  # noqa: F401

        register_job(
            "inspections.escalate_overdue",
            "人居环境：逾期未整改的问题上报分管领导",
            services.escalate_overdue,
        )
