"""Shared fixtures: a Redis for the session, a live web server, real Celery worker processes.

With REDIS_URL / DATABASE_URL set (CI), the real servers are used, under a run-unique Redis key
prefix and a fresh test database; otherwise an embedded Redis and a SQLite file in WAL mode.
"""

from __future__ import annotations

import functools
import gc
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.signals import clear_cache_handlers

from tangent.embedded_redis import start_redis, stop
from tangent.queues import QUEUES
from tests.support import written_tables

pytest_plugins = ["tests.support.lti"]

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session", autouse=True)
def embedded_redis(tmp_path_factory):
    """The Redis this test session uses (started here unless REDIS_URL is set), with its own prefix."""
    process = None
    url = os.environ.get("REDIS_URL")
    if not url:
        process, url = start_redis(tmp_path_factory.mktemp("redis"))
    prefix = f"tangent-test-{uuid.uuid4().hex[:12]}:"
    _point_at_redis(url, prefix)
    yield url
    _clear_prefix(url, prefix)
    if process is not None:
        stop(process)


def _point_at_redis(url: str, prefix: str) -> None:
    from tangent import redis_client
    from tangent.celery import app

    settings.REDIS_URL = url
    settings.REDIS_PREFIX = prefix
    settings.CELERY_BROKER_URL = url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": prefix,
    }
    app.conf.broker_url = url
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    # Forget pooled connections to a previous broker, so tasks are published to this one.
    app._pool = None
    app.amqp._producer_pool = None
    redis_client.client.cache_clear()
    settings.CACHES["default"]["LOCATION"] = url
    clear_cache_handlers(setting="CACHES")  # Django's cache reconnects to this Redis


def _clear_prefix(url: str, prefix: str) -> None:
    """Delete only this run's keys: the server may be shared."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)


def database_url() -> str:
    """The URL of the test database, for processes started by the tests."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        TANGENT_REDIS_PREFIX=settings.REDIS_PREFIX,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class Worker:
    """A real Celery worker process (prefork pool) on the test database and Redis, consuming
    every queue unless told which. A standby worker starts consuming only a queue of its own,
    which nothing is sent to, until `take_over()` gives it its queues: a test that kills a worker
    starts the next one beforehand instead of waiting for a start (seconds) after the kill.

    Django's system checks are skipped at start-up (Celery's `--skip-checks`: they cost a start
    2-4 s here, and the test session has run them)."""

    def __init__(
        self,
        module: str = "tangent",
        concurrency: int = 1,
        root: Path = ROOT,
        queues: tuple[str, ...] = tuple(QUEUES),
        *,
        standby: bool = False,
        **env: str,
    ):
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.queues = tuple(queues)
        self.log = ROOT / "var" / "test-logs" / f"{self.name.split('@')[0]}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        consumed = (f"standby-{self.name.split('@')[0]}",) if standby else self.queues
        command = [sys.executable, "-m", "celery", "--skip-checks", "-A", module, "worker",
                   "--pool", "prefork", "--queues", ",".join(consumed),
                   "--concurrency", str(concurrency), "--hostname", self.name, "--loglevel", "INFO",
                   "--without-gossip", "--without-mingle"]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=root,
            env=process_env(**({"PYTHONPATH": str(root)} | env)),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ready = False

    def wait_ready(self, timeout: float = 60) -> Worker:
        from courseware.grading import workers

        deadline = time.monotonic() + timeout
        while not self.ready and time.monotonic() < deadline:
            if any(w.get("name") == self.name for w in workers.live_workers()):
                self.ready = True
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if not self.ready:
            raise RuntimeError(f"worker did not start:\n{self.log.read_text()[-3000:]}")
        return self

    def take_over(self) -> Worker:
        """A standby worker, once ready, consumes its queues."""
        self.wait_ready().control("add_consumer", self.queues)
        return self

    def control(self, command: str, queues: tuple[str, ...]) -> None:
        """Celery's remote control (`add_consumer`, `cancel_consumer`), queue by queue: an answer
        in milliseconds."""
        from tangent.celery import app

        for queue in queues:
            replies = getattr(app.control, command)(
                queue, destination=[self.name], reply=True, timeout=10
            )
            if not replies:
                raise RuntimeError(f"worker {self.name} did not answer {command} {queue}")

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """After its test: killed at once (a warm shutdown takes Celery two seconds, and nothing
        the worker still holds matters now), and its heartbeat taken off the list of live ones."""
        from courseware.grading import workers

        self.kill()
        workers.forget(self.name)


class SharedWorker:
    """The plain worker (this checkout, no settings of its own) of one test process: started
    paused as the session sets up when a test will ask for it, then kept, consuming only the
    queues a test asks for while the test holds it, with as many pool processes as it asks for
    (Celery's remote control adds and cancels queues and grows and shrinks the pool in
    milliseconds, where a start takes seconds)."""

    def __init__(self) -> None:
        self.worker: Worker | None = None
        self.taken: tuple[str, ...] = ()
        self.grown = 0

    def start(self) -> Worker:
        """Started (consuming nothing) unless it runs; the last may have been killed by its test."""
        if self.worker is None or self.worker.process.poll() is not None:
            self.worker = Worker(standby=True)
            self.taken, self.grown = (), 0
        return self.worker

    def take(self, queues: tuple[str, ...] = tuple(QUEUES), concurrency: int = 1) -> Worker:
        worker = self.start().wait_ready()
        worker.control("add_consumer", queues)
        self.taken = queues
        if concurrency > 1:
            if not self._pool("pool_grow", concurrency - 1):
                raise RuntimeError(f"worker {worker.name} did not grow its pool")
            self.grown = concurrency - 1
        return worker

    def release(self) -> None:
        """Paused, holding nothing of its test: the tasks it reserved or holds until they are
        due (a retry's back-off, the outbox's kick) are revoked, or they would run in a later
        test, on that test's data. One still running, or a pool that does not shrink, and the
        next test gets a new worker."""
        if self.worker is not None and self.worker.process.poll() is None:
            self.worker.control("cancel_consumer", self.taken)
            shrunk = not self.grown or self._pool("pool_shrink", self.grown)
            if not (shrunk and self._drop_held()):
                self.stop()
        self.taken, self.grown = (), 0

    def _drop_held(self, wait: float = 2.0) -> bool:
        """Revoke the tasks the worker holds, then let the ones running end; False if one still
        runs after `wait` seconds (a fan-out or a sweep a test set off as it ended takes
        milliseconds)."""
        from tangent.celery import app

        assert self.worker is not None
        name = self.worker.name
        inspect = app.control.inspect(destination=[name], limit=1, timeout=10)
        held = [entry["request"] for entry in (inspect.scheduled() or {}).get(name, [])]
        held += (inspect.reserved() or {}).get(name, [])
        if held:
            app.control.revoke(
                [task["id"] for task in held],
                destination=[name],
                reply=True,
                limit=1,
                timeout=10,
            )
        deadline = time.monotonic() + wait
        while (inspect.active() or {}).get(name):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def _pool(self, command: str, n: int) -> bool:
        from tangent.celery import app

        assert self.worker is not None
        replies = getattr(app.control, command)(
            n, destination=[self.worker.name], reply=True, timeout=10
        )
        return bool(replies) and "ok" in next(iter(replies[0].values()))


SHARED_WORKER = SharedWorker()


@pytest.fixture(scope="session")
def shared_worker(django_db_setup):
    """Stopped before the test database is dropped (it holds connections to it)."""
    yield SHARED_WORKER
    SHARED_WORKER.stop()


@pytest.fixture
def no_workers(shared_worker):
    """No worker alive: the test process's shared worker (paused, but beating) is stopped."""
    shared_worker.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that ran workers shows the end of each one's log beside its traceback."""
    report = yield
    if report.failed:
        for worker in getattr(item, "workers_seen", []):
            tail = worker.log.read_text(errors="replace")[-6000:] if worker.log.exists() else ""
            report.sections.append((f"worker {worker.name} (log tail)", tail))
    return report


@pytest.fixture
def live_worker(request, transactional_db, shared_worker):
    """Real Celery workers: `live_worker()` returns a ready Worker: the test process's shared
    worker when asked for one with no module, checkout or settings of its own (on the queues and
    with the pool processes asked for), else a new one. `ready=False` returns a new worker at once
    (start several together, then `wait_ready()` each); `standby=True` one that consumes nothing
    until its `take_over()`. All are stopped (the shared one paused) afterwards. A failed test's
    report holds the end of each one's log."""
    started: list[Worker] = []
    seen: list[Worker] = []  # the shared one too, for a failure's report
    request.node.workers_seen = seen
    took_shared = False

    def start(
        module: str = "tangent",
        concurrency: int = 1,
        root: Path = ROOT,
        queues: tuple[str, ...] = tuple(QUEUES),
        *,
        ready: bool = True,
        standby: bool = False,
        **env: str,
    ) -> Worker:
        """`root`: the directory the worker runs from (another host's checkout)."""
        nonlocal took_shared
        if (module, root, env, standby) == ("tangent", ROOT, {}, False):
            assert not took_shared, "one shared worker a test"
            took_shared = True
            seen.append(shared_worker.take(tuple(queues), concurrency))
            return seen[-1]
        worker = Worker(module, concurrency, root, queues, standby=standby, **env)
        started.append(worker)
        seen.append(worker)
        return worker.wait_ready() if ready and not standby else worker

    yield start
    for worker in started:
        worker.stop()
    if took_shared:
        shared_worker.release()


@pytest.fixture
def live_site(live_server):
    """The site served over HTTP on a free port (pytest-django's live server, with static files)."""
    return live_server.url


@pytest.fixture
def events(settings):
    """The push service running; pages point at it (settings.TANGENT_EVENTS_URL)."""
    from tests.support.events import events_service

    with events_service() as url:
        settings.TANGENT_EVENTS_URL = url
        yield url


@functools.cache
def parsed_bank():
    """The repository's exercise bank, read from its files once per test session."""
    from exercises.loader import read_bank

    return read_bank(settings.EXERCISES_DIR)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database with the exercise bank loaded once: a test that uses `db` runs inside a
    transaction rolled back afterwards, so every one of them starts from this state. When a test
    will ask for a worker, the shared one starts meanwhile (paused)."""
    from exercises.sync import apply_bank

    postgres = connection.vendor == "postgresql"
    if any("live_worker" in getattr(item, "fixturenames", ()) for item in request.session.items):
        SHARED_WORKER.start()
    with django_db_blocker.unblock():
        if postgres:
            written_tables.install()
        before = row_counts()
        apply_bank(parsed_bank())
        BANK_ROWS[:] = bank_rows(before, row_counts())
        if postgres:
            empty_only_what_was_written(written_tables.written())
            written_tables.forget()
            keep_the_connection_between_tests()
    # As a worker does: collections skip what the session set up, so they are cheaper and a
    # budgeted equivalence check's CPU time is its own.
    gc.collect()
    gc.freeze()
    yield
    SHARED_WORKER.stop()  # (started here, it may never have been asked for)
    if postgres:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            # A connection a test left open (a server thread's, a killed worker's not yet gone)
            # would keep the test database from being dropped after this.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


FLUSH: list[written_tables.Flush] = []  # the one in use (PostgreSQL)


def empty_only_what_was_written(bank_tables: set[str]) -> None:
    """After a transactional test PostgreSQL's tables are emptied with DELETE, not TRUNCATE
    (which gives every table new files: about a second a test), and only those the test wrote
    (tests/support/written_tables.py); migrate's signal is sent again only when a table it
    fills was written. Django's foreign keys are deferred, so one transaction may delete the
    tables in any order."""
    from django.core.management.commands import flush as flush_command
    from django.db.backends.postgresql.operations import DatabaseOperations

    FLUSH[:] = [written_tables.Flush(DatabaseOperations.sql_flush, bank_tables)]

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        return FLUSH[0](
            ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    # On the class: a test's connection is not always the one set up here (Django's connections
    # are per thread and per asyncio context: a browser test's differs)
    DatabaseOperations.sql_flush = sql_flush
    emit = flush_command.emit_post_migrate_signal

    def post_migrate(*args, **kwargs):
        if FLUSH[0].post_migrate:
            emit(*args, **kwargs)

    flush_command.emit_post_migrate_signal = post_migrate


def keep_the_connection_between_tests() -> None:
    """Django closes the database connections after each transactional test, in case a rollback
    undid what a backend runs on connecting. PostgreSQL's connection set-up (time zone, role) is
    its own committed statements and the application changes no session setting (only SET LOCAL),
    so the test's connection is kept (a new one costs 10-15 ms); one left unusable is closed."""
    from django.db import connections
    from django.test import TransactionTestCase

    def reload_only_unusable(self) -> bool:
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        return False

    TransactionTestCase._should_reload_connections = reload_only_unusable


# The rows loading the bank wrote, table by table: put back in bulk after a transactional test
# (which empties every table), so that each test starts from the session's state.
BANK_ROWS: list[tuple[type, list]] = []


def row_counts() -> dict[type, int]:
    from django.apps import apps

    models = apps.get_models(include_auto_created=True)
    return {m: m._base_manager.count() for m in models if m._meta.managed and not m._meta.proxy}


def bank_rows(before: dict[type, int], after: dict[type, int]) -> list[tuple[type, list]]:
    """The new rows of the tables loading filled; none (load again instead) when it also added
    to a table that had rows, or to a model that a bulk insert cannot write."""
    filled = [model for model, count in after.items() if count > before[model]]
    if any(before[model] or model._meta.parents for model in filled):
        return []
    return [(model, list(model._base_manager.order_by("pk"))) for model in filled]


def restore_bank() -> None:
    """The session's bank, back in an emptied test database."""
    from django.core.management.color import no_style
    from django.db import transaction

    from courseware import catalogue
    from courseware.models import Exercise
    from exercises.sync import apply_bank

    if FLUSH:
        flushed, emptied_all = FLUSH[0].flushed, FLUSH[0].emptied_all
        FLUSH[0].flushed = FLUSH[0].emptied_all = False
        if flushed and not emptied_all:
            return  # the bank's tables were not written
    if Exercise.objects.exists():
        return
    if not BANK_ROWS:
        apply_bank(parsed_bank())
    else:
        with transaction.atomic():
            for model, rows in BANK_ROWS:
                model._base_manager.bulk_create(rows, batch_size=500)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in BANK_ROWS]):
                    cursor.execute(sql)
        catalogue.forget()
    if FLUSH:
        written_tables.forget()  # the bank's tables, written again


def empties_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` as a transactional test: its tables are emptied after."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker and any(validate_django_db(marker)[:2]):  # transaction=True, reset_sequences=True
        return True
    fixtures = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return bool(fixtures & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, the bank goes back in (a `db` test may rely on it)."""
    result = yield
    if nextitem is not None and empties_the_database(
        item
    ):  # (after the last, the database is gone)
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_bank()
    return result


@pytest.fixture
def no_bank(db):
    """An empty bank, for tests of loading one: the session's bank is deleted inside the test's
    transaction (and back for the next test)."""
    from courseware import catalogue
    from courseware.models import Exercise, ExerciseVersion, Module, Quiz, QuizItem

    with catalogue.forgotten_at_the_end():
        QuizItem.objects.all().delete()
        Quiz.objects.all().delete()
        Exercise.objects.update(current_version=None)
        ExerciseVersion.objects.all().delete()
        Exercise.objects.all().delete()
        Module.objects.all().delete()
    catalogue.forget()


@pytest.fixture
def bank(db):
    """The repository's exercise bank, loaded: already there for a test that uses `db` (and put
    back after each transactional test, whose database is emptied after it)."""
    from courseware.models import Exercise
    from exercises.sync import apply_bank

    if not Exercise.objects.exists():
        apply_bank(parsed_bank())


@pytest.fixture
def course(bank):
    """A new course on the bank (a module whose tests need more of it defines its own)."""
    from tests.support.people import make_course

    return make_course()


@pytest.fixture
def learner(course):
    """A learner enrolled in `course`."""
    from tests.support.people import learner_in

    return learner_in(course)


def require_tool(path: str, reason: str) -> None:
    """Skip with a visible reason when a tool is missing locally; in CI, fail instead."""
    if not Path(path).exists():
        if IN_CI:
            pytest.fail(f"{path} is missing in CI: {reason}")
        pytest.skip(f"{path} is not installed: {reason}")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in often; a fast hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_catalogue():
    """A test's rolled-back changes to the bank must not outlive it in the shared outline."""
    from courseware import catalogue

    catalogue.drop()
    yield
    catalogue.drop()


@functools.cache
def broker_keys() -> tuple[str, ...]:
    """The Redis keys (unprefixed) holding the session's queued and unacknowledged tasks."""
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    lists = [
        q + (f"{Channel.sep}{step}" if step else "") for q in QUEUES for step in PRIORITY_STEPS
    ]
    return (*lists, Channel.unacked_key, Channel.unacked_index_key)


@pytest.fixture(autouse=True)
def fresh_redis():
    """What a test leaves in the test session's Redis does not reach the next test: rate-limit
    windows, tasks still queued or taken by a worker that is gone (a later test's worker would
    run them on that test's data) and the outbox's kick window."""
    from courseware.outbox import KICK_KEY
    from tangent import redis_client

    yield
    client = redis_client.client()
    # One SCAN round trip over the whole shared keyspace, not one per 500 keys
    keys = list(client.scan_iter(match=redis_client.key("rate:*"), count=100_000))
    keys += [redis_client.key(name) for name in (*broker_keys(), KICK_KEY)]
    client.delete(*keys)


# `--pure` (`make test-fast`): the inner loop. A test is pure when it sets up no database, live
# server, worker or browser; one that reaches the sandbox while running is skipped, visibly.
IMPURE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_setup", "live_server", "live_site", "live_worker",
     "browser", "page"}
)  # fmt: skip
IMPURE_MARKS = ("django_db", "worker", "e2e")


def pytest_addoption(parser):
    parser.addoption(
        "--pure",
        action="store_true",
        help="only tests that need no database, live server, worker, browser or sandbox",
    )


def is_pure(item: pytest.Item) -> bool:
    if IMPURE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return False
    if any(item.get_closest_marker(mark) for mark in IMPURE_MARKS):
        return False
    return not getattr(item, "cls", None) or not hasattr(item.cls, "databases")


GRADER_TESTS = ROOT / "tests" / "grader"


def pytest_collection_modifyitems(config, items):
    impure = [i.nodeid for i in items if i.path.is_relative_to(GRADER_TESTS) and not is_pure(i)]
    if impure:  # tests of the engine stay free of the database, servers, workers and browsers
        raise pytest.UsageError(f"tests/grader/ holds pure tests only; not pure: {impure[:5]}")
    if not config.getoption("--pure"):
        return
    kept, dropped = [], []
    for item in items:
        (kept if is_pure(item) else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def pure_tests_skip_the_sandbox(request):
    """Under `--pure`, a test that runs learner code in the sandbox is skipped (`make test` runs it)."""
    if not request.config.getoption("--pure"):
        yield
        return
    from grader.sandbox.jobs import Sandbox

    def skip(*args, **kwargs):
        pytest.skip("runs code in the sandbox: not a pure test (make test runs it)")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Sandbox, "run", skip)
        yield
