from django.apps import AppConfig


class AgricultureConfig(AppConfig):
    """农业农村: 强特色 (agricultural bases and their seasons, `*_bases` files) and 守粮安
    (farmland plots, field-chief patrols, findings rectified through the shared flow, and the
    high-standard farmland project, `*_farmland` files)."""

    name = "zhenwu.agriculture"
    label = "agriculture"
    verbose_name = "农业农村"

    def ready(self):
        # Registers the resources and ledgers whichever door the process came in by.
        from zhenwu.agriculture import resources  # noqa: F401
