"""Pages: the shared battery, plus the kanban, the stage move, funds, follow-ups, reminders,
bad input in the form, and query counts that do not grow with the rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhenwu.core.testing import ResourceBattery
from zhenwu.investment import services
from zhenwu.investment.models import FollowUp, FundsReceipt, Investment, InvestmentSettings, Stage
from zhenwu.investment.resources import investment_resource
from zhenwu.investment.tests.factories import make_investment, valid_uscc


class TestInvestmentResource(ResourceBattery):
    resource = investment_resource
    editor = "staff"
    api_path = "investments"

    def make(self, world, village):
        return make_investment(world, village, contact_phone="13907161234")

    def form_data(self, world):
        return {
            "code": "ZS-2025-900",
            "name": "新建测试项目",
            "investor_name": "示例投资有限公司",
            "investor_uscc": valid_uscc(42),
            "investor_origin": "out_of_province",
            "industry_code": "C3034",
            "project_type": "industrial",
            "nature": "new",
            "planned_total_wan": "12000",
            "fixed_asset_wan": "9000",
            "village": world.villages[0].pk,
            "stage": "signed",
            "signed_on": "2025-03-05",
        }


def form(world, **overrides):
    data = TestInvestmentResource().form_data(world)
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestForm:
    def test_create_at_signed_stage_records_event(self, world):
        response = world.client("staff").post(reverse("investment:investment_add"), form(world))
        assert response.status_code == 302
        inv = Investment.objects.get(code="ZS-2025-900")
        assert inv.stage == Stage.SIGNED and inv.negotiating_on == date(2025, 3, 5)
        assert inv.events.get().kind == "created"

    @pytest.mark.parametrize(
        "overrides, field, needle",
        [
            ({"investor_uscc": "91110108717743469A"}, "investor_uscc", "校验位错误"),
            ({"planned_total_wan": "-5"}, "planned_total_wan", "不能为负数"),
            ({"industry_code": "C9999"}, "industry_code", "C9999"),
            ({"stage": "started", "started_on": ""}, "started_on", "须填写开工时间"),
            ({"signed_on": "2099-01-01"}, "signed_on", "不能晚于今天"),
        ],
    )
    def test_bad_input_names_the_field_and_stores_nothing(self, world, overrides, field, needle):
        response = world.client("staff").post(
            reverse("investment:investment_add"), form(world, **overrides)
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert field in errors and needle in " ".join(errors[field]), errors
        assert not Investment.objects.exists()

    def test_duplicate_code_in_town(self, world):
        make_investment(world, code="ZS-2025-900")
        response = world.client("staff").post(reverse("investment:investment_add"), form(world))
        assert response.status_code == 400
        assert "项目编号「ZS-2025-900」在本镇已存在" in response.content.decode()
        assert Investment.objects.count() == 1

    def test_uscc_warning_shown(self, world):
        # valid check character, but the legacy organisation-code check fails: a warning
        client = world.client("staff")
        response = client.post(reverse("investment:investment_add"), form(world), follow=True)
        assert response.status_code == 200
        from zhenwu.core.idnumbers import validate_uscc

        expected = validate_uscc(valid_uscc(42)).warnings
        assert expected  # the demo-style body fails the legacy GB 11714 check
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        assert warnings == [f"投资方统一社会信用代码：{w}" for w in expected]
        assert Investment.objects.get().investor_uscc == valid_uscc(42)

    def test_edit_cannot_change_stage(self, world):
        inv = make_investment(world, world.villages[0])
        client = world.client("staff")
        page = client.get(reverse("investment:investment_edit", args=[inv.pk]))
        assert page.context["form"].fields["stage"].disabled
        assert "started_on" not in page.context["form"].fields
        data = form(world, code=inv.code, name="改名", stage="producing", version=inv.version)
        data["signed_on"] = "2025-03-01"
        assert (
            client.post(reverse("investment:investment_edit", args=[inv.pk]), data).status_code
            == 302
        )
        inv.refresh_from_db()
        assert inv.name == "改名" and inv.stage == Stage.SIGNED


@pytest.mark.django_db
class TestStageMove:
    def test_detail_move_forward(self, world):
        inv = make_investment(world, world.villages[0], signed_on=date(2025, 3, 1))
        client = world.client("staff")
        url = reverse("investment:investment_move", args=[inv.pk])
        response = client.post(
            url, {"stage": "started", "date": "2025-04-01", "version": inv.version}
        )
        assert response.status_code == 302
        inv.refresh_from_db()
        assert inv.stage == Stage.STARTED and inv.started_on == date(2025, 4, 1)
        detail = client.get(reverse("investment:investment_detail", args=[inv.pk])).content.decode()
        assert "由「签约」推进到「开工」" in detail

    def test_backwards_via_form_is_refused(self, world):
        inv = make_investment(world, stage="started", started_on=date(2025, 4, 1))
        client = world.client("staff")
        url = reverse("investment:investment_move", args=[inv.pk])
        response = client.post(url, {"stage": "signed", "date": "2025-05-01"}, follow=True)
        assert "阶段不能倒退" in response.content.decode()
        inv.refresh_from_db()
        assert inv.stage == Stage.STARTED

    def test_kanban_htmx_move_swaps_the_board(self, world):
        inv = make_investment(world, world.villages[0], signed_on=date(2025, 3, 1))
        client = world.client("staff")
        response = client.post(
            reverse("investment:investment_move", args=[inv.pk]),
            {"stage": "started", "date": "2025-04-01"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="kanban-board"' in html and "<html" not in html
        inv.refresh_from_db()
        assert inv.stage == Stage.STARTED
        cols = {c["stage"]: [x["obj"].pk for x in c["cards"]] for c in response.context["board"]}
        assert inv.pk in cols["started"] and inv.pk not in cols["signed"]

    def test_kanban_htmx_error_shown_on_card(self, world):
        inv = make_investment(world, signed_on=date(2025, 3, 1))
        response = world.client("staff").post(
            reverse("investment:investment_move", args=[inv.pk]),
            {"stage": "terminated", "date": "2025-04-01", "reason": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "终止项目须填写终止原因" in response.content.decode()
        inv.refresh_from_db()
        assert inv.stage == Stage.SIGNED

    def test_readers_and_other_villages_cannot_move(self, world):
        inv = make_investment(world, world.villages[1])
        url = reverse("investment:investment_move", args=[inv.pk])
        for who in ("leader", "viewer", "staff_nomodule", "village", "other_admin"):
            assert world.client(who).post(url, {"stage": "started"}).status_code == 404, who
        inv.refresh_from_db()
        assert inv.stage == Stage.SIGNED


@pytest.mark.django_db
class TestKanban:
    def test_columns_and_cards(self, world):
        a = make_investment(world, world.villages[0], name="甲项目")
        b = make_investment(
            world,
            world.villages[1],
            name="乙项目",
            stage="negotiating",
            signed_on=None,
            negotiating_on=date(2025, 1, 1),
        )
        foreign = make_investment(world, world.other_village, name="外镇项目")
        response = world.client("leader").get(reverse("investment:kanban"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "甲项目" in html and "乙项目" in html and "外镇项目" not in html
        board = {c["stage"]: [x["obj"] for x in c["cards"]] for c in response.context["board"]}
        assert board["signed"] == [a] and board["negotiating"] == [b]
        assert list(board) == [
            "lead",
            "negotiating",
            "signed",
            "started",
            "completed",
            "producing",
            "terminated",
        ]
        # leaders read, they do not move
        assert 'data-testid="move-form-' not in html
        assert foreign.pk

    def test_village_cadre_sees_own_village_only(self, world):
        make_investment(world, world.villages[0], name="本村项目")
        make_investment(world, world.villages[1], name="他村项目")
        html = world.client("village").get(reverse("investment:kanban")).content.decode()
        assert "本村项目" in html and "他村项目" not in html

    def test_filter_by_village(self, world):
        make_investment(world, world.villages[0], name="本村项目")
        make_investment(world, world.villages[1], name="他村项目")
        url = reverse("investment:kanban") + f"?village={world.villages[1].pk}"
        html = world.client("staff").get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "他村项目" in html and "本村项目" not in html

    def test_query_count_does_not_grow(self, world):
        staff = world.users["staff"]

        def add(i):
            inv = make_investment(
                world, world.villages[i % 3], stage="started", started_on=date(2025, 5, 1)
            )
            services.add_follow_up(
                inv,
                on_date=date(2025, 5, 2),
                note="跟进",
                next_on=date(2025, 6, 1),
                acting_user=staff,
            )

        add(0)
        client = world.client("staff")
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse("investment:kanban")).status_code == 200
        for i in range(1, 12):
            add(i)
        with CaptureQueriesContext(connection) as many:
            assert client.get(reverse("investment:kanban")).status_code == 200
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

    def test_terminated_long_ago_leaves_the_board(self, world):
        old = make_investment(world, name="早已终止", signed_on=date(2024, 1, 1))
        services.move_stage(
            old, "terminated", date(2024, 2, 1), world.users["admin"], reason="撤资"
        )
        html = world.client("staff").get(reverse("investment:kanban")).content.decode()
        assert "早已终止" not in html
        assert (
            "早已终止"
            in world.client("staff").get(reverse("investment:investment_list")).content.decode()
        )


@pytest.mark.django_db
class TestDetailAndFlags:
    def test_flags_on_detail_and_list(self, world):
        inv = make_investment(
            world,
            world.villages[0],
            name="大项目",
            planned_total_wan=Decimal(30000),
            signed_on=timezone.localdate() - timedelta(days=400),
        )
        client = world.client("staff")
        html = client.get(reverse("investment:investment_detail", args=[inv.pk])).content.decode()
        assert "亿元以上" in html and "超时限未开工" in html and "3–10亿" in html
        assert "久未跟进" in html
        listing = client.get(reverse("investment:investment_list") + "?flag=overdue_start")
        assert "大项目" in listing.content.decode()
        assert (
            "大项目"
            not in client.get(
                reverse("investment:investment_list") + "?flag=band:1–3亿"
            ).content.decode()
        )
        assert (
            "大项目"
            in client.get(
                reverse("investment:investment_list") + "?flag=band:3–10亿"
            ).content.decode()
        )

    def test_town_setting_changes_overdue(self, world):
        signed = timezone.localdate() - timedelta(days=100)
        make_investment(world, name="三月前签约", signed_on=signed)
        url = reverse("investment:investment_list") + "?flag=overdue_start"
        client = world.client("staff")
        assert "三月前签约" not in client.get(url).content.decode()
        InvestmentSettings.objects.create(town=world.town, overdue_start_months=3)
        assert "三月前签约" in client.get(url).content.decode()

    def test_stale_filter_and_follow_up_clears_it(self, world):
        inv = make_investment(
            world, name="久未跟进项目", signed_on=timezone.localdate() - timedelta(days=60)
        )
        client = world.client("staff")
        url = reverse("investment:investment_list") + "?flag=stale"
        assert "久未跟进项目" in client.get(url).content.decode()
        response = client.post(
            reverse("investment:investment_followup_add", args=[inv.pk]),
            {"on_date": timezone.localdate().isoformat(), "note": "走访", "next_on": ""},
        )
        assert response.status_code == 302
        assert "久未跟进项目" not in client.get(url).content.decode()
        assert FollowUp.objects.filter(investment=inv).count() == 1

    def test_funds_form(self, world):
        inv = make_investment(world, signed_on=date(2025, 1, 5))
        client = world.client("staff")
        url = reverse("investment:investment_funds_add", args=[inv.pk])
        assert (
            client.post(
                url, {"month": "2025-02", "amount_wan": "300", "out_of_province_wan": "100"}
            ).status_code
            == 302
        )
        row = FundsReceipt.objects.get()
        assert row.month == date(2025, 2, 1) and row.amount_wan == 300
        response = client.post(url, {"month": "2025-03", "amount_wan": "-1"}, follow=True)
        assert "实际到位资金不能为负数" in response.content.decode()
        assert FundsReceipt.objects.count() == 1
        html = client.get(reverse("investment:investment_detail", args=[inv.pk])).content.decode()
        assert "2025-02" in html and "合计 300" in html

    def test_promote_button_only_when_the_view_exists_and_started(self, world, monkeypatch):
        from zhenwu.investment import views

        started = make_investment(world, stage="started", started_on=date(2025, 4, 1))
        signed = make_investment(world)
        monkeypatch.setattr(views, "promote_url", lambda inv: f"/projects/promote/{inv.pk}/")
        client = world.client("staff")
        assert (
            'data-testid="promote-key-project"'
            in client.get(
                reverse("investment:investment_detail", args=[started.pk])
            ).content.decode()
        )
        assert (
            'data-testid="promote-key-project"'
            not in client.get(
                reverse("investment:investment_detail", args=[signed.pk])
            ).content.decode()
        )
        # readers never get the button
        assert (
            'data-testid="promote-key-project"'
            not in world.client("leader")
            .get(reverse("investment:investment_detail", args=[started.pk]))
            .content.decode()
        )

    def test_promote_end_to_end_with_the_projects_module(self, world):
        """When the projects module provides the promote view, the button leads to it and the
        page then links the key project instead."""
        from django.urls import NoReverseMatch

        inv = make_investment(
            world, world.villages[0], stage="started", started_on=date(2025, 4, 1)
        )
        try:
            url = reverse("projects:project_promote", kwargs={"investment_pk": inv.pk})
        except NoReverseMatch:
            pytest.skip("重点项目模块尚未提供转入视图")
        client = world.client("staff")  # its department edits investment and projects
        detail = reverse("investment:investment_detail", args=[inv.pk])
        assert url in client.get(detail).content.decode()
        assert client.post(url).status_code == 302
        html = client.get(detail).content.decode()
        assert 'data-testid="key-project-link"' in html
        assert 'data-testid="promote-key-project"' not in html

    def test_phone_masked_in_list_for_users_without_permission(self, world):
        make_investment(world, contact_phone="13907161234", name="电话项目")
        url = reverse("investment:investment_list")
        # the list does not show the phone; the detail masks it
        inv = Investment.objects.get(name="电话项目")
        html = (
            world.client("staff")
            .get(reverse("investment:investment_detail", args=[inv.pk]))
            .content.decode()
        )
        assert "13907161234" not in html
        html = (
            world.client("admin")
            .get(reverse("investment:investment_detail", args=[inv.pk]))
            .content.decode()
        )
        assert "13907161234" in html
        assert world.client("staff").get(url).status_code == 200


@pytest.mark.django_db
def test_reminders(world):
    staff = world.users["staff"]
    today = timezone.localdate()
    due = make_investment(world, name="到期项目", signed_on=today - timedelta(days=20))
    later = make_investment(world, name="未到期项目", signed_on=today - timedelta(days=20))
    services.add_follow_up(
        due,
        on_date=today - timedelta(days=10),
        note="a",
        next_on=today - timedelta(days=1),
        acting_user=staff,
    )
    services.add_follow_up(
        later,
        on_date=today - timedelta(days=10),
        note="b",
        next_on=today + timedelta(days=5),
        acting_user=staff,
    )
    response = world.client("staff").get(reverse("investment:reminders"))
    html = response.content.decode()
    assert "到期项目" in html and "未到期项目" not in html and "已逾期 1 天" in html
    list_html = world.client("staff").get(reverse("investment:investment_list")).content.decode()
    assert 'data-testid="to-reminders"' in list_html
