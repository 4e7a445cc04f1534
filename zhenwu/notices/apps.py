from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "zhenwu.notices"
    label = "notices"
    verbose_name = _("群机器人")

    def ready(self):
        from zhenwu.core.registry import NavItem, register_nav
        from zhenwu.core.scheduler import register_job
        from zhenwu.notices import services
        from zhenwu.notices.models import may_manage_robots

        # Administrators only: the entry is in the 系统管理 group (shown to town administrators)
        # and says so itself, as the pages answer 404 to everyone else.
        register_nav(
            NavItem(
                "admin",
                _("群机器人"),
                "notices:robot_list",
                "robot",
                70,  # after the modules' settings (50–52); one run of its own in the group
                visible=may_manage_robots,
            )
        )
        # Not one transaction: each robot's post waits up to its timeout, and each delivery
        # is recorded as soon as it is known (so a later failure cannot make it be sent twice).
        register_job(
            "notices.daily_digest",
            "向群机器人推送每日督办提醒",
            services.send_due_digests,
            atomic=False,
        )
