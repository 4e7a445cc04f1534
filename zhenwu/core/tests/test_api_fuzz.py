"""Schemathesis over the whole OpenAPI, in-process (WSGI), as the leader and as a village
cadre (issue 9 §5): no answer is a 5xx, and every answer has a status, content type and body
the OpenAPI declares. Bounded examples per operation (derandomized).

Part of `make test` (SQLite) with 2 examples per operation and role. The coverage phase (boundary
and malformed values for every parameter — about forty requests per operation) runs as the
leader, who may reach every write; the village cadre gets the examples and fuzzing phases (their
scoping is the permission matrix's job). `ZHENWU_FUZZ_EXAMPLES=20` digs deeper and
`ZHENWU_FUZZ_FULL=1` runs every phase for both roles. Skipped on the PostgreSQL run: the API's code paths are the same there, and the
database-specific behaviour has its own tests (test_robustness, test_concurrency)."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhenwu.core.models import ApiToken
from zhenwu.core.testing import build_world

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="API fuzzing runs once, on the SQLite run"
)
EXAMPLES = int(os.environ.get("ZHENWU_FUZZ_EXAMPLES", "2"))

FULL = os.environ.get("ZHENWU_FUZZ_FULL") == "1"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
village_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
village_schema.config.phases.coverage.enabled = FULL

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def world_tokens(django_db_setup, django_db_blocker):
    """One small world for the module (rolled back at its end); each example's writes roll
    back with its test."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        _records(world)
        yield {who: ApiToken.issue(world.users[who]) for who in ("leader", "village")}
        transaction.set_rollback(True)


def _records(world):
    """A record or two per module, so that ids in paths sometimes exist."""
    from zhenwu.investment import services as investment_services

    admin = world.users["admin"]
    for i, village in enumerate(world.villages[:2], start=1):
        investment_services.create_investment(
            town=world.town,
            data={"code": f"Z{i}", "name": f"招商{i}", "village": village},
            acting_user=admin,
        )


@pytest.fixture
def tokens(world_tokens, db):
    return world_tokens


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _call(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_api_never_fails_as_leader(case, tokens):
    _call(case, tokens["leader"])


@village_schema.parametrize()
@HYPOTHESIS
def test_api_never_fails_as_village_cadre(case, tokens):
    _call(case, tokens["village"])
