"""zhenwu document bulletin --month YYYY-MM -o FILE.docx
   zhenwu document dispatch --week YYYY-MM-DD -o FILE.docx

The monthly 人居环境整治 通报 and the weekly 工作调度简报 from live data (DESIGN.md), laid out
by GB/T 9704-2012. Options: --town CODE (the town's 12-digit code, needed when the deployment
has several towns), --date YYYY-MM-DD (成文日期, default today), --number 代字〔2025〕N号 (the
发文字号 the office's register gave; without it the document carries none). A document that
cannot be issued (a month without inspections, a bad argument) exits with status 1 and a
Chinese message on stderr; nothing is written then."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenwu.core.models import Town
from zhenwu.reports import documents
from zhenwu.reports.gbt9704 import DocNumberError, parse_doc_number


def resolve_town(code: str | None) -> Town:
    towns = Town.objects.order_by("code")
    if code:
        town = towns.filter(code=code.strip()).first()
        if town is None:
            raise CommandError(f"找不到行政区划代码为「{code}」的乡镇")
        return town
    found = list(towns[:2])
    if not found:
        raise CommandError("还没有乡镇：请先运行 `zhenwu demo` 或在后台添加乡镇。")
    if len(found) > 1:
        names = "、".join(f"{t.name}（{t.code}）" for t in towns)
        raise CommandError(f"本系统有多个乡镇，请用 --town 指定行政区划代码：{names}")
    return found[0]


class Command(BaseCommand):
    help = "生成公文（.docx，GB/T 9704-2012）：bulletin 月度人居环境整治评比通报，dispatch 周工作调度简报。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="bulletin|dispatch")
        for name, helptext, arg, arghelp in (
            ("bulletin", "月度人居环境整治评比通报", "--month", "月份 YYYY-MM"),
            ("dispatch", "周工作调度简报", "--week", "该周内任一日期 YYYY-MM-DD"),
        ):
            p = sub.add_parser(name, help=helptext)
            p.add_argument(arg, required=True, help=arghelp)
            p.add_argument("-o", "--output", required=True, help="输出文件 FILE.docx")
            p.add_argument("--town", default=None, help="乡镇行政区划代码（多个乡镇时必填）")
            p.add_argument("--date", default=None, help="成文日期 YYYY-MM-DD（默认今天）")
            p.add_argument(
                "--number",
                default=None,
                help="发文字号，如 南人居办〔2025〕3号（按发文登记填写；不填则不印发文字号）",
            )

    def handle(self, *args, **opts):
        try:
            # the arguments first: a mistyped one is named whatever the database holds
            if opts["kind"] == "bulletin":
                month = documents.parse_month(opts["month"])
            else:
                day = documents.parse_day(opts["week"], "调度周")
            issued_on = documents.parse_day(opts["date"], "成文日期")
            number = (opts["number"] or "").strip() or None
            if number is not None:
                parse_doc_number(number)
            town = resolve_town(opts["town"])
            if opts["kind"] == "bulletin":
                data = documents.bulletin_data(town, month)
                content = documents.render_bulletin(data, issued_on=issued_on, doc_number=number)
            else:
                data = documents.dispatch_data(town, day)
                content = documents.render_dispatch(data, issued_on=issued_on, doc_number=number)
        except (documents.DocumentRefused, DocNumberError) as exc:
            raise CommandError(str(exc)) from None
        path = Path(opts["output"])
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入「{path}」：{exc.strerror or exc}") from None
        self.stdout.write(f"已生成 {path}")
        if number is None:
            self.stdout.write("未指定发文字号（--number）：文件不含发文字号，请按发文登记补填。")
