"""The work-calendar page: covered and uncovered years, administrators' overrides take effect at
once, only administrators edit, and odd `?year=` values never crash it."""

from __future__ import annotations

from datetime import date

import pytest

from zhenwu.core import workcalendar
from zhenwu.core.models import HolidayOverride
from zhenwu.core.testing import changes_of


@pytest.fixture
def superuser(world):
    from django.test import Client

    from zhenwu.core.models import User

    user = User.objects.create_superuser("root_t", password="x-pass-123", town=None)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workcalendar.invalidate_calendar()
    yield
    workcalendar.invalidate_calendar()


@pytest.mark.parametrize("year", [2025, 2026])
def test_covered_years_render_confirmed(world, year):
    response = world.client("leader").get(f"/calendar/?year={year}")
    assert response.status_code == 200
    assert response.context["year"] == year and response.context["confirmed"]
    assert "日历未确认" not in response.content.decode()


def test_uncovered_year_says_unconfirmed(world):
    response = world.client("leader").get("/calendar/?year=2027")
    assert response.status_code == 200
    assert not response.context["confirmed"]
    assert "日历未确认" in response.content.decode()


def test_2025_counts_its_workdays(world):
    response = world.client("leader").get("/calendar/?year=2025")
    # 2025 (国办发明电〔2024〕12号): 261 weekdays − 18 days off on weekdays + 5 调休 weekend days.
    assert response.context["workdays"] == 248


def test_national_override_takes_effect_immediately(world, superuser):
    day = date(2027, 2, 11)  # a Thursday in the (not yet published) 2027 Spring Festival
    assert workcalendar.is_workday(day)  # warms the cache
    assert workcalendar.get_calendar(world.town).is_workday(day)
    response = superuser.post(
        "/calendar/",
        {"date": "2027-02-11", "name": "春节", "source_doc": "国办发明电〔2026〕X号"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2027")
    override = HolidayOverride.objects.get(date=day)
    assert override.is_workday is False and override.town is None
    assert not workcalendar.is_workday(day)
    assert not workcalendar.get_calendar(world.town).is_workday(day)
    assert not workcalendar.get_calendar(world.other_town).is_workday(day)
    entry = changes_of(override).get()
    assert entry.source == "ui"
    # Deleting the override restores the Monday–Friday fallback at once.
    response = superuser.post(f"/calendar/{override.pk}/delete/")
    assert response.status_code == 302
    assert workcalendar.is_workday(day)
    assert workcalendar.get_calendar(world.town).is_workday(day)


def test_town_admin_adds_a_local_change_for_their_town_alone(world):
    day = date(2027, 2, 11)
    assert workcalendar.get_calendar(world.town).is_workday(day)  # warms the caches
    assert workcalendar.get_calendar(world.other_town).is_workday(day)
    response = world.client("admin").post("/calendar/", {"date": "2027-02-11", "name": "镇庆"})
    assert response.status_code == 302
    override = HolidayOverride.objects.get(date=day)
    assert override.town == world.town
    assert not workcalendar.get_calendar(world.town).is_workday(day)
    assert workcalendar.get_calendar(world.other_town).is_workday(day)
    assert workcalendar.is_workday(day)  # the national calendar is untouched
    entry = changes_of(override).get()
    assert (entry.source, entry.user) == ("ui", world.users["admin"])
    # The other town's administrator neither sees nor removes it.
    other = world.client("other_admin")
    assert "镇庆" not in other.get("/calendar/?year=2027").content.decode()
    assert other.post(f"/calendar/{override.pk}/delete/").status_code == 404
    assert world.client("admin").post(f"/calendar/{override.pk}/delete/").status_code == 302
    assert workcalendar.get_calendar(world.town).is_workday(day)


def test_a_local_change_wins_over_the_national_one_for_its_town(world):
    day = date(2027, 2, 13)  # a Saturday
    HolidayOverride.objects.create(date=day, is_workday=True, name="全国调休上班")
    HolidayOverride.objects.create(town=world.town, date=day, is_workday=False, name="本镇休息")
    workcalendar.invalidate_calendar()
    assert workcalendar.get_calendar().is_workday(day)
    assert workcalendar.get_calendar(world.other_town).is_workday(day)
    assert not workcalendar.get_calendar(world.town).is_workday(day)
    assert workcalendar.get_calendar(world.town) is workcalendar.get_calendar(world.town.pk)


def test_town_admin_cannot_remove_a_national_override(world):
    national = HolidayOverride.objects.create(date=date(2027, 2, 11), is_workday=False, name="春节")
    response = world.client("admin").get("/calendar/?year=2027")
    assert f"/calendar/{national.pk}/delete/" not in response.content.decode()
    assert world.client("admin").post(f"/calendar/{national.pk}/delete/").status_code == 404
    assert HolidayOverride.objects.filter(pk=national.pk).exists()


def test_override_shows_in_the_year_grid(world):
    HolidayOverride.objects.create(date=date(2027, 2, 11), is_workday=False, name="春节")
    response = world.client("leader").get("/calendar/?year=2027")
    feb = response.context["months"][1]
    cell = next(c for w in feb["weeks"] for c in w if c["day"] == date(2027, 2, 11))
    assert cell["work"] is False


def test_duplicate_override_date_is_a_field_error(world):
    HolidayOverride.objects.create(
        town=world.town, date=date(2027, 2, 11), is_workday=False, name="春节"
    )
    response = world.client("admin").post(
        "/calendar/", {"date": "2027-02-11", "is_workday": "on", "name": "调休"}
    )
    assert response.status_code == 400
    assert "date" in response.context["form"].errors


@pytest.mark.parametrize("who", ["leader", "staff", "village", "viewer"])
def test_non_admins_cannot_post(world, who):
    client = world.client(who)
    response = client.post("/calendar/", {"date": "2027-02-11", "name": "春节"})
    assert response.status_code == 404
    assert not HolidayOverride.objects.exists()
    override = HolidayOverride.objects.create(date=date(2027, 2, 12), is_workday=False, name="x")
    assert client.post(f"/calendar/{override.pk}/delete/").status_code == 404
    assert HolidayOverride.objects.filter(pk=override.pk).exists()


@pytest.mark.parametrize(
    "year", ["abc", "99999", "9999", "1", "0", "-1", "", "2025.5", "１２", "10000", "1e9"]
)
def test_odd_years_never_crash(world, year):
    response = world.client("leader").get("/calendar/", {"year": year})
    assert response.status_code == 200, year
    assert 1900 <= response.context["year"] <= 2199


def test_calendar_needs_login(world):
    assert world.client(None).get("/calendar/").status_code == 302
