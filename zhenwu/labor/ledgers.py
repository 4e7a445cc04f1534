"""`zhenwu import workers`: the 人社 office's roster of workers, through the platform's Ledger
(one write path: parse every cell, all or nothing, bulk create + change log).

Rosters as kept today: title rows above the header, a 序号 column, 身份证号码 as text or as a
number Excel has mangled (4.21081E+17 → an error naming the row and column, never a guess),
15-digit old IDs (converted to 18), village names with or without 村, skill levels in either
naming (初级工 / 五级). A worker is matched by resident ID: re-importing the same file creates
and updates nothing; the same ID twice in one file is an error on the later row; an ID already
registered to another name is an error."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from zhenwu.core import scoping
from zhenwu.core.idnumbers import mask_resident_id
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import MASK_CHAR, Column, Ledger, MaskedValue, register_ledger
from zhenwu.labor import rules
from zhenwu.labor.models import Sex, Trade, Worker


def _trade_lookup(ledger, column, user, text):
    cache = ledger.__dict__.get("_trades")
    if cache is None:
        cache = {t.name: t for t in Trade.objects.filter(is_active=True)}
        ledger._trades = cache
    name = text.strip()
    obj = cache.get(name) or cache.get(name + "工") or cache.get(name.removesuffix("工"))
    if obj is None:
        raise p.CellError(
            f"找不到工种「{text}」。可选：{'、'.join(cache)}（管理员可在后台「工种」中增加）"
        )
    return obj


def _parse_id(value):
    """The ID cell: text, or a number (15-digit old IDs survive as numbers; 18-digit ones
    do not). Masked exports pass through (they keep the stored number)."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip() or value.strip() in p.BLANK_TOKENS:
            return None
        if MASK_CHAR in value:
            return value.strip()
    check = rules.check_resident_id(value)
    if check.errors and rules.excel_mangled(value) is not None:
        raise p.CellError(check.errors[0])
    if not check.valid:
        raise p.CellError("；".join(check.errors))
    return check.normalized


@register_ledger
class WorkerLedger(Ledger):
    key = "workers"
    model = Worker
    title = "务工人员名册"
    match_on = ("resident_id",)
    columns = [
        Column("name", "姓名", required=True, synonyms=("人员姓名", "学员姓名", "劳动者姓名")),
        Column(
            "resident_id",
            "身份证号码",
            kind="resident_id",
            required=True,
            synonyms=("身份证号", "公民身份号码", "身份证", "证件号码", "身份证件号码"),
            help_text="请将该列设为文本格式，否则Excel会把号码变成科学计数法",
        ),
        Column(
            "sex",
            "性别",
            kind="choice",
            synonyms_map={"男性": "M", "女性": "F"},
            help_text="可不填：按身份证号码自动判断；填写时须与号码一致",
        ),
        Column(
            "birth_date",
            "出生日期",
            kind="date",
            synonyms=("出生年月日",),
            help_text="可不填：按身份证号码自动判断",
        ),
        Column(
            "village",
            "所在村（社区）",
            kind="fk",
            synonyms=("村（社区）", "所属村", "村", "村别", "户籍村"),
        ),
        Column("phone", "联系电话", kind="phone", synonyms=("手机", "手机号", "电话", "手机号码")),
        Column(
            "trade", "工种", kind="fk", lookup=_trade_lookup, synonyms=("从事工种", "职业（工种）")
        ),
        Column(
            "skill_level",
            "技能等级",
            kind="choice",
            synonyms=("等级", "职业技能等级", "技术等级"),
            synonyms_map=rules.SKILL_LEVEL_SYNONYMS,
        ),
        Column(
            "employment_status",
            "就业状态",
            kind="choice",
            synonyms=("是否就业", "就业情况"),
            synonyms_map={
                "已就业": "employed",
                "就业": "employed",
                "务工": "employed",
                "在岗": "employed",
                "未就业": "seeking",
                "待业": "seeking",
                "待岗": "seeking",
                "创业": "self",
            },
        ),
        Column("employer", "当前用工单位", synonyms=("用工单位", "就业单位", "务工单位")),
        Column("work_place", "务工地点", synonyms=("就业地点", "务工地")),
        Column(
            "destination",
            "务工地类别",
            kind="choice",
            synonyms=("就业地域", "务工区域", "转移就业类别"),
            synonyms_map=rules.DESTINATION_SYNONYMS,
        ),
        Column(
            "income_band",
            "月收入",
            kind="choice",
            synonyms=("月收入区间", "月均收入", "月工资"),
            synonyms_map={
                "3000以下": "lt3000",
                "3000-5000": "3000_5000",
                "5000-8000": "5000_8000",
                "8000-12000": "8000_12000",
                "12000以上": "ge12000",
            },
        ),
        Column("note", "备注", synonyms=("说明",)),
    ]

    _parsed_fields = frozenset(
        ("name", "resident_id", "village", "trade", "skill_level", "employment_status",
         "employer", "work_place", "destination", "income_band", "note")
    )  # fmt: skip

    clean_exclude = ("town", *_parsed_fields)

    def _parser_for(self, c):
        if c.key == "resident_id":
            return _parse_id
        return super()._parser_for(c)

    def convert(self, c, value, user, report, row_no):
        if c.kind == "resident_id":
            if MASK_CHAR in str(value):
                return super().convert(c, value, user, report, row_no)
            return value  # checked (and 15 → 18) by _parse_id
        return super().convert(c, value, user, report, row_no)

    def plan_writes(self, parsed, user, report):
        # An ID registered in this town but outside the user's scope (another village's
        # worker, for a village cadre) must not look new: say so without naming anyone.
        town_ids = dict(
            Worker.objects.filter(town_id=user.town_id).values_list("resident_id", "name")
        )
        visible = {
            w
            for w in scoping.restrict(Worker.objects.all(), user).values_list(
                "resident_id", flat=True
            )
        }
        masked_index = None
        kept = []
        for row_no, values in parsed:
            rid = values.get("resident_id")
            if isinstance(rid, MaskedValue):
                # A re-imported export of a user who may not see IDs: the masked ID and the
                # name must point at exactly one worker the user sees (then it is that one).
                if masked_index is None:
                    masked_index = {}
                    for pk_id, name in scoping.restrict(Worker.objects.all(), user).values_list(
                        "resident_id", "name"
                    ):
                        key = (mask_resident_id(pk_id), name)
                        masked_index[key] = None if key in masked_index else pk_id
                full = masked_index.get((mask_resident_id(rid), (values.get("name") or "").strip()))
                if full is None:
                    report.error(
                        row_no,
                        "身份证号码",
                        "打码的身份证号码无法对应到唯一的已登记人员，请填写完整号码",
                    )
                    continue
                values["resident_id"] = full
            for derived in ("sex", "birth_date"):  # blank: follows the ID
                if values.get(derived) is None:
                    values.pop(derived, None)
            rid = values.get("resident_id")
            if (
                isinstance(rid, str)
                and MASK_CHAR not in rid
                and rid in town_ids
                and rid not in visible
            ):
                report.error(
                    row_no,
                    "身份证号码",
                    f"身份证号码 {mask_resident_id(rid)} 已在本镇登记（不在您的管辖范围），请联系镇人社服务中心",
                )
                continue
            kept.append((row_no, values))
        return super().plan_writes(kept, user, report)

    def validate(self, obj, values, user):
        errors: dict[str, list[str]] = {}
        file_name = values.get("name")
        # the name the matched worker was loaded with (no query per row)
        stored = getattr(obj, "_loaded_values", {}).get("name") if obj.pk else None
        if stored is not None and file_name and file_name.strip() != stored:
            errors["resident_id"] = [
                f"身份证号码 {obj.resident_id} 已登记为「{stored}」，与本行姓名「{file_name}」不符"
            ]
            obj.name = stored
        rid = obj.resident_id
        derived_sex = rules.derive_sex(rid) if rid else None
        if values.get("sex") and derived_sex and values["sex"] != derived_sex:
            errors["sex"] = [
                f"性别「{Sex(values['sex']).label}」与身份证号码不符（号码显示为{Sex(derived_sex).label}）"
            ]
        derived_birth = rules.derive_birth_date(rid) if rid else None
        if values.get("birth_date") and derived_birth and values["birth_date"] != derived_birth:
            errors["birth_date"] = [
                f"出生日期 {values['birth_date']} 与身份证号码不符（号码显示为 {derived_birth}）"
            ]
        if derived_sex:
            obj.sex = derived_sex
        if derived_birth:
            obj.birth_date = derived_birth
        obj._matched_by_ledger = True
        # The cells were checked by their parsers (lengths, choices, dates, the ID, NUL) and
        # village and trade come from the lookups (rows of the user's scope): only the fields
        # the file does not fill are field-checked (`clean_exclude`); the model's rules all run.
        for k, msgs in self.cleaner.clean(obj).items():
            k = k or "__all__"
            if k == "resident_id" and "resident_id" in errors:
                continue
            errors.setdefault(k, []).extend(msgs)
        if errors:
            raise ValidationError(errors)
