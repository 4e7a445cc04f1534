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

The demo (`zhenwu demo`, a minute or two of writes) is loaded once per run the same way
(`demo_database()`): the first module that needs it loads it and keeps a snapshot; every other
module, on any worker, gets a copy of the snapshot, and the database is put back as it was
when the module is done. The browser journeys start from a copy of it too (`demo_copied()`),
instead of loading their own on every worker.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
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


def shared_dir(request, tmp_path_factory) -> Path:
    """A directory of this run that every xdist worker sees (the run's own with no xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base


def _switch(connection, name: str) -> None:
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _sqlite_copy(source, target) -> None:
    """Copy a whole SQLite database (a path or an open connection) onto another."""
    src = (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) if isinstance(source, Path) else source
    )
    dst = sqlite3.connect(target) if isinstance(target, Path) else target
    try:
        src.backup(dst)
    finally:
        if isinstance(source, Path):
            src.close()
        if isinstance(target, Path):
            dst.close()


def _load_demo(password: str) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo", password=password, stdout=out)
    return out.getvalue()


def _demo_key(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest()[:8]


def _sqlite_demo(shared: Path, password: str, info: dict | None) -> str:
    """With the demo lock held: this worker's in-memory SQLite database becomes the run's demo
    — a copy of the snapshot, or loaded by the first to ask, who keeps the snapshot."""
    from django.db import connection

    connection.ensure_connection()
    if info:
        _sqlite_copy(shared / info["db"], connection.connection)
        return info["output"]
    output = _load_demo(password)
    name = f"zhenwu-demo-{_demo_key(password)}.sqlite3"
    _sqlite_copy(connection.connection, shared / f"{name}.tmp")
    (shared / f"{name}.tmp").rename(shared / name)
    (shared / f"zhenwu-demo-{_demo_key(password)}.json").write_text(
        json.dumps({"db": name, "output": output})
    )
    return output


def demo_copied(shared: Path, password: str) -> bool:
    """Put the run's demo into this worker's database for good (the browser journeys keep it
    for the whole session and restore it themselves): a copy of the one loaded for the run, a
    second or two instead of a minute. In-memory SQLite: the snapshot, or loaded here first.
    PostgreSQL: every table copied from the snapshot database when one was made. False when
    nothing was copied: the caller loads the demo itself."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    info_file = shared / f"zhenwu-demo-{_demo_key(password)}.json"
    with _locked(shared / "zhenwu-demo.lock"):
        info = _read(info_file)
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.settings_dict["NAME"]
        ):
            _sqlite_demo(shared, password, info)
        elif connection.vendor == "postgresql" and info:
            _pg_copy_tables(connection, info["db"])
        else:
            return False
    ContentType.objects.clear_cache()  # ids as in the copy, not as before it
    cache.clear()
    return True


def _pg_copy_tables(connection, source_db: str) -> None:
    """Replace every table's rows with those of another database of the same schema on the
    same server (COPY out of it and into this one, in one transaction: Django's foreign keys
    are deferred on PostgreSQL, so the order does not matter), then move the sequences."""
    import psycopg
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import transaction

    params = {  # as Django connects (host and port may sit in OPTIONS), to the other database
        key: value
        for key, value in connection.get_connection_params().items()
        if key not in ("context", "cursor_factory", "prepare_threshold")
    }
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quoted = [_qn(connection, t) for t in tables]
    with (
        psycopg.connect(**{**params, "dbname": source_db}) as source,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {', '.join(quoted)}")
        for table in quoted:
            with (
                source.cursor().copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as out,
                cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as into,
            ):
                for chunk in out:
                    into.write(chunk)
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _read(info_file: Path) -> dict | None:
    return json.loads(info_file.read_text()) if info_file.exists() else None


@contextlib.contextmanager
def demo_database(shared: Path, password: str):
    """The demo committed in the test database for the duration of the block (its output is
    yielded), loaded once per run and copied from a snapshot after that; the database is
    restored as it was afterwards. On other databases: loaded in a transaction rolled back."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection, transaction

    vendor = connection.vendor
    in_memory = vendor == "sqlite" and connection.creation.is_in_memory_db(
        connection.settings_dict["NAME"]
    )
    if not (in_memory or vendor == "postgresql") or connection.in_atomic_block:
        with transaction.atomic():
            yield _load_demo(password)
            transaction.set_rollback(True)
        return
    key = _demo_key(password)
    info_file = shared / f"zhenwu-demo-{key}.json"
    own = connection.settings_dict["NAME"]
    clean = shared / f"zhenwu-clean-{os.getpid()}.sqlite3"
    work = f"{own}_demo"
    connection.ensure_connection()
    if in_memory:
        _sqlite_copy(connection.connection, clean)
    cache.clear()
    try:
        with _locked(shared / "zhenwu-demo.lock"):
            info = _read(info_file)
            if vendor == "postgresql":
                source = info["db"] if info else own
                connection.close()
                with connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, work)}")
                    cursor.execute(
                        f"CREATE DATABASE {_qn(connection, work)} "
                        f"WITH TEMPLATE {_qn(connection, source)}"
                    )
                _switch(connection, work)
            if in_memory:
                output = _sqlite_demo(shared, password, info)
            elif info:
                output = info["output"]
            else:
                output = _load_demo(password)
                # PostgreSQL: the snapshot is a database made from this one.
                name = f"{own}_demosnap"
                connection.close()
                with connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, name)}")
                    cursor.execute(
                        f"CREATE DATABASE {_qn(connection, name)} "
                        f"WITH TEMPLATE {_qn(connection, work)}"
                    )
                info_file.write_text(json.dumps({"db": name, "output": output}))
        ContentType.objects.clear_cache()
        yield output
    finally:
        if in_memory:
            connection.ensure_connection()
            _sqlite_copy(clean, connection.connection)
            clean.unlink(missing_ok=True)
        elif connection.settings_dict["NAME"] == work:
            _switch(connection, own)
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, work)}")
        ContentType.objects.clear_cache()
        cache.clear()


def drop_demo_snapshots(shared: Path) -> None:
    """Drop the PostgreSQL demo snapshots of this run (SQLite's are files in its temp dir)."""
    from django.db import connection

    for info_file in shared.glob("zhenwu-demo-*.json"):
        info = json.loads(info_file.read_text())
        if connection.vendor == "postgresql":
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_qn(connection, info['db'])}")
        info_file.unlink(missing_ok=True)


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
                drop_demo_snapshots(shared_dir(request, tmp_path_factory))
                _teardown(request, db_cfg)
        return

    shared = shared_dir(request, tmp_path_factory)
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
                drop_demo_snapshots(shared)
                template.drop()
                state = {"built": False, "users": 0}
            state_file.write_text(json.dumps(state))


DEMO_PASSWORD = "Demo-Pass-2025"


@pytest.fixture(scope="module")
def demo_db(request, tmp_path_factory, django_db_setup, django_db_blocker):
    """The demo (`zhenwu demo`, password `DEMO_PASSWORD`) in the test database for one test
    module; the command's output is returned. Loaded once per test run and copied for the
    other modules and xdist workers (`demo_database`); the database is put back as it was at
    the module's end. Tests using it also request `db` (each rolls back its own changes)."""
    with (
        django_db_blocker.unblock(),
        demo_database(shared_dir(request, tmp_path_factory), DEMO_PASSWORD) as output,
    ):
        yield output
