"""Error pages read in Chinese, inside the product's frame, with a way home (issue 10 item 8);
the 500 page renders with no database and no request context."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.views import defaults

from zhenwu.urls import urlpatterns as real_urlpatterns


def _raise_403(request):
    raise PermissionDenied


def _raise_400(request):
    raise SuspiciousOperation("bad")


def _raise_500(request):
    raise RuntimeError("boom")


def _raise_404(request):
    raise Http404


urlpatterns = [
    path("test-errors/403/", _raise_403),
    path("test-errors/400/", _raise_400),
    path("test-errors/500/", _raise_500),
    path("test-errors/404/", _raise_404),
    *real_urlpatterns,
]


def _assert_frame(body: str):
    assert 'data-testid="error-page"' in body
    assert 'data-testid="error-home"' in body and 'href="/"' in body  # a way home
    assert "navbar" in body and "镇务" in body  # the product's frame (base.html)
    assert "Not Found" not in body and "Server Error" not in body and "Forbidden" not in body


@pytest.fixture
def prod(settings):
    settings.DEBUG = False


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test-errors/404/", 404, "页面不存在"),
        ("/no-such-page/", 404, "页面不存在"),
        ("/test-errors/403/", 403, "无权访问"),
        ("/test-errors/400/", 400, "请求有误"),
        ("/test-errors/500/", 500, "系统出错了"),
    ],
)
def test_error_pages_are_chinese_in_the_frame(prod, world, url, status, heading):
    client = world.client("leader")
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert heading in body
    _assert_frame(body)


@override_settings(ROOT_URLCONF=__name__)
def test_404_for_anonymous_users_too(prod, db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    _assert_frame(response.content.decode())
    assert "sidebar" not in response.content.decode()  # no menu for someone not signed in


def test_500_page_needs_no_database_and_no_request_context(settings):
    """No `db` fixture here: pytest-django fails any query. Django renders the 500 page with an
    empty context (no context processors); it must still be the framed Chinese page."""
    settings.DEBUG = False
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body
    _assert_frame(body)


def test_400_page_needs_no_request_context(settings):
    settings.DEBUG = False
    response = defaults.bad_request(RequestFactory().get("/"), SuspiciousOperation("x"))
    assert response.status_code == 400
    _assert_frame(response.content.decode())


def test_csrf_failure_is_chinese(prod, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["leader"])
    response = client.post("/password/", {})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body
    _assert_frame(body)
