"""The security baseline (issue 2 item 12): Argon2, login throttling, session expiry, CSRF,
security headers and CSP, `check --deploy` under production settings, secrets only from the
environment, and no template referring to another host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from zhenwu.core.testing import PASSWORD

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "zhenwu"


def _production_env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZHENWU_", "DJANGO_")) and k not in ("SECRET_KEY", "ALLOWED_HOSTS")
    }
    env.update(
        ZHENWU_PRODUCTION="1",
        ZHENWU_DATA_DIR=str(tmp_path),
        SECRET_KEY="a-production-key-from-the-environment-" + "x" * 40,
        ALLOWED_HOSTS="zhenwu.example.gov.cn",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def _zhenwu(*args, env):
    script = Path(sys.executable).with_name("zhenwu")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "zhenwu.manage"]
    return subprocess.run(
        [*cmd, *args], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )


# --- production settings (a fresh interpreter: the test settings differ) -------------------


def test_production_settings_hash_with_argon2_and_read_secrets_from_env(tmp_path):
    probe = (
        "import zhenwu.settings as s;"
        "print(s.PASSWORD_HASHERS[0]);print(s.SECRET_KEY[:25]);print(s.DEBUG, s.TESTING);"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    env = _production_env(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert lines[1].startswith("a-production-key")
    assert lines[2] == "False False"
    assert lines[3] == "True True 31536000"
    assert not (tmp_path / "secret_key").exists()


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    out = subprocess.run(
        [sys.executable, "-c", "import zhenwu.settings"],
        env=env, capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    out = _zhenwu("check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr


def test_argon2_is_installed():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    assert hasher.verify("x", hasher.encode("x", hasher.salt()))


# --- login throttling ---------------------------------------------------------------------


def test_fifth_failure_locks_the_account_even_for_the_right_password(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "leader_t", "password": "wrong"})
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    response = client.post("/login/", {"username": "leader_t", "password": "wrong"})
    assert response.status_code == 429
    response = client.post("/login/", {"username": "leader_t", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "leader_t", "password": "wrong"})
    response = client.post("/login/", {"username": "admin_t", "password": PASSWORD})
    assert response.status_code == 302


def test_success_resets_the_failure_count(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "leader_t", "password": "wrong"})
    assert client.post("/login/", {"username": "leader_t", "password": PASSWORD}).status_code == 302
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "leader_t", "password": "wrong"})
    assert client.post("/login/", {"username": "leader_t", "password": PASSWORD}).status_code == 302


def test_api_token_endpoint_is_throttled_too_and_answers_json(world):
    client = Client()
    body = {"username": "leader_t", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", body, content_type="application/json")
    good = {"username": "leader_t", "password": PASSWORD}
    response = client.post("/api/v1/auth/token", good, content_type="application/json")
    assert response.status_code == 429
    assert response.json() == {"detail": "登录失败次数过多，请15分钟后再试。"}


# --- sessions and CSRF --------------------------------------------------------------------


def test_sessions_expire_after_idle_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    # Idle expiry without a write per request: SessionRefreshMiddleware re-saves a signed-in
    # session at most every SESSION_REFRESH_SECONDS, well inside the 8 idle hours.
    assert not settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert "zhenwu.core.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SESSION_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_expired_session_is_sent_to_login_with_a_message(world):
    client = world.client("leader")
    assert client.get("/villages/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/villages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    response = client.get(response["Location"])
    assert "登录已过期" in response.content.decode()


def test_plain_login_page_does_not_claim_expiry(world):
    assert "登录已过期" not in Client().get("/login/").content.decode()


def test_csrf_is_enforced_on_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    response = client.post("/villages/add/", {"name": "跨站村", "kind": "village", "order": 1})
    assert response.status_code == 403
    response = Client(enforce_csrf_checks=True).post(
        "/login/", {"username": "admin_t", "password": PASSWORD}
    )
    assert response.status_code == 403


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/login/", "/villages/", "/calendar/", "/api/v1/villages", "/api/v1/docs"]
)
def test_security_headers(world, path):
    client = world.client(None if path == "/login/" else "leader")
    response = client.get(path)
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_csp_allows_no_other_host():
    for directive in settings.CONTENT_SECURITY_POLICY.split(";"):
        sources = directive.split()[1:]
        assert all(s in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:") for s in sources)


# --- offline: no template refers to another host ------------------------------------------

LOCAL = re.compile(r"^(https?:)?//(127\.0\.0\.1|localhost)([:/]|$)")
REF = re.compile(r"""(?:src|href|action)\s*=\s*["']((?:https?:)?//[^"']+)""", re.I)
CSS_URL = re.compile(
    r"""@import\s+["']((?:https?:)?//[^"']+)|url\(\s*["']?((?:https?:)?//[^)"']+)"""
)


def _templates():
    return [p for p in PACKAGE.rglob("templates/**/*.html")]


def test_templates_exist_to_scan():
    assert len(_templates()) >= 10


def test_no_template_refers_to_another_host():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for ref in REF.findall(text) + [a or b for a, b in CSS_URL.findall(text)]:
            if not LOCAL.match(ref):
                offenders.append(f"{path.relative_to(REPO)}: {ref}")
    assert not offenders, offenders
