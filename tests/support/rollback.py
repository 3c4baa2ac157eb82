"""A database rolled back after each test (SQLAlchemy 2's "Joining a Session into an External Transaction").

One connection opens an outer transaction; every session made while the test runs (the test's own, and
the one each test-client request makes in its app context) is bound to that connection with
`join_transaction_mode="create_savepoint"`. Service and view code that flushes, commits or rolls back
works as in production — its commit releases a SAVEPOINT, so the session hooks that run at commit (the
activity log's lines, the tenant data version) run and their rows are visible to the test — and the
outer ROLLBACK at the end takes everything away.

SQLite: pysqlite emits no BEGIN of its own before a SAVEPOINT (and releasing an outermost savepoint
would commit), so the outer BEGIN is issued here.

Everything that should see the test's rows must run on the test's thread: a job handed to a background
thread (no Redis) gets a connection of its own and does not see them. Tests that need real commits
across threads use the session-wide database instead.

The fixture holds an app context for the test; Flask would run the test client's requests in it (one
`g`, one session for the test and every request), so tests.conftest.HostClient gives each request its
own while this is in progress. The test's session then reads a request's writes with a new statement
(its identity map keeps what it had loaded).
"""

import threading
from contextlib import contextmanager

from flask import current_app

from app.core.caching import clear_all

_ACTIVE = set()  # ids of the apps whose database is rolled back now


def in_progress(app) -> bool:
    """Whether `app`'s sessions are joined to a test's transaction (tests.conftest.HostClient then gives
    each request an app context of its own, as in production: Flask would reuse the test's)."""
    return id(app) in _ACTIVE


@contextmanager
def rolled_back_database(app):
    """Inside an app context: `app.extensions.db` whose sessions all join one transaction rolled back at the end."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        connection = db.engine.connect()
        outer = connection.begin()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        factory = db.session.session_factory
        saved_class, saved_kw = factory.class_, dict(factory.kw)

        test_thread = threading.get_ident()

        class JoinedSession(saved_class):
            # Flask-SQLAlchemy's get_bind answers its engine before looking at `bind`: answer the connection.
            # Another thread (a job run without Redis) or another app (tests that make their own) gets a
            # connection of its own: it does not see the test's rows, but never shares the test's connection.
            def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
                if bind is not None:
                    return bind
                if threading.get_ident() == test_thread and current_app._get_current_object() is app:
                    return connection
                return super().get_bind(mapper, clause, **kwargs)

        factory.class_ = JoinedSession
        factory.kw.update(bind=connection, join_transaction_mode="create_savepoint")
        _ACTIVE.add(id(app))
        # Without Redis a committed run is handed to a thread of this process: on a connection of its own it
        # cannot see the test's rows, and on SQLite it fights the test's transaction for the one writer lock
        # (then holds it into the next test). Runs stay queued here; a test runs them with execute().
        from app.jobs import queue

        run_in_thread = queue._run_in_app
        queue._run_in_app = lambda *args: None
        try:
            yield db
        finally:
            queue._run_in_app = run_in_thread
            _ACTIVE.discard(id(app))
            db.session.remove()
            factory.class_, factory.kw = saved_class, saved_kw
            if outer.is_active:
                outer.rollback()
            connection.close()
            # Per-process caches keyed on data versions and grant fingerprints that the rollback turned
            # back: a later test reaching the same version with other rows must not read these values.
            clear_all()
            grant_cache = app.appbuilder.sm.grant_cache
            grant_cache._snapshot = type(grant_cache._snapshot)()
