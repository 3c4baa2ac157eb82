"""The one mechanism that keeps tenants apart, for every ORM statement of the session."""

from sqlalchemy import event, or_
from sqlalchemy.orm import Session, with_loader_criteria

from app.tenancy.context import current_scope
from app.tenancy.models import Tenant, TenantMember, TenantScoped

SKIP_OPTION = "skip_tenant_scope"


class CrossTenantWrite(RuntimeError):
    pass


NO_TENANT = -1  # matches no row: tenant ids are positive, and vendor rows have NULL


def scope_select(state) -> None:
    # Loader criteria apply to mapped classes only: a Core statement (tables, no mapped class) is left as it
    # is whatever happens here, so it is not cloned with them (that cost a third of a millisecond).
    if not state.is_select or not state.is_orm_statement or state.execution_options.get(SKIP_OPTION):
        return
    scope = current_scope()
    if scope.all_tenants:
        return
    # With no tenant in scope, tenant-owned rows are invisible (fail closed).
    tenant_id = scope.tenant_id if scope.tenant_id is not None else NO_TENANT
    # The closure variable is tracked, so each statement binds the current tenant id.
    criteria = [with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)]
    if scope.tenant_id is not None:
        # Inside a tenant, the rows that are not tenant-owned but name a tenant narrow too: users (another
        # tenant's never; the vendor's stay, as authors of replies) and the tenants themselves (its own only),
        # so no generic query (FAB's related-field choices, filters, a future view) lists another company.
        # With no scope they stay visible: the request's user and the host's tenant are read before it is set.
        criteria += [
            with_loader_criteria(
                TenantMember, lambda cls: or_(cls.tenant_id == tenant_id, cls.tenant_id.is_(None)), include_aliases=True
            ),
            with_loader_criteria(Tenant, lambda cls: cls.id == tenant_id, include_aliases=True),
        ]
    state.statement = state.statement.options(*criteria)


def stamp_and_check_writes(session, flush_context, instances) -> None:
    new = session.new
    for obj in (*new, *session.dirty, *session.deleted):
        stamp_and_check(obj, is_new=obj in new)


def stamp_and_check(obj, *, is_new: bool) -> None:
    """A new tenant-owned row gets the scope's tenant; any written row must belong to it. Also called for
    rows written by a statement of their own (app/logistics/shipments/new_shipment.py)."""
    scope = current_scope()
    if scope.all_tenants or not isinstance(obj, TenantScoped):
        return
    if is_new and getattr(obj, "tenant_id", None) is None and scope.tenant_id is not None:
        obj.tenant_id = scope.tenant_id
    if obj.tenant_id is not None and obj.tenant_id != scope.tenant_id:
        raise CrossTenantWrite(f"{type(obj).__name__} of tenant {obj.tenant_id} outside scope {scope.tenant_id}")


def install() -> None:
    if not event.contains(Session, "do_orm_execute", scope_select):
        event.listen(Session, "do_orm_execute", scope_select)
        event.listen(Session, "before_flush", stamp_and_check_writes)


def uninstall() -> None:
    """Only for the test that proves the isolation sweep notices a missing hook."""
    if event.contains(Session, "do_orm_execute", scope_select):
        event.remove(Session, "do_orm_execute", scope_select)
        event.remove(Session, "before_flush", stamp_and_check_writes)
