"""The 招商引资项目台账 Excel ledger: `zhenwu import investments FILE` / `zhenwu export …`.

Beyond the framework's per-cell checks: an amount column must not mix 元 with 万元/亿元 (a
clerk pasting a column from another sheet in 元 would otherwise silently shrink or grow
every figure by 10⁴ — the cells are reported and nothing is stored); a stage may not move
backwards on an existing project; and every row passes the model's own checks (USCC, industry
code, stage dates). New and re-staged projects get their timeline event."""

from __future__ import annotations

from zhenwu.core import asof
from zhenwu.core.actor import current_actor
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.investment import events as events_module
from zhenwu.investment.models import STAGE_ORDER, Investment, Stage

YUAN = "元"


def _stage_rank(stage: str | None) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


@register_ledger
class InvestmentLedger(Ledger):
    key = "investments"
    model = Investment
    title = "招商引资项目台账"
    match_on = ("code",)
    name_key = "name"  # offices number rows (序号) and keep no 项目编号: match by name
    code_prefix = "ZS"
    columns = [
        Column("code", "项目编号", required=True, synonyms=("编号", "项目代码")),
        Column("name", "项目名称", required=True, synonyms=("项目", "招商项目名称", "项目全称")),
        Column(
            "investor_name", "投资方", synonyms=("投资主体", "投资企业", "签约企业", "投资方名称")
        ),
        Column(
            "investor_uscc",
            "投资方统一社会信用代码",
            kind="uscc",
            synonyms=("统一社会信用代码", "信用代码", "社会信用代码"),
        ),
        Column(
            "investor_origin",
            "投资方来源地",
            kind="choice",
            synonyms=("来源地", "投资来源", "资金来源地"),
        ),
        Column("industry_code", "行业代码", synonyms=("国民经济行业代码", "行业分类代码", "行业")),
        Column("industry_chain", "产业链", synonyms=("所属产业链",)),
        Column("project_type", "项目类型", kind="choice", synonyms=("类型", "项目类别")),
        Column("nature", "建设性质", kind="choice", synonyms=("性质",)),
        Column(
            "planned_total_wan",
            "计划总投资（万元）",
            kind="amount",
            unit="万元",
            synonyms=("计划总投资", "总投资", "投资总额", "协议投资额", "计划投资"),
            help_text="增资项目只填增资额",
        ),
        Column(
            "fixed_asset_wan",
            "其中固定资产投资（万元）",
            kind="amount",
            unit="万元",
            synonyms=("固定资产投资", "其中固定资产投资", "固投"),
        ),
        Column(
            "land_mu",
            "用地（亩）",
            kind="area",
            synonyms=("用地面积", "用地", "用地需求", "用地（亩）"),
        ),
        Column("site", "选址", synonyms=("项目选址", "建设地点")),
        Column(
            "village",
            "所在村",
            kind="fk",
            fill_merged=True,
            synonyms=("所在村（社区）", "村（社区）", "村"),
        ),
        Column("leader", "包保领导", kind="fk", synonyms=("包保", "联系领导", "责任领导")),
        Column("department", "责任单位", kind="fk", synonyms=("责任部门", "牵头单位")),
        Column("contact_name", "联系人", synonyms=("项目联系人",)),
        Column("contact_phone", "联系电话", kind="phone", synonyms=("电话", "手机号", "联系方式")),
        Column("source", "招商方式", kind="choice", synonyms=("项目来源", "招商渠道", "来源")),
        Column(
            "stage", "阶段", kind="choice", synonyms=("项目阶段", "进展阶段", "状态", "项目状态")
        ),
        Column("lead_on", "线索日期", kind="date", synonyms=("获取线索时间",)),
        Column("negotiating_on", "在谈日期", kind="date", synonyms=("洽谈时间", "在谈时间")),
        Column("signed_on", "签约时间", kind="date", synonyms=("签约日期",)),
        Column("started_on", "开工时间", kind="date", synonyms=("开工日期", "实际开工时间")),
        Column("completed_on", "竣工投产时间", kind="date", synonyms=("投产时间", "竣工时间")),
        Column("producing_on", "达产时间", kind="date", synonyms=("达产日期",)),
        Column("terminated_on", "终止时间", kind="date"),
        Column("termination_reason", "终止原因"),
        Column("signing_type", "签约类型", kind="choice"),
        Column("signing_event", "签约活动", synonyms=("签约活动名称",)),
        Column("planned_start_on", "计划开工时间", kind="date"),
        Column("planned_production_on", "计划投产时间", kind="date"),
        Column("problems", "问题与诉求", synonyms=("存在问题", "问题及诉求")),
        Column("note", "备注", synonyms=("说明",)),
    ]

    def __init__(self):
        self._last_unit: dict[str, str | None] = {}
        # column key -> [(row, explicit unit or None, raw text)]
        self._units: dict[str, list[tuple[int, str | None]]] = {}
        super().__init__()

    def _parser_for(self, c: Column):
        if c.kind != "amount":
            return super()._parser_for(c)

        def parse(value, c=c):
            amount, unit = p.parse_amount_with_unit(value, c.unit, c.allow_negative)
            self._last_unit[c.key] = unit
            return amount

        return parse

    def cache_cells(self, c):
        return c.kind != "amount"  # the amount parser notes each cell's unit

    def convert(self, c, value, user, report, row_no):
        if c.key == "industry_code":
            from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code

            try:
                return parse_industry_code(str(value)).code
            except IndustryCodeError as exc:
                raise p.CellError(f"行业代码「{value}」无效：{exc}") from None
        if c.kind == "amount":
            self._units.setdefault(c.key, []).append((row_no, self._last_unit.pop(c.key, None)))
        return super().convert(c, value, user, report, row_no)

    def check_mixed_units(self, report) -> None:
        """An amount column whose cells are partly in 元 and partly in 万元/亿元 (written or
        implied by the header) is refused: every cell of the smaller group is reported."""
        for key, cells in self._units.items():
            column = self._column(key)
            yuan = [(row, unit) for row, unit in cells if unit == YUAN]
            wan = [(row, unit) for row, unit in cells if unit != YUAN]
            if not yuan or not wan:
                continue
            minority = yuan if len(yuan) <= len(wan) else wan
            for row, unit in minority:
                shown = unit or f"{column.unit}（未写单位）"
                report.error(
                    row,
                    column.label,
                    f"本列金额单位混用：{len(yuan)}格为「元」，{len(wan)}格为「万元」或未写单位；"
                    f"本格为「{shown}」。请将整列统一为{column.unit}后再导入",
                )

    def plan_writes(self, parsed, user, report):
        self.check_mixed_units(report)
        if not report.ok:
            return []
        return super().plan_writes(parsed, user, report)

    def validate(self, obj, values, user):
        from django.core.exceptions import ValidationError

        if obj.pk is not None:
            before = (getattr(obj, "_loaded_values", None) or {}).get("stage")
            if (
                before
                and obj.stage != before
                and (before == Stage.TERMINATED or _stage_rank(obj.stage) < _stage_rank(before))
            ):
                raise ValidationError(
                    {
                        "stage": f"阶段不能倒退：项目「{obj}」已处于「{Stage(before).label}」，"
                        f"不能改为「{Stage(obj.stage).label}」"
                    }
                )
            obj._import_from_stage = before
        self._default_stage_date(obj)
        super().validate(obj, values, user)

    def _default_stage_date(self, obj) -> None:
        """Offices often leave the current stage's date empty (洽谈中, 在建 …): the import
        dates it today and says so, instead of refusing the row."""
        from zhenwu.investment.models import STAGE_DATE_FIELD

        field_name = STAGE_DATE_FIELD.get(obj.stage)
        if not field_name or obj.stage == Stage.LEAD or getattr(obj, field_name) is not None:
            return
        stored = (getattr(obj, "_loaded_values", None) or {}).get(field_name)
        if stored is not None:  # an empty cell keeps the date already recorded
            setattr(obj, field_name, stored)
            return
        today = asof.today()
        setattr(obj, field_name, today)
        label = self._label_for_field(field_name)
        self.warn_row(
            label,
            f"项目处于「{Stage(obj.stage).label}」阶段但未填写{label}，"
            f"已按导入当天（{today:%Y-%m-%d}）记录，请核实",
        )

    def write(self, plan, report):
        from zhenwu.core.bulk import bulk_save
        from zhenwu.investment.models import InvestmentEvent

        new_ids = {id(obj) for _, obj, _ in plan if obj.pk is None}
        super().write(plan, report)
        user = current_actor().user
        today = asof.today()
        events = []
        for _, obj, changed in plan:
            if id(obj) in new_ids:
                events.append(
                    events_module.investment_imported(
                        obj, user=user, on_date=obj.stage_date or today, save=False
                    )
                )
            elif "stage" in changed:
                events.append(
                    events_module.investment_imported(
                        obj,
                        user=user,
                        on_date=obj.stage_date or today,
                        from_stage=getattr(obj, "_import_from_stage", "") or "",
                        save=False,
                    )
                )
        bulk_save(InvestmentEvent, create=events, acting_user=user)
