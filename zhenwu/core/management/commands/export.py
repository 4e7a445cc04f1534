"""zhenwu export LEDGER FILE [--user NAME] — the same columns the import reads (.xlsx or .csv)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenwu.core.ledgers import all_ledgers, export_bytes, get_ledger
from zhenwu.core.management.commands._cli import resolve_user


class Command(BaseCommand):
    help = "导出台账为 .xlsx 或 .csv（按文件扩展名），导出的文件可原样再导入。"

    def add_arguments(self, parser):
        parser.add_argument("ledger", help="台账名：" + "、".join(sorted(all_ledgers())))
        parser.add_argument("file")
        parser.add_argument(
            "--user", default=None, help="以哪个用户的权限导出（默认：第一个管理员）"
        )

    def handle(self, *args, **opts):
        ledger_cls = get_ledger(opts["ledger"])
        if ledger_cls is None:
            raise CommandError(
                f"未知台账「{opts['ledger']}」。可用：{'、'.join(sorted(all_ledgers()))}"
            )
        user = resolve_user(opts["user"])
        ledger = ledger_cls()
        path = Path(opts["file"])
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        content, _, _ = export_bytes(ledger, ledger.queryset(user), user, fmt)
        path.write_bytes(content)
        self.stdout.write(f"已导出到 {path}")
