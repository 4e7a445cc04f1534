from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhenwu.core"
    label = "core"
    verbose_name = _("基础平台")

    def ready(self):
        from django.apps import apps

        from zhenwu.core.labels import install_choice_display

        install_choice_display(m for m in apps.get_models() if m.__module__.startswith("zhenwu."))
        from zhenwu.core import changelog, people, workcalendar  # noqa: F401  (signal receivers)
        from zhenwu.core.calendar_db import load_local_overrides, load_overrides

        workcalendar.set_override_loader(load_overrides, ttl=60)
        workcalendar.set_local_override_loader(load_local_overrides)
        from zhenwu.core.calendar_db import connect

        connect()
        from zhenwu.core.middleware import connect_session_stamp

        connect_session_stamp()
        from zhenwu.core import textrules

        textrules.connect()
        # The registries (`zhenwu import --help`, pages, API) fill here, whatever the door.
        from zhenwu.core import resources  # noqa: F401  (ledgers and resources registries)
