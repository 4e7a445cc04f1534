from django.core.management.base import CommandError

from zhenwu.core.models import Role, User


def resolve_user(username: str | None) -> User:
    """The user a command acts as: named, or the first active administrator (the shell is
    trusted; it still goes through the same scoping gate and change log)."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到用户「{username}」")
        return user
    user = (
        User.objects.filter(is_active=True, role=Role.ADMIN, town__isnull=False)
        .order_by("pk")
        .first()
        or User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError("没有可用的管理员账号：请先运行 `zhenwu demo` 或用 --user 指定用户。")
    return user
