"""zhenwu demo [--password P] — load the Nankou 2025 demo plan and a plan for the current year
with records dated relative to today (safe to run again: refreshes the current year's demo
records, never touches what users entered)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from zhenwu.core import demo
from zhenwu.core.actor import Source, acting_as


class Command(BaseCommand):
    help = "载入南口镇2025年演示数据及本年度进行中的演示计划（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="演示账号的密码")
        parser.add_argument(
            "--today",
            default=None,
            help="按哪一天生成本年度演示数据（默认今天，YYYY-MM-DD；用于测试与截图）",
        )

    def handle(self, *args, **opts):
        today = None
        if opts.get("today"):
            try:
                today = date.fromisoformat(opts["today"])
            except ValueError:
                raise CommandError(f"日期「{opts['today']}」格式不正确，应为 YYYY-MM-DD") from None
        autodiscover_modules("demo")
        with transaction.atomic(), acting_as(None, Source.SYSTEM):
            ctx = demo.build_platform(opts["password"], today=today)
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
