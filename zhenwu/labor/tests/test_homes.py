"""擦品牌 on the homes: the village's workers with certificates to renew on 我的村, the 人社
office's sessions under way or about to start and certificates to renew."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhenwu.core import homes
from zhenwu.labor.homes import RENEW_DAYS, SESSION_LEAD_DAYS, training_queue, village_workers
from zhenwu.labor.tests.helpers import (
    make_certificate,
    make_enrollment,
    make_session,
    make_worker,
)

pytestmark = pytest.mark.django_db


def test_the_village_section_lists_certificates_to_renew(world):
    today = timezone.localdate()
    mine = make_worker(world, name="本村工")
    other = make_worker(world, village=world.villages[1], name="外村工")
    make_certificate(mine, number="SOON", expires_on=today + timedelta(days=RENEW_DAYS))
    make_certificate(mine, number="LATER", expires_on=today + timedelta(days=RENEW_DAYS + 1))
    make_certificate(mine, number="GONE", expires_on=today - timedelta(days=1))
    make_certificate(other, number="OTHER", expires_on=today + timedelta(days=5))
    section = village_workers(world.users["village"], [world.villages[0]], today)
    numbers = [i.title.split(" · ")[1] for i in section.items]
    assert numbers == ["GONE", "SOON"]  # soonest first; beyond 90 days and other villages out
    assert section.items[0].overdue and section.items[1].due_soon
    assert section.total == 1 and section.list_url.endswith(f"?village={world.villages[0].pk}")
    assert "labor" in homes.village_modules()
    html = world.client("village").get("/").content.decode()
    assert "防水工（劳务）" in html and "本村工" in html and "外村工" not in html


def test_the_office_queue_has_sessions_about_to_start_and_under_way(world):
    today = timezone.localdate()
    running = make_session(world.town, start=today - timedelta(days=2), end=today + timedelta(3))
    soon = make_session(
        world.town, start=today + timedelta(SESSION_LEAD_DAYS), end=today + timedelta(20)
    )
    make_session(
        world.town, start=today + timedelta(SESSION_LEAD_DAYS + 1), end=today + timedelta(30)
    )
    make_session(world.town, start=today - timedelta(20), end=today - timedelta(1))  # over
    make_enrollment(make_worker(world), running, attendance="enrolled")
    section = training_queue(world.users["staff"], today)
    assert [i.title for i in section.items] == [running.name, soon.name]
    assert section.items[0].action == "记出勤" and "学员 1 人" in section.items[0].note
    assert section.items[1].action == "报名"
    assert training_queue(world.users["other_admin"], today) is None
