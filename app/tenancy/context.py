"""Which tenant the running code acts for.

A scope is set explicitly by whoever starts work: the request (from the logged-in user),
a job or a CLI command. With no scope set, tenant-owned rows are invisible (fail closed);
seeing every tenant requires saying so with `all_tenants()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None
    all_tenants: bool = False
    user_id: int | None = None


NO_SCOPE = Scope(tenant_id=None)
_scope: ContextVar[Scope] = ContextVar("tenant_scope", default=NO_SCOPE)


def current_scope() -> Scope:
    return _scope.get()


def current_tenant_id() -> int | None:
    return _scope.get().tenant_id


def acting_user_id() -> int | None:
    return _scope.get().user_id


def set_scope(scope: Scope):
    return _scope.set(scope)


def reset_scope(token) -> None:
    _scope.reset(token)


@contextmanager
def tenant_scope(tenant_id: int, user_id: int | None = None):
    token = _scope.set(Scope(tenant_id=tenant_id, user_id=user_id))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def all_tenants(user_id: int | None = None):
    token = _scope.set(Scope(tenant_id=None, all_tenants=True, user_id=user_id))
    try:
        yield
    finally:
        _scope.reset(token)
