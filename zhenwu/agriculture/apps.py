from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgricultureConfig(AppConfig):
    """农业农村: 强特色 (agricultural bases and their seasons, `*_bases` files) and 守粮安
    (farmland plots, field-chief patrols, findings rectified through the shared flow, and the
    high-standard farmland project, `*_farmland` files)."""

    name = "zhenwu.agriculture"
    label = "agriculture"
    verbose_name = _("农业农村")

    def ready(self):
        # Registers the resources and ledgers whichever door the process came in by.
        from django.db.models.signals import post_delete, post_save, pre_save

        from zhenwu.agriculture import (
            resources,  # noqa: F401
            services_bases,
        )
        from zhenwu.agriculture.models import Plot

        # A plot's area is the other side of every base's farmland warning: keep them current
        # through every door that writes a plot (services_bases explains why receivers).
        pre_save.connect(services_bases.plot_before_save, sender=Plot, dispatch_uid="base-w-pre")
        post_save.connect(services_bases.plot_after_save, sender=Plot, dispatch_uid="base-w-post")
        post_delete.connect(
            services_bases.plot_after_delete, sender=Plot, dispatch_uid="base-w-delete"
        )
