from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhenwu.enterprises"
    label = "enterprises"
    verbose_name = "企业培育"
