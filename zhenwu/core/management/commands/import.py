"""zhenwu import LEDGER FILE [--dry-run] [--json] [--user NAME]

Imports a .xlsx/.csv ledger, all or nothing. With --json the report is one JSON object:
{"ok", "rows", "created", "updated", "errors": [{"row", "column", "message"}],
 "warnings": [same shape]}; exit 0 only when ok (warnings never block: a person kept as text,
 a row matched to an existing record by name, an unrecognised column …).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenwu.core.ledgers import all_ledgers, get_ledger
from zhenwu.core.management.commands._cli import resolve_user


class Command(BaseCommand):
    help = "导入台账（.xlsx 或 .csv），全部通过检查才写入。"

    def add_arguments(self, parser):
        parser.add_argument("ledger", help="台账名：" + "、".join(sorted(all_ledgers())))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")
        parser.add_argument(
            "--user", default=None, help="以哪个用户的身份导入（默认：第一个管理员）"
        )

    def handle(self, *args, **opts):
        ledger_cls = get_ledger(opts["ledger"])
        path = Path(opts["file"])
        report = None
        if ledger_cls is None:
            message = f"未知台账「{opts['ledger']}」。可用：{'、'.join(sorted(all_ledgers()))}"
        elif not path.is_file():
            message = f"找不到文件：{path}"
        else:
            message = None
            user = resolve_user(opts["user"])
            with path.open("rb") as fh:
                report = ledger_cls().run(fh, path.name, user=user, dry_run=opts["dry_run"])
        if report is None:
            if opts["json"]:
                payload = {"ok": False, "rows": 0, "created": 0, "updated": 0,
                           "errors": [{"row": 0, "column": "", "message": message}],
                           "warnings": []}  # fmt: skip
                self.stdout.write(json.dumps(payload, ensure_ascii=False))
                sys.exit(1)
            raise CommandError(message)
        if opts["json"]:
            data = report.as_json()
            for e in (*data["errors"], *data["warnings"]):
                e["row"] = e["row"] or 0
                e["column"] = e["column"] or ""
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            for w in report.warnings:
                self.stderr.write(f"提示：{_where(w)}{w.message}")
            for e in report.errors:
                self.stderr.write(f"错误：{_where(e)}{e.message}")
            verb = "检查" if opts["dry_run"] else "导入"
            if report.ok:
                self.stdout.write(
                    f"{verb}成功：共 {report.rows} 行，新增 {report.created}，更新 {report.updated}。"
                )
            else:
                self.stdout.write(f"{verb}失败：{len(report.errors)} 处错误，未写入任何数据。")
        if not report.ok:
            sys.exit(1)


def _where(item) -> str:
    where = "，".join(
        x
        for x in (
            f"第{item.row}行" if item.row else "",
            f"「{item.column}」列" if item.column else "",
        )
        if x
    )
    return f"{where}：" if where else ""
