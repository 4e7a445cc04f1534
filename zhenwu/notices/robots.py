"""DingTalk and WeCom group robots, without the database (docs/domain-rules.md §10).

- `sign(secret, ts_ms)`: DingTalk 加签, `urlencode(base64(HmacSHA256(secret, f"{ts}\\n{secret}")))`.
- `text_body` / `markdown_body`: the JSON each kind expects.
- `post(url, body, ...)`: one POST with the standard library; every way it can go wrong (an
  answer with `errcode != 0`, an HTTP error, a timeout, an unreachable host, a proxy that refuses,
  an answer that is not JSON) comes back as a failed `Answer`, never as an exception.
- `url_error` / `secret_error` / `mask_url`: what a robot's credentials must look like, and how
  they are shown (never in full).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

DINGTALK = "dingtalk"
WECOM = "wecom"
KINDS = (DINGTALK, WECOM)

#: Where each kind keeps its credential in the webhook URL.
TOKEN_PARAM = {DINGTALK: "access_token", WECOM: "key"}
KIND_NAMES = {DINGTALK: "钉钉", WECOM: "企业微信"}

TIMEOUT_SECONDS = 5.0
PROXY_ENV = "ZHENWU_ROBOT_PROXY"
PER_MINUTE = 20  # both DingTalk and WeCom refuse more than 20 messages a minute per robot
EXCERPT_CHARS = 120
MASK = "********"


# --- credentials ----------------------------------------------------------------------------


def url_error(kind: str, url: str) -> str | None:
    """Why `url` is not a webhook of a `kind` robot (a Chinese message naming the field)."""
    url = (url or "").strip()
    if not url:
        return "机器人地址：必填。"
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        return "机器人地址：须是以 https:// 或 http:// 开头的完整网址。"
    if any(c.isspace() for c in url):
        return "机器人地址：不能包含空格或换行。"
    param = TOKEN_PARAM.get(kind)
    if param is None:
        return None
    values = urllib.parse.parse_qs(parts.query).get(param)
    if not values or not values[0].strip():
        return (
            f"机器人地址：{KIND_NAMES[kind]}机器人的地址须包含「{param}=…」，"
            "请从群机器人设置里完整复制。"
        )
    return None


def secret_error(kind: str, secret: str) -> str | None:
    secret = secret or ""
    if kind == WECOM:
        return "加签密钥：企业微信机器人没有加签密钥，请留空。" if secret else None
    if secret and (not secret.startswith("SEC") or any(c.isspace() for c in secret)):
        return "加签密钥：钉钉的加签密钥以 SEC 开头（机器人安全设置「加签」处复制），不含空格。"
    return None


def mask_url(url: str) -> str:
    """The URL with its credential hidden: `https://oapi.dingtalk.com/robot/send?access_token=********`.
    Every query value is masked (a copied URL may carry more than the token); nothing of the
    token remains, not even its last characters."""
    try:
        parts = urllib.parse.urlsplit(url or "")
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return MASK
    if not parts.scheme or not parts.hostname:
        return MASK
    query = "&".join(f"{k}={MASK}" for k, _v in pairs)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


# --- DingTalk 加签 ----------------------------------------------------------------------------


def sign(secret: str, ts_ms: int) -> str:
    """`urlencode(base64(HmacSHA256(key=secret, msg=f"{ts}\\n{secret}")))`, UTF-8 throughout."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{ts_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def signed_url(url: str, secret: str, ts_ms: int | None = None) -> str:
    """The webhook with `&timestamp=T&sign=S` appended (DingTalk with 加签); unchanged without a
    secret."""
    if not secret:
        return url
    ts_ms = int(time.time() * 1000) if ts_ms is None else ts_ms
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={ts_ms}&sign={sign(secret, ts_ms)}"


# --- bodies -----------------------------------------------------------------------------------


def text_body(kind: str, content: str) -> dict:
    # The same shape for both kinds.
    return {"msgtype": "text", "text": {"content": content}}


def markdown_body(kind: str, title: str, text: str) -> dict:
    if kind == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    # WeCom's markdown has no title: it leads the text.
    return {"msgtype": "markdown", "markdown": {"content": text}}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- sending ----------------------------------------------------------------------------------


@dataclass
class Answer:
    ok: bool
    http_status: int | None = None
    errcode: int | None = None
    errmsg: str = ""


def proxy_from_environment() -> str:
    return os.environ.get(PROXY_ENV, "").strip()


def _opener(proxy: str):
    # No proxy unless ZHENWU_ROBOT_PROXY says so: the process's own http(s)_proxy variables are
    # ignored on purpose (an intranet server's general proxy is not necessarily the robots' way
    # out, and a test must never reach a real host through one).
    handlers = {"http": proxy, "https": proxy} if proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(handlers))


def _safe(text: str) -> str:
    """An error text as recorded: never the URL (its token), at most 300 characters."""
    return excerpt(text, 300)


def _answer_of(status: int, raw: bytes) -> Answer:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Answer(False, status, None, _safe(f"回应不是 JSON：{raw[:80]!r}"))
    if not isinstance(data, dict):
        return Answer(False, status, None, "回应不是 JSON 对象")
    code = data.get("errcode")
    message = str(data.get("errmsg", ""))
    if isinstance(code, bool) or not isinstance(code, int):
        return Answer(False, status, None, _safe(f"回应没有 errcode：{message}"))
    return Answer(code == 0, status, code, _safe(message))


def post(url: str, body: dict, *, timeout: float = TIMEOUT_SECONDS, proxy: str | None = None):
    """POST `body` as JSON to `url`; an `Answer`, whatever happens (never raises)."""
    proxy = proxy_from_environment() if proxy is None else proxy
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with _opener(proxy).open(request, timeout=timeout) as response:
            return _answer_of(response.status, response.read(64 * 1024))
    except urllib.error.HTTPError as exc:
        try:
            raw = exc.read(64 * 1024)
        except Exception:
            raw = b""
        answer = _answer_of(exc.code, raw) if raw else Answer(False, exc.code)
        answer.ok = False
        answer.errmsg = _safe(
            f"HTTP {exc.code} {exc.reason}" + (f"：{answer.errmsg}" if answer.errmsg else "")
        )
        return answer
    except TimeoutError:
        return Answer(False, None, None, f"超时：{timeout:g} 秒内无回应")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Answer(False, None, None, f"超时：{timeout:g} 秒内无回应")
        return Answer(False, None, None, _safe(f"无法连接：{reason}"))
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return Answer(False, None, None, _safe(f"发送失败：{exc.__class__.__name__} {exc}"))
