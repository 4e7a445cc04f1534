"""zhenwu demo [--password P] — load the Nankou 2025 demo plan (safe to run again)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from zhenwu.core import demo
from zhenwu.core.actor import Source, acting_as


class Command(BaseCommand):
    help = "载入南口镇2025年演示数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="演示账号的密码")

    def handle(self, *args, **opts):
        autodiscover_modules("demo")
        with transaction.atomic(), acting_as(None, Source.SYSTEM):
            ctx = demo.build_platform(opts["password"])
            with acting_as(ctx.admin, Source.SYSTEM):
                for _, name, build in demo.builders():
                    build(ctx)
                    self.stdout.write(f"  · {name}")
        self.stdout.write(
            self.style.SUCCESS(f"已载入演示数据：{ctx.town.name}（{len(ctx.villages)} 个村/社区）")
        )
        self.stdout.write(f"演示账号（密码均为 {opts['password']}）：")
        self.stdout.write(
            "  admin 管理员 · leader 党委书记 · village1…village10 各村干部 · zhaoshang 招商办 · ducha 督查员 · shishou 市级查看"
        )
