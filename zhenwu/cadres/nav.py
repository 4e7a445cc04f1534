from django.utils.translation import gettext_lazy as _

from zhenwu.core.registry import NavItem, register_nav

register_nav(NavItem("cadres", _("干部责任清单"), "cadres:cadre_list", "person-badge", 80))
