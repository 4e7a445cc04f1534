from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from zhenwu.core.registry import nav_items, plain_url

GROUP_LABELS = {
    "plan": _("工作计划"),
    "economy": _("工业强镇"),
    "brand": _("特色品牌"),
    "rural": _("乡村振兴"),
    "agri": _("农业农村"),
    "cadres": _("干部队伍"),
    "base": _("基础数据"),
    "admin": _("系统管理"),
}
GROUP_ORDER = list(GROUP_LABELS)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.urls import NoReverseMatch

    groups: dict[str, list] = {}
    topbar: list[dict] = []
    path = request.path
    from zhenwu.core.homes import menu_modules

    modules = menu_modules(user)
    for item in nav_items():
        if item.group == "admin" and not user.is_town_admin:
            continue
        if modules is not None and item.url_name.split(":")[0] not in modules:
            continue  # the menu shows what the role uses (core/homes.py: menu_modules)
        if item.visible is not None and not item.visible(user):
            continue  # an action page this user may not open (it would answer 404)
        try:
            url = plain_url(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": False}
        if item.badge is not None:
            # Counted only if a template shows it (one query or two, once per page).
            entry["count"] = SimpleLazyObject(lambda badge=item.badge: badge(user))
        groups.setdefault(item.group, []).append(entry)
        if item.topbar:
            topbar.append(entry)
    # Highlight the one entry whose URL is the longest prefix of the current path.
    entries = [e for items in groups.values() for e in items]
    matching = [
        e for e in entries if path == e["url"] or (e["url"] != "/" and path.startswith(e["url"]))
    ]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    ordered = sorted(
        groups.items(), key=lambda kv: GROUP_ORDER.index(kv[0]) if kv[0] in GROUP_ORDER else 99
    )
    return {
        "nav_groups": [{"label": GROUP_LABELS.get(k, k), "items": v} for k, v in ordered],
        "current_town": user.town,
        "topbar_items": topbar,
    }
