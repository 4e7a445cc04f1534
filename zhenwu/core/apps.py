from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhenwu.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self):
        from zhenwu.core import changelog, workcalendar  # noqa: F401  (signal receivers)
        from zhenwu.core.calendar_db import load_overrides

        workcalendar.set_override_loader(load_overrides, ttl=60)
        from zhenwu.core.calendar_db import connect

        connect()
        from zhenwu.core.middleware import connect_session_stamp

        connect_session_stamp()
        from zhenwu.core import textrules

        textrules.connect()
