"""The one transaction boundary (Superset's `transaction()` is the model).

A request that writes, a job and a CLI command each commit once, here: services only flush. On any
exception the whole unit rolls back and the exception goes on (a `FieldError` to the form or the
API's 422). Jobs enqueued inside reach the queue only after this commit (app/jobs/queue.py).

    try:
        with transaction():
            services.save_customer(tenant, actor, values)
    except FieldError as exc:
        return self._form(values, exc.messages(), 422)
"""

import functools
from contextlib import contextmanager

from app.extensions import db


@contextmanager
def transaction(*, keep_state: bool = False):
    """`keep_state`: the rows stay loaded after the commit (an API answer dumped from the rows as just
    written, instead of reloading them)."""
    session = db.session()
    expire = session.expire_on_commit
    try:
        yield db.session
        session.expire_on_commit = expire and not keep_state
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = expire


def transactional(func):
    """`@transactional` on a view method, job or command: its body is one transaction."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction():
            return func(*args, **kwargs)

    return wrapper
