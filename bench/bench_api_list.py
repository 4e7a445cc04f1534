"""Benchmark: an API list page against a bare view running the same SQL (issue 9, "Load").

Run:  python bench/bench_api_list.py [--rows 200] [--requests 300]

Both go through the same Django stack in-process (django.test.Client: every middleware,
URL resolution, the response): `GET /api/v1/investments?limit=50` with a bearer token, and a
bare view that runs the same query (the scoped, flagged investment queryset, 50 rows, plus
its count) and dumps the rows as JSON with `values()`. The ratio is the API's rate over the
bare view's rate, measured alternately in the same run (median of 5 rounds). Goal ≥ 0.5.
Enterprises (`/api/v1/enterprises`) are measured the same way. Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL = 0.5


def setup_django(data_dir: str) -> None:
    os.environ["ZHENWU_DATA_DIR"] = data_dir
    os.environ.setdefault("ZHENWU_TESTING", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_world(rows: int):
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.core.idnumbers import uscc_check_char
    from zhenwu.core.models import ApiToken, Role, Town, User, Village
    from zhenwu.enterprises.models import Enterprise
    from zhenwu.investment.models import Investment

    with acting_as(None, Source.SYSTEM):
        town = Town.objects.create(
            name="南口镇", code="421081108000", county="石首市", city="荆州市", province="湖北省"
        )
        villages = [Village.objects.create(town=town, name=f"村{i}", order=i) for i in range(10)]
        user = User.objects.create_user(
            "bench", password="x-bench-123", role=Role.LEADER, town=town, full_name="基准"
        )
        Investment.objects.bulk_create(
            Investment(
                town=town,
                code=f"ZS{i:05d}",
                name=f"招商项目{i}",
                investor_name=f"投资方{i}",
                village=villages[i % 10],
                planned_total_wan=1000 + i,
                contact_phone="13800000000",
                stage="signed" if i % 2 else "lead",
            )
            for i in range(rows)
        )
        firms = []
        for i in range(rows):
            first17 = f"91421081MA4{i:06d}"
            firms.append(
                Enterprise(
                    town=town,
                    name=f"企业{i}",
                    uscc=first17 + uscc_check_char(first17),
                    industry_code="C2922",
                    village=villages[i % 10],
                )
            )
        Enterprise.objects.bulk_create(firms)
    return user, ApiToken.issue(user)


def install_bare_views(user):
    """Bare views: the API's own queryset (same SQL), rows dumped with values()."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import zhenwu.urls
    from zhenwu.core import scoping
    from zhenwu.enterprises.models import Enterprise
    from zhenwu.investment.models import Investment
    from zhenwu.investment.selectors import with_flags

    def dump(qs):
        page = list(qs[:50].values())
        body = json.dumps({"items": page, "count": qs.count()}, default=str, ensure_ascii=False)
        return HttpResponse(body, content_type="application/json")

    def bare_investments(request):
        qs = with_flags(Investment.objects.select_related("village", "leader")).order_by(
            "-signed_on", "-id"
        )
        return dump(scoping.restrict(qs, user))

    def bare_enterprises(request):
        return dump(scoping.restrict(Enterprise.objects.all(), user))

    zhenwu.urls.urlpatterns.insert(0, path("bench/investments", bare_investments))
    zhenwu.urls.urlpatterns.insert(0, path("bench/enterprises", bare_enterprises))
    clear_url_caches()


def rate(client, url, n, headers) -> float:
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return n / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.test import Client

        user, token = make_world(args.rows)
        install_bare_views(user)
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        api = client.get("/api/v1/investments?limit=50", **headers).json()
        assert len(api["items"]) == 50 and api["count"] == args.rows
        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx(
                "rate(client, '/api/v1/investments?limit=50', 100, headers)",
                globals(),
                {"client": client, "headers": headers, "rate": rate},
                "/tmp/api_list.prof",
            )
            pstats.Stats("/tmp/api_list.prof").sort_stats("cumulative").print_stats(40)
            return 0
        failed = False
        for name in ("investments", "enterprises"):
            ratios, api_rates, bare_rates = [], [], []
            for _ in range(args.rounds):
                a = rate(client, f"/api/v1/{name}?limit=50", args.requests, headers)
                b = rate(client, f"/bench/{name}", args.requests, headers)
                api_rates.append(a)
                bare_rates.append(b)
                ratios.append(a / b)
            ratio = statistics.median(ratios)
            print(
                f"{name}: API {statistics.median(api_rates):.0f}/s, bare view "
                f"{statistics.median(bare_rates):.0f}/s → ratio {ratio:.2f} (goal ≥ {GOAL})"
            )
            failed |= ratio < GOAL
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
