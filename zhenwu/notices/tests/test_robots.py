"""The pure sending layer (docs/domain-rules.md §10) against a local host on 127.0.0.1."""

import base64
import hashlib
import hmac
import time
import urllib.parse

import pytest

from zhenwu.notices import robots
from zhenwu.notices.tests.fakehost import FakeRobotHost, closed_port


@pytest.fixture
def host():
    h = FakeRobotHost()
    yield h
    h.close()


# --- signing ----------------------------------------------------------------------------------

SECRET = "SEC0123456789abcdef"
TS = 1700000000000
# Computed by hand: printf '1700000000000\nSEC0123456789abcdef' \
#   | openssl dgst -sha256 -hmac 'SEC0123456789abcdef' -binary | base64
VECTOR_B64 = "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="


def test_sign_matches_the_hand_computed_vector():
    assert robots.sign(SECRET, TS) == urllib.parse.quote_plus(VECTOR_B64)
    assert robots.sign(SECRET, TS) == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"
    # …and the recipe of §10, step by step.
    digest = hmac.new(SECRET.encode(), f"{TS}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == VECTOR_B64


def test_signed_url_appends_timestamp_and_sign():
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    signed = robots.signed_url(url, SECRET, TS)
    assert signed == f"{url}&timestamp={TS}&sign={robots.sign(SECRET, TS)}"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(signed).query)
    assert query["sign"] == [VECTOR_B64]  # the server decodes it back to the base64 text
    assert robots.signed_url(url, "", TS) == url  # no secret: unchanged


def test_signed_url_timestamp_is_now_in_milliseconds():
    signed = robots.signed_url("https://x.example/robot/send?access_token=a", SECRET)
    ts = int(urllib.parse.parse_qs(urllib.parse.urlsplit(signed).query)["timestamp"][0])
    assert abs(ts - time.time() * 1000) < 60_000


# --- bodies -----------------------------------------------------------------------------------


def test_body_shapes_per_kind():
    assert robots.text_body("dingtalk", "你好") == {"msgtype": "text", "text": {"content": "你好"}}
    assert robots.text_body("wecom", "你好") == {"msgtype": "text", "text": {"content": "你好"}}
    assert robots.markdown_body("dingtalk", "标题", "## 正文") == {
        "msgtype": "markdown",
        "markdown": {"title": "标题", "text": "## 正文"},
    }
    assert robots.markdown_body("wecom", "标题", "## 正文") == {
        "msgtype": "markdown",
        "markdown": {"content": "## 正文"},
    }


# --- credentials ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "url", "ok"),
    [
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc", True),
        ("dingtalk", "http://10.0.0.5/robot/send?access_token=abc", True),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?key=abc", False),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=", False),
        ("dingtalk", "ftp://oapi.dingtalk.com/robot/send?access_token=abc", False),
        ("dingtalk", "oapi.dingtalk.com/robot/send?access_token=abc", False),
        ("dingtalk", "", False),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123", True),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?access_token=abc", False),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a b", False),
    ],
)
def test_url_rules(kind, url, ok):
    message = robots.url_error(kind, url)
    assert (message is None) == ok, message
    if message:
        assert message.startswith("机器人地址：")


def test_secret_rules():
    assert robots.secret_error("dingtalk", "") is None
    assert robots.secret_error("dingtalk", "SECabc") is None
    assert robots.secret_error("dingtalk", "abc").startswith("加签密钥：")
    assert robots.secret_error("wecom", "") is None
    assert robots.secret_error("wecom", "SECabc").startswith("加签密钥：")


def test_mask_url_hides_every_credential():
    masked = robots.mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456")
    assert masked == "https://oapi.dingtalk.com/robot/send?access_token=********"
    masked = robots.mask_url("https://u:p@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1&x=2")
    assert "k1" not in masked and "u:p" not in masked and "key=********" in masked
    assert robots.mask_url("not a url") == robots.MASK


# --- posting ----------------------------------------------------------------------------------


def test_post_ok_sends_json_utf8(host):
    answer = robots.post(host.url(), robots.text_body("dingtalk", "测试"), proxy="")
    assert answer.ok and answer.errcode == 0 and answer.http_status == 200
    sent = host.requests[-1]
    assert sent["body"] == {"msgtype": "text", "text": {"content": "测试"}}
    assert sent["content_type"].startswith("application/json")
    assert sent["query"]["access_token"] == "test-token-abc"


def test_post_errcode_not_zero_is_a_failure(host):
    host.mode = "errcode"
    answer = robots.post(host.url(), robots.text_body("dingtalk", "x"), proxy="")
    assert not answer.ok
    assert answer.errcode == 310000 and "keywords" in answer.errmsg


def test_post_http_500_is_a_failure(host):
    host.mode = "http500"
    answer = robots.post(host.url(), robots.text_body("wecom", "x"), proxy="")
    assert not answer.ok and answer.http_status == 500
    assert "HTTP 500" in answer.errmsg


def test_post_answer_not_json_is_a_failure(host):
    host.mode = "notjson"
    answer = robots.post(host.url(), robots.text_body("wecom", "x"), proxy="")
    assert not answer.ok and answer.errcode is None and "JSON" in answer.errmsg


def test_post_timeout_is_a_failure(host):
    host.mode = "slow"
    started = time.monotonic()
    answer = robots.post(host.url(), robots.text_body("dingtalk", "x"), timeout=0.3, proxy="")
    assert time.monotonic() - started < 1.4
    assert not answer.ok and "超时" in answer.errmsg


def test_post_refused_connection_is_a_failure():
    url = f"http://127.0.0.1:{closed_port()}/robot/send?access_token=a"
    answer = robots.post(url, robots.text_body("dingtalk", "x"), proxy="")
    assert not answer.ok and answer.http_status is None and "无法连接" in answer.errmsg
    assert "access_token" not in answer.errmsg


def test_post_goes_through_the_configured_proxy(host, monkeypatch):
    """ZHENWU_ROBOT_PROXY: the request goes to the proxy (here the fake host itself, which sees
    the absolute URL of a host that does not exist)."""
    monkeypatch.setenv(robots.PROXY_ENV, f"http://127.0.0.1:{host.port}")
    answer = robots.post(
        "http://robot.invalid/robot/send?access_token=p", robots.text_body("dingtalk", "x")
    )
    assert answer.ok
    assert host.requests[-1]["query"]["access_token"] == "p"


def test_no_proxy_when_unset_even_if_http_proxy_is(monkeypatch, host):
    monkeypatch.delenv(robots.PROXY_ENV, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    answer = robots.post(host.url(), robots.text_body("dingtalk", "x"))
    assert answer.ok
