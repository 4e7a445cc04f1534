"""Fixtures for the platform's tests beyond the shared `world` (zhenwu/core/testing.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

DEMO_PASSWORD = "Demo-Pass-2025"


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo (`zhenwu demo`), loaded once per test module and rolled back at its end; the
    command's output is returned. Tests using it also request `db` (each rolls back its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", password=DEMO_PASSWORD, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
