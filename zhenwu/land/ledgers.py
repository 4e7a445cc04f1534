"""`zhenwu import parcels` / `zhenwu import households`: the 双征办's 地块台账 and 房屋台账, through
the platform's Ledger (one write path: every cell parsed, all or nothing, bulk write + change
log). The town's files as kept today: title rows above the header, a 序号 column, units in the
headers (面积（亩）/ 面积（平方米）, 金额（元）), IDs as text. Rows match on (征收任务, 编号)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from zhenwu.core import scoping
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, _key_part, register_ledger
from zhenwu.land import rules
from zhenwu.land.models import (
    Campaign,
    CampaignStep,
    Hearing,
    Household,
    HousePrice,
    LandPriceZone,
    Parcel,
    SocialSecurityEntry,
)


def _campaign_lookup(ledger, column, user, text):
    cache = ledger.__dict__.get("_campaigns")
    if cache is None:
        cache = {c.name: c for c in scoping.restrict(Campaign.objects.all(), user)}
        ledger._campaigns = cache
    obj = cache.get(text.strip())
    if obj is None:
        raise p.CellError(f"找不到征收任务「{text}」（请先在「征收任务」中登记）")
    return obj


def _parse_land_type(value):
    if value is None or str(value).strip() in ("", *p.BLANK_TOKENS):
        return None
    if isinstance(value, float) and value.is_integer():
        value = f"{int(value):04d}"
    try:
        return rules.land_type_code(str(value))
    except rules.RuleError as exc:
        raise p.CellError(exc.message) from None


def _yuan(key, label, *syn):
    return Column(key, label, kind="amount", unit="元", synonyms=syn)


class _LandLedger(Ledger):
    """What both ledgers share: rows matched on (征收任务, 编号) in one query by the platform
    (so no per-row uniqueness query), and the price table read once for every row."""

    price_model = None
    price_key = ""

    def price_cache(self, user) -> dict:
        cache = self.__dict__.get("_prices")
        if cache is None:
            cache = {}
            for row in self.price_model.objects.filter(town_id=user.town_id):
                cache.setdefault(getattr(row, self.price_key), []).append(row)
            self._prices = cache
        return cache

    def validate(self, obj, values, user):
        obj._keys_checked = True
        obj._price_cache = self.price_cache(user)
        super().validate(obj, values, user)


COMMON_HEAD = [
    Column(
        "campaign",
        "征收任务",
        kind="fk",
        required=True,
        lookup=_campaign_lookup,
        synonyms=("项目", "项目名称", "征收项目"),
    ),
]


@register_ledger
class ParcelLedger(_LandLedger):
    key = "parcels"
    price_model = LandPriceZone
    price_key = "zone_code"
    model = Parcel
    title = "地块台账"
    match_on = ("campaign", "number")
    columns = [
        *COMMON_HEAD,
        Column("number", "地块编号", required=True, synonyms=("编号", "宗地编号", "地块号")),
        Column(
            "village", "村（社区）", kind="fk", required=True, synonyms=("村", "所属村", "村别")
        ),
        Column("group", "村民小组", synonyms=("组", "小组")),
        Column("contractor_name", "承包户", synonyms=("承包户姓名", "户主", "使用权人")),
        Column(
            "contractor_id",
            "身份证号码",
            kind="resident_id",
            synonyms=("承包户身份证号码", "身份证号", "公民身份号码"),
        ),
        Column("location", "坐落", synonyms=("位置", "四至")),
        Column(
            "area_m2",
            "面积（平方米）",
            kind="decimal",
            synonyms=("面积(平方米)", "面积（㎡）", "面积(㎡)", "平方米"),
        ),
        Column(
            "area_mu", "面积（亩）", kind="decimal", synonyms=("面积(亩)", "亩数", "征收面积（亩）")
        ),
        Column(
            "land_type",
            "地类",
            required=True,
            synonyms=("土地类别", "地类名称", "地类编码"),
            export=lambda o: f"{o.land_type} {rules.LAND_TYPE_NAMES.get(o.land_type, '')}",
            help_text="GB/T 21010 编码或名称，如 0101 水田",
        ),
        Column(
            "basic_farmland", "永久基本农田", kind="bool", synonyms=("是否永久基本农田", "基本农田")
        ),
        Column("price_zone", "区片", synonyms=("区片编号", "所在区片")),
        _yuan("land_comp", "土地补偿费（元）", "土地补偿费"),
        _yuan("resettlement_comp", "安置补助费（元）", "安置补助费"),
        _yuan("crop_comp", "青苗费（元）", "青苗补偿费", "青苗费"),
        _yuan("attachment_comp", "地上附着物（元）", "附着物补偿费", "地上附着物"),
        Column("override_reason", "调整原因", synonyms=("备注",)),
        Column("registered_on", "登记日期", kind="date"),
        Column("agreed_on", "协议日期", kind="date", synonyms=("协议签订日期",)),
        Column(
            "payment_status",
            "付款状态",
            kind="choice",
            synonyms=("兑付情况", "付款情况"),
            synonyms_map={"已付": "paid", "已兑付": "paid", "未兑付": "unpaid", "部分": "partial"},
        ),
        _yuan("paid_amount", "已付金额（元）", "已付金额", "兑付金额"),
        Column("handed_over_on", "交地日期", kind="date"),
        Column("cadre", "包户干部", kind="fk", synonyms=("责任干部", "包保干部")),
    ]

    def _parser_for(self, c):
        if c.key == "land_type":
            return _parse_land_type
        return super()._parser_for(c)


@register_ledger
class HouseholdLedger(_LandLedger):
    key = "households"
    price_model = HousePrice
    price_key = "structure"
    model = Household
    title = "房屋台账（被征收户）"
    match_on = ("campaign", "number")
    columns = [
        *COMMON_HEAD,
        Column("number", "户编号", required=True, synonyms=("编号", "户号")),
        Column(
            "village", "村（社区）", kind="fk", required=True, synonyms=("村", "所属村", "村别")
        ),
        Column("group", "村民小组", synonyms=("组", "小组")),
        Column("head_name", "户主", required=True, synonyms=("户主姓名", "被征收人")),
        Column(
            "head_id",
            "身份证号码",
            kind="resident_id",
            synonyms=("户主身份证号码", "身份证号", "公民身份号码"),
        ),
        Column("phone", "联系电话", kind="phone", synonyms=("电话", "手机")),
        Column("members", "安置人口", kind="int", synonyms=("人口", "家庭人口", "安置人口（人）")),
        Column("homestead_m2", "宅基地面积（平方米）", kind="decimal", synonyms=("宅基地面积",)),
        Column(
            "structure",
            "房屋结构",
            kind="choice",
            synonyms=("结构",),
            synonyms_map={
                "框架结构": "frame",
                "砖混结构": "brick_concrete",
                "砖木结构": "brick_wood",
                "土木结构": "earth_wood",
            },
        ),
        Column("floors", "层数", kind="int"),
        Column(
            "area_certified",
            "证载建筑面积（平方米）",
            kind="decimal",
            synonyms=("有证面积", "证载面积"),
        ),
        Column(
            "area_uncertified", "无证建筑面积（平方米）", kind="decimal", synonyms=("无证面积",)
        ),
        Column("year_built", "建成年份", kind="int", synonyms=("建房年份",)),
        Column("appraiser", "评估机构", synonyms=("评估单位",)),
        _yuan("appraised_value", "评估额（元）", "评估额", "评估价值"),
        Column(
            "resettlement",
            "安置方式",
            kind="choice",
            synonyms_map={
                "货币": "money",
                "货币安置": "money",
                "产权调换": "house",
                "宅基地": "homestead",
            },
        ),
        _yuan("house_comp", "房屋补偿（元）", "房屋补偿"),
        _yuan("decoration_comp", "装修补偿（元）", "装修补偿"),
        _yuan("attachment_comp", "附属物补偿（元）", "附属物补偿"),
        _yuan("moving_fee", "搬迁费（元）", "搬迁费"),
        _yuan("transition_fee", "过渡费（元）", "过渡费"),
        _yuan("reward", "奖励（元）", "奖励", "签约奖励"),
        Column("override_reason", "调整原因", synonyms=("备注",)),
        _yuan("paid_amount", "已付金额（元）", "已付金额", "兑付金额"),
        Column("surveyed_on", "摸底日期", kind="date"),
        Column("appraised_on", "测绘评估日期", kind="date", synonyms=("评估日期",)),
        Column("publicized_on", "公示日期", kind="date"),
        Column("signed_on", "签约日期", kind="date", synonyms=("协议签订日",)),
        Column("vacated_on", "腾空日期", kind="date", synonyms=("腾空验收日",)),
        Column("demolished_on", "拆除日期", kind="date", synonyms=("拆除日",)),
        Column("settled_on", "结算日期", kind="date"),
        Column("cadre", "包户干部", kind="fk", synonyms=("责任干部", "包保干部")),
    ]

    def hearing_cache(self, user) -> dict:
        """Campaign id → households with a hearing not yet held (0: a collective's request,
        which holds every household of the campaign), read once per import."""
        cache = self.__dict__.get("_hearings")
        if cache is None:
            cache = {}
            pending = Hearing.objects.filter(town_id=user.town_id, held_on__isnull=True)
            for campaign_id, household_id in pending.values_list("campaign_id", "household_id"):
                cache.setdefault(campaign_id, set()).add(household_id or 0)
            self._hearings = cache
        return cache

    def validate(self, obj, values, user):
        obj._hearing_cache = self.hearing_cache(user)
        super().validate(obj, values, user)
        # the stage follows the dates (the bulk write does not call save())
        obj.stage = rules.stage_of(obj.stage_dates())


@register_ledger
class SocialSecurityLedger(Ledger):
    """社保名单 (被征地农民社会保障名单): rows match on (征收任务, 户编号, 姓名) — the ID number is
    masked in most users' exports, so it cannot be the key; the household is named by its
    户编号 within the row's campaign; the age group is computed, exported only."""

    key = "social-security"
    model = SocialSecurityEntry
    title = "被征地农民社会保障名单"
    match_on = ("campaign", "household_number", "name")
    columns = [
        *COMMON_HEAD,
        Column("household_number", "户编号", required=True, synonyms=("编号", "户号")),
        Column("name", "姓名", required=True, synonyms=("被征地农民姓名", "人员姓名")),
        Column(
            "id_number",
            "身份证号码",
            kind="resident_id",
            required=True,
            synonyms=("身份证号", "公民身份号码"),
        ),
        Column(
            "per_capita_mu",
            "人均失地面积（亩）",
            kind="decimal",
            required=True,
            synonyms=("人均失地面积", "人均失地（亩）"),
        ),
        Column(
            "age_group",
            "年龄段",
            export_only=True,
            export=lambda o: o.get_age_group_display(),
        ),
        Column(
            "status",
            "状态",
            kind="choice",
            synonyms=("审核状态", "参保状态"),
            synonyms_map={"待审": "pending", "公示": "published", "参保": "insured"},
        ),
    ]

    def existing_by_key(self, user) -> dict:
        out = {}
        qs = scoping.restrict(self.model.objects.select_related("household"), user)
        for obj in qs:
            key = (obj.campaign_id, obj.household.number, obj.name)
            out[tuple(_key_part(x) for x in key)] = obj
        return out

    def households(self, user) -> dict:
        cache = self.__dict__.get("_households")
        if cache is None:
            cache = {
                (h.campaign_id, h.number): h
                for h in scoping.restrict(Household.objects.all(), user)
            }
            self._households = cache
        return cache

    def notice_cache(self, user) -> dict:
        cache = self.__dict__.get("_notices")
        if cache is None:
            starts = dict(
                CampaignStep.objects.filter(town_id=user.town_id, key="notice").values_list(
                    "campaign_id", "actual_start"
                )
            )
            cache = {
                c.pk: rules.requisition_date(starts.get(c.pk), c.start_date)
                for c in Campaign.objects.filter(town_id=user.town_id)
            }
            self._notices = cache
        return cache

    def validate(self, obj, values, user):
        obj._keys_checked = True
        obj._notice_cache = self.notice_cache(user)
        number = getattr(obj, "_household_number", None)
        if number is not None and obj.campaign_id:
            found = self.households(user).get((obj.campaign_id, str(number).strip()))
            if found is None:
                raise ValidationError(
                    {"household_number": f"征收任务「{obj.campaign}」中没有户编号「{number}」"}
                )
            obj.household = found
            obj._household_number = None
        super().validate(obj, values, user)
