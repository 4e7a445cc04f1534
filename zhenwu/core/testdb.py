"""The test database under pytest-xdist: migrated once per run, copied for every worker.

pytest-django migrates a test database per xdist worker; with two workers that is the whole
migration history run twice in parallel on two cores (about 80 s each under load, on each
database). Here the first worker to take a file lock migrates a template — the ordinary
`setup_databases()`, so every migration still runs on every test run — and each worker gets a
copy of it:

- SQLite: the worker's own database stays in memory (as pytest-django makes it); the migrated
  one is saved to a file with SQLite's backup API and restored into the other workers' memory
  databases the same way.
- PostgreSQL: the template is a database of its own (`test_<name>_template`); each worker's
  database is `CREATE DATABASE … TEMPLATE …` of it (a file copy in the server).

The template is dropped when the last worker that uses it tears down. Without xdist, with
`--reuse-db` or `--nomigrations`, pytest-django's own setup runs unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
from pathlib import Path

import pytest


def _setup(request, keepdb: bool):
    from django.test.utils import setup_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    return setup_databases(
        verbosity=request.config.option.verbose,
        interactive=False,
        aliases=aliases,
        serialized_aliases=serialized_aliases,
        keepdb=keepdb,
    )


def _teardown(request, db_cfg) -> None:
    from django.test.utils import teardown_databases

    try:
        teardown_databases(db_cfg, verbosity=request.config.option.verbose)
    except Exception as exc:  # as pytest-django: a warning, not a failure
        request.node.warn(pytest.PytestWarning(f"测试数据库清理失败: {exc!r}"))


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _state(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"built": False, "users": 0}


def _qn(connection, name: str) -> str:
    return connection.ops.quote_name(name)


class _Template:
    """The migrated template of the default database for this run (one per xdist run)."""

    def __init__(self, shared: Path):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.file = shared / "zhenwu-test-template.sqlite3"
        base = connection.creation._get_test_db_name()  # test_zhenwu_gw0 on PostgreSQL
        self.pg_name = base.rsplit("_", 1)[0] + "_template"

    def build(self, request) -> list:
        """Migrate this worker's database the ordinary way and keep a copy as the template."""
        db_cfg = _setup(request, keepdb=False)
        connection = self.connection
        if self.vendor == "sqlite":
            tmp = self.file.with_suffix(".tmp")
            target = sqlite3.connect(tmp)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            tmp.rename(self.file)
        else:
            own = connection.settings_dict["NAME"]
            connection.close()
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, self.pg_name)}")
                cursor.execute(
                    f"CREATE DATABASE {_qn(connection, self.pg_name)} "
                    f"WITH TEMPLATE {_qn(connection, own)}"
                )
        return db_cfg

    def copy(self) -> list:
        """This worker's test database as a copy of the template (no migration)."""
        from django.conf import settings

        connection = self.connection
        old_name = connection.settings_dict["NAME"]
        name = connection.creation._get_test_db_name()
        connection.close()
        if self.vendor == "postgresql":
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, name)}")
                cursor.execute(
                    f"CREATE DATABASE {_qn(connection, name)} "
                    f"WITH TEMPLATE {_qn(connection, self.pg_name)}"
                )
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        if self.vendor == "sqlite":
            source = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True)
            source.backup(connection.connection)
            source.close()
        return [(connection, old_name, True)]

    def drop(self) -> None:
        if self.vendor == "sqlite":
            self.file.unlink(missing_ok=True)
            return
        connection = self.connection
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, self.pg_name)}")


def _copyable(request) -> bool:
    from django.conf import settings
    from django.db import connection

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    return (
        worker is not None
        and set(settings.DATABASES) == {"default"}
        and connection.vendor in ("sqlite", "postgresql")
        and not (connection.vendor == "sqlite" and connection.settings_dict["TEST"].get("NAME"))
    )


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's `django_db_setup`, with the test database migrated once per run and
    copied for each xdist worker (see the module docstring)."""
    keepdb = django_db_keepdb and not django_db_createdb
    if django_db_keepdb or not django_db_use_migrations or not _copyable(request):
        if not django_db_use_migrations:
            from pytest_django.fixtures import _disable_migrations

            _disable_migrations()
        with django_db_blocker.unblock():
            db_cfg = _setup(request, keepdb=keepdb)
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                _teardown(request, db_cfg)
        return

    shared = tmp_path_factory.getbasetemp().parent  # one directory for every worker of the run
    lock, state_file = shared / "zhenwu-test-db.lock", shared / "zhenwu-test-db.json"
    with django_db_blocker.unblock():
        template = _Template(shared)
        with _locked(lock):
            state = _state(state_file)
            if state["built"]:
                db_cfg = template.copy()
            else:
                db_cfg = template.build(request)
                state["built"] = True
            state["users"] += 1
            state_file.write_text(json.dumps(state))
    yield
    with django_db_blocker.unblock():
        _teardown(request, db_cfg)
        with _locked(lock):
            state = _state(state_file)
            state["users"] -= 1
            if state["users"] <= 0:
                template.drop()
                state = {"built": False, "users": 0}
            state_file.write_text(json.dumps(state))
