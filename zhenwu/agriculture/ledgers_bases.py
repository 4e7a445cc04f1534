"""`zhenwu import bases`: the agriculture office's 农业基地台账, through the platform's Ledger
(one write path: parse every cell, all or nothing, bulk create + change log).

A base is matched by name: re-importing the same file creates and updates nothing. Crops are
the town's own list (作物品种); an unknown crop is an error naming the cell and the choices,
so that a typo does not become a new crop. Areas accept 亩, 平方米 or 公顷; investment 万元
or 元. A base larger than its village's farmland on record imports with the warning stored."""

from __future__ import annotations

from zhenwu.agriculture.models import Base, Crop, OperatorKind
from zhenwu.core import scoping
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger


def _crop_lookup(ledger, column, user, text):
    cache = ledger.__dict__.get("_crops")
    if cache is None:
        cache = {c.name: c for c in scoping.restrict(Crop.objects.all(), user)}
        ledger._crops = cache
    obj = cache.get(text.strip())
    if obj is None:
        raise p.CellError(
            f"找不到作物/产品「{text}」。可选：{'、'.join(cache) or '（无）'}"
            "（可在「作物品种」页面中增加）"
        )
    return obj


@register_ledger
class BaseLedger(Ledger):
    key = "bases"
    model = Base
    title = "农业基地台账"
    match_on = ("name",)
    columns = [
        Column("name", "基地名称", required=True, synonyms=("基地", "名称")),
        Column(
            "crop",
            "作物/产品",
            kind="fk",
            required=True,
            lookup=_crop_lookup,
            synonyms=("作物", "产品", "品种", "主导产业", "种养品种"),
        ),
        Column("planting_mode", "种养模式", synonyms=("种植模式", "模式")),
        Column(
            "area_mu",
            "基地面积（亩）",
            kind="area",
            required=True,
            synonyms=("面积", "面积（亩）", "基地面积", "规模（亩）"),
        ),
        Column("village", "所在村（社区）", kind="fk", synonyms=("村（社区）", "所在村", "村")),
        Column(
            "operator_kind",
            "经营主体类型",
            kind="choice",
            synonyms=("主体类型",),
            synonyms_map={
                "公司": OperatorKind.ENTERPRISE,
                "合作社": OperatorKind.COOPERATIVE,
                "农户": OperatorKind.HOUSEHOLD,
                "大户": OperatorKind.HOUSEHOLD,
                "种养大户": OperatorKind.HOUSEHOLD,
                "村集体": OperatorKind.COLLECTIVE,
            },
        ),
        Column("enterprise", "经营企业", kind="fk", synonyms=("企业名称",)),
        Column("operator_name", "经营主体名称", synonyms=("经营主体", "经营者", "负责人")),
        Column("start_year", "建设年份", kind="int", synonyms=("建设年度", "始建年份")),
        Column(
            "investment",
            "累计投资（万元）",
            kind="amount",
            synonyms=("投资", "投资（万元）", "总投资", "累计投资"),
        ),
        Column("lat", "纬度", kind="decimal"),
        Column("lng", "经度", kind="decimal"),
        Column("note", "备注", synonyms=("说明",)),
        Column("warning", "提醒", export_only=True),
    ]

    def validate(self, obj, values, user):
        # the farmland of a village is summed once per import, not once per base
        obj._farmland_by_village = self.__dict__.setdefault("_farmland", {})
        super().validate(obj, values, user)
