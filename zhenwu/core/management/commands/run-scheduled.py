"""zhenwu run-scheduled [--date YYYY-MM-DD] [--job KEY] — run the time-driven jobs that are due
(idempotent: a second run does nothing). `make run` calls it every minute."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zhenwu.core import scheduler


class Command(BaseCommand):
    help = "运行到期的定时任务（如月末冻结指标状态）；可重复运行，不会重复处理。"

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="按哪一天运行（默认今天），YYYY-MM-DD")
        parser.add_argument("--job", default=None, help="只运行这一项任务")

    def handle(self, *args, **opts):
        today = None
        if opts["date"]:
            try:
                today = date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError(f"日期「{opts['date']}」格式不正确，应为 YYYY-MM-DD") from None
        keys = [j.key for j in scheduler.jobs()]
        if opts["job"] and opts["job"] not in keys:
            raise CommandError(f"未知任务「{opts['job']}」。可用：{'、'.join(keys)}")
        done = scheduler.run_due(today, only=opts["job"])
        labels = {j.key: j.label for j in scheduler.jobs()}
        for key, count in done.items():
            if count or opts["verbosity"] > 1:
                self.stdout.write(f"{labels[key]}（{key}）：{count}")
