"""A household's page lists the hearings that concern it (its own request and its campaign's
collective ones — the set the signing rule reads) as cards: date, state, a link, and what is
due while a hearing has not been held. Scoped as everywhere: a village cadre sees only the
hearings of their villages."""

from __future__ import annotations

from datetime import date

from zhenwu.core import services as core
from zhenwu.land import selectors
from zhenwu.land.tests.helpers import appraised, make_campaign, make_household
from zhenwu.land.tests.test_gaps import _hearing, _published


def _page(world, who, household):
    response = world.client(who).get(f"/land/households/{household.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _cards(html: str) -> list[str]:
    start = html.index('data-testid="household-hearings"')
    end = html.index("</ul>", start)
    return html[start:end].split('data-testid="hearing"')[1:]


def _setup(world):
    c = make_campaign(world.town, name="听证户页任务")
    _published(c)
    h = make_household(world, world.villages[0], campaign=c, head_name="张听证", **appraised())
    other = make_household(world, world.villages[0], campaign=c, head_name="李邻户", **appraised())
    own = _hearing(world, c, household=h, requested_on=date(2025, 5, 12))
    collective = _hearing(world, c, applicant="一组村民代表", group="一组")
    elsewhere = _hearing(world, c, village=world.villages[1], applicant="村2二组代表", group="二组")
    neighbours = _hearing(world, c, household=other, requested_on=date(2025, 5, 11))
    later = make_campaign(world.town, name="另一任务")
    _published(later)
    _hearing(world, later, applicant="别的任务的代表")
    return {
        "household": h,
        "own": own,
        "collective": collective,
        "elsewhere": elsewhere,
        "neighbours": neighbours,
    }


def test_the_household_page_lists_its_hearings_with_date_state_link_and_next_action(world):
    s = _setup(world)
    html = _page(world, "staff", s["household"])
    cards = _cards(html)
    assert len(cards) == 3  # its own, and the campaign's two collective requests
    text = "".join(cards)
    assert "李邻户" not in text and "别的任务的代表" not in text
    own = next(c for c in cards if "本户申请" in c)
    assert "张听证" in own and "2025年5月12日" in own and "待举行" in own
    assert f'href="/land/hearings/{s["own"].pk}/"' in own
    assert "举行听证，登记听证日期和结果；听证举行前本户不能签约" in own
    assert f'href="/land/hearings/{s["own"].pk}/edit/"' in own
    collective = next(c for c in cards if "村1一组集体申请" in c)
    assert "一组村民代表" in collective and "待举行" in collective


def test_a_held_hearing_shows_its_date_and_outcome_and_nothing_due(world):
    s = _setup(world)
    core.update_object(
        s["own"],
        data={"held_on": date(2025, 5, 20), "outcome": "复核面积后户主同意"},
        acting_user=world.users["staff"],
    )
    cards = _cards(_page(world, "staff", s["household"]))
    own = next(c for c in cards if "本户申请" in c)
    assert "已举行" in own and "2025年5月20日" in own and "复核面积后户主同意" in own
    assert 'data-testid="hearing-next"' not in own
    # not held first, then the most recently held
    assert "待举行" in cards[0] and "已举行" in cards[-1]
    core.update_object(
        s["collective"],
        data={"held_on": date(2025, 5, 28), "outcome": "方案维持"},
        acting_user=world.users["staff"],
    )
    cards = _cards(_page(world, "staff", s["household"]))
    assert [("本户申请" in c, "已举行" in c) for c in cards] == [
        (False, False),  # 村2's collective request, still pending
        (False, True),  # held on 5月28日
        (True, True),  # held on 5月20日
    ]


def test_a_cadre_sees_only_the_hearings_of_their_villages(world):
    s = _setup(world)
    cards = _cards(_page(world, "village", s["household"]))
    assert len(cards) == 2
    assert not any("村2二组集体申请" in c for c in cards)
    rows = selectors.hearings_of(s["household"], world.users["leader"])
    assert {r.hearing.pk for r in rows} == {
        s["own"].pk,
        s["collective"].pk,
        s["elsewhere"].pk,
    }
    assert selectors.hearings_of(s["household"], world.users["other_admin"]) == []


def test_readers_get_no_edit_link(world):
    s = _setup(world)
    cards = _cards(_page(world, "leader", s["household"]))
    assert cards and not any("/edit/" in c for c in cards)
    assert all("下一步" in c for c in cards)  # what is due still shows


def test_a_household_without_hearings_says_so(world):
    c = make_campaign(world.town, name="无听证任务")
    h = make_household(world, world.villages[0], campaign=c)
    html = _page(world, "staff", h)
    assert _cards(html) == [] and "暂无听证申请" in html


def test_the_listed_pending_hearings_are_what_holds_up_signing(world):
    """The page and the signing rule read the same set: the household is blocked exactly
    while one of the listed hearings is not held."""
    s = _setup(world)
    h = s["household"]
    pending = [r for r in selectors.hearings_of(h, world.users["admin"]) if r.next_action]
    assert pending
    for row in pending:
        core.update_object(
            row.hearing,
            data={"held_on": date(2025, 5, 25), "outcome": "方案维持"},
            acting_user=world.users["staff"],
        )
    assert not [r for r in selectors.hearings_of(h, world.users["admin"]) if r.next_action]
    h.refresh_from_db()
    h.signed_on = date(2025, 6, 2)
    h.full_clean()  # no hearing holds it up any more
