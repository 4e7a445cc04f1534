"""The form renderer: Django's form and widget templates in their Jinja2 versions.

Every field on a page is rendered from a template (`django/forms/widgets/select.html`, one
`select_option.html` per option, the label, the errors). Django ships each of those templates
twice, for its own template engine and for Jinja2, producing the same HTML; the Jinja2 ones
compile to Python and render in about half the work (an investment's edit form: 145k → 104k
function calls per page; a list page's filters: 22k → 11k). A template Django ships only for
its own engine (a package's widget, ours) is still found there.
"""

from __future__ import annotations

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self):
        self._jinja2 = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
