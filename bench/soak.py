"""`make soak` — load, lock and crash checks against gunicorn started as the README starts it
(2 workers × 4 threads), on loopback, in a throw-away data directory: on SQLite, or on the
PostgreSQL database named by DATABASE_URL when it is set (`make soak` runs both, the second
through `scripts/with-postgres.sh`). Not part of `make test`. Three phases, each bounded in time:

1. mix: 50 clients for 60 s on a mix of pages (session) and API lists (token) — requests/s,
   p50/p95, errors. Goal: p95 < 500 ms, zero errors.
2. import under load: `zhenwu import investments` of a 10,000-row file while 20 clients read
   and write (API lists, pages, PATCH with version) — zero failed requests (5xx, "database
   is locked", connection errors). A 409 (stale version) is an answer, not a failure.
3. kill -9 during an import, then all-or-nothing: either every row of the file is there or
   none is (and on SQLite `PRAGMA integrity_check` says ok).

Usage: python bench/soak.py [--clients 50] [--seconds 60] [--rows 10000] [--port 8765]
Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "Soak-Pass-2025"
PAGES = ["/investment/investments/", "/enterprises/enterprises/", "/projects/", "/changelog/"]
API = ["/api/v1/investments", "/api/v1/enterprises", "/api/v1/projects", "/api/v1/villages"]
KILL_COUNT = (
    "from zhenwu.investment.models import Investment; "
    "print(Investment.all_objects.filter(code__startswith='KILL').count())"
)


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kw)


class Client:
    """One keep-alive connection; a session (pages) or a bearer token (API)."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed: reconnect once (not a failure).
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username):
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = f"csrfmiddlewaretoken={token}&username={username}&password={PASSWORD}"
        status, _ = self.request(
            "POST",
            "/login/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base},
        )
        assert status == 302, f"login {username}: {status}"

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}/"

    def api_token(self, username):
        status, data = self.request(
            "POST",
            "/api/v1/auth/token",
            body=json.dumps({"username": username, "password": PASSWORD}),
            headers={"Content-Type": "application/json"},
        )
        assert status == 200, status
        self.token = json.loads(data)["token"]


def load(port, clients, seconds, *, writes=False, users=("leader",), until=None):
    """`clients` threads for `seconds`; returns (latencies, failures, count)."""
    latencies, failures = [], []
    lock = threading.Lock()
    clock = {}

    def start_clock():  # once every client has signed in (Argon2 logins are slow by design)
        clock["deadline"] = time.monotonic() + seconds

    ready = threading.Barrier(clients, action=start_clock)

    def worker(i):
        try:
            _worker(i)
        except Exception as exc:  # a client that cannot go on is a failure, and is shown
            ready.abort()
            with lock:
                failures.append(f"{type(exc).__name__}: {exc}")

    def _worker(i):
        user = users[i % len(users)]
        page, api = Client(port), Client(port)
        page.login(user)
        api.api_token(user)
        ready.wait()
        deadline = clock["deadline"]
        n = 0
        while time.monotonic() < deadline and (until is None or until() is None):
            n += 1
            if writes and n % 5 == 0:
                status, data = api.request("GET", "/api/v1/villages?limit=1")
                item = json.loads(data)["items"][0] if status == 200 else None
                if item is None:
                    continue
                t0 = time.perf_counter()
                status, _ = api.request(
                    "PATCH",
                    f"/api/v1/villages/{item['id']}",
                    body=json.dumps({"note": f"soak {i} {n}", "version": item["version"]}),
                    headers={"Content-Type": "application/json"},
                )
                ok = status in (200, 404, 409)
            elif n % 2:
                t0 = time.perf_counter()
                # n is odd here: n // 2 walks every page in turn (n % 4 only ever hit two)
                status, _ = page.request("GET", PAGES[(n // 2) % len(PAGES)])
                ok = status == 200
            else:
                t0 = time.perf_counter()
                status, _ = api.request("GET", API[(n // 2) % len(API)] + "?limit=50")
                ok = status == 200
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(status)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures


def report(name, latencies, failures, seconds):
    if not latencies:
        failures.append("no request completed")
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [0] * 99
    print(
        f"{name}: {len(latencies)} requests, {len(latencies) / seconds:.0f}/s, "
        f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, errors {len(failures)}"
        + (f" {sorted({str(f) for f in failures})[:5]}" if failures else ""),
        flush=True,
    )
    return q[94]


def write_ledger(path: Path, rows: int, prefix: str):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编号", "项目名称", "计划总投资（万元）"])
        for i in range(rows):
            w.writerow([f"{prefix}{i:06d}", f"压测项目{prefix}{i}", 1000 + i])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ZHENWU_DATA_DIR": tmp}
        env.pop("ZHENWU_TESTING", None)
        postgres = bool(env.get("DATABASE_URL"))
        print(f"数据库：{'PostgreSQL' if postgres else 'SQLite'}", flush=True)
        print("准备：迁移并载入演示数据…", flush=True)
        run([BIN / "zhenwu", "migrate", "--noinput", "-v", "0"], env)
        run([BIN / "zhenwu", "collectstatic", "--noinput", "-v", "0"], env)
        run([BIN / "zhenwu", "demo", "--password", PASSWORD], env, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [BIN / "gunicorn", "zhenwu.wsgi", "--bind", f"127.0.0.1:{args.port}",
             "--workers", "2", "--threads", "4", "--timeout", "120"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                        "GET", "/login/"
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            # 1. the mix
            lat, fails = load(args.port, args.clients, args.seconds, users=("leader", "admin"))
            p95 = report(
                f"mix（{args.clients} 客户端 {args.seconds} 秒）", lat, fails, args.seconds
            )
            failed |= bool(fails) or p95 >= 0.5
            # 2. a big import while 20 clients read and write
            ledger = Path(tmp) / "soak.csv"
            write_ledger(ledger, args.rows, "SOAK")
            started = time.monotonic()
            importer = subprocess.Popen(
                [BIN / "zhenwu", "import", "investments", str(ledger), "--json"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            lat, fails = load(
                args.port, 20, 900, writes=True, users=("admin",), until=importer.poll
            )
            importer.wait(timeout=900)
            took = time.monotonic() - started
            ok = importer.returncode == 0
            print(
                f"导入 {args.rows} 行：{'成功' if ok else '失败'}，用时 {took:.1f} 秒", flush=True
            )
            report("导入期间 20 客户端读写", lat, fails, max(took, 1))
            failed |= bool(fails) or not ok
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        # 3. kill -9 during an import; integrity check; all or nothing
        ledger = Path(tmp) / "kill.csv"
        write_ledger(ledger, args.rows, "KILL")
        importer = subprocess.Popen(
            [BIN / "zhenwu", "import", "investments", str(ledger)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(3)
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        integrity = "ok"
        if not postgres:
            db = sqlite3.connect(Path(tmp) / "zhenwu.sqlite3")
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
        counted = run(
            [BIN / "zhenwu", "shell", "-c", KILL_COUNT], env, capture_output=True, text=True
        )
        kept = int(counted.stdout.strip().splitlines()[-1])
        whole = kept in (0, args.rows)
        print(f"kill -9 导入：完整性 {integrity}，留下 {kept} 行（全有或全无：{whole}）")
        failed |= integrity != "ok" or not whole
    print("未达标。" if failed else "全部达标。")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
