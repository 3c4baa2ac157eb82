"""The shipment pages' HTML kept per process (app/core/caching.py): the list's tabs and filters, its rows
and pager, and a shipment's detail popup. Each key names the tenant's data version (which every write to
its shipments, status events and users moves: app/tenancy/freshness.py), the locale and script root, and
what else the piece shows: the list's query, who the user is to the row rule (`row_audience`: everyone it
does not narrow shares), the permissions that show buttons. Vendor staff, anonymous visitors and jobs have
no noted version: theirs is rendered every time. A list page of 100 rows is ~150,000 characters."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.caching import declare_cache, page_context
from app.core.templating import render_fragment
from app.extensions import db
from app.logistics.shipments.inputs import COURIER_ROLE, active_staff
from app.logistics.shipments.listing import PAGE_SIZES, ListQuery, PageOnDemand, translated
from app.logistics.shipments.services import row_audience
from app.logistics.shipments.statuses import SHIPMENT_TYPES, STATUSES
from app.security.models import TenantUser
from app.tenancy.freshness import noted_tenant_data


@dataclass(frozen=True)
class ListButtons:
    """The permissions whose buttons the list shows (part of the rows' key)."""

    can_write: bool
    can_read_status: bool
    can_update_status: bool


def _tenant_page(*vary):
    noted = noted_tenant_data()
    return None if noted is None else (*noted, *page_context(), *vary)


LIST_FILTERS = declare_cache(
    "shipment_list_filters",
    key=lambda user, query, can_write: _tenant_page(query.key(), can_write),
    max_bytes=1_000_000,
    depends_on="tenant data version (the courier filter), locale, script root, the list's query, can_write",
)
LIST_ROWS = declare_cache(
    "shipment_list_rows",
    key=lambda user, query, page, buttons: _tenant_page(query.key(), row_audience(user), buttons),
    max_bytes=8_000_000,
    depends_on="tenant data version, locale, script root, the list's query, the row rule's audience, buttons",
)
LIST_PAGER = declare_cache(
    "shipment_list_pager",
    key=lambda user, query, page: _tenant_page(query.key(), row_audience(user)),
    max_bytes=500_000,
    depends_on="tenant data version, locale, script root, the list's query, the row rule's audience",
)
DETAIL = declare_cache(
    "shipment_detail",
    key=lambda render, pk, user: _tenant_page(pk, row_audience(user)),
    max_bytes=4_000_000,
    depends_on="tenant data version, locale, script root, the shipment, the row rule's audience",
)


def _name_of(tenant_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    stmt = sa.select(TenantUser).where(TenantUser.id == user_id, TenantUser.tenant_id == tenant_id)
    person = db.session.execute(stmt).scalar_one_or_none()
    return person.get_full_name() if person is not None else None


@LIST_FILTERS
def list_filters(user, query: ListQuery, can_write: bool):
    couriers = active_staff(user.tenant_id, COURIER_ROLE)
    if query.courier and query.courier not in {user_id for user_id, _name in couriers}:
        # an inactive courier's shipments (the employee statistics link here): the filter shows its name
        couriers = [*couriers, (query.courier, _name_of(user.tenant_id, query.courier) or f"#{query.courier}")]
    return render_fragment(
        "logistics/shipment_list_filters.html",
        query=query,
        can_write=can_write,
        statuses=translated(STATUSES),
        types=translated(SHIPMENT_TYPES),
        couriers=couriers,
        marketing_name=_name_of(user.tenant_id, query.marketing),
        page_sizes=PAGE_SIZES,
    )


@LIST_ROWS
def list_rows(user, query: ListQuery, page: PageOnDemand, buttons: ListButtons):
    return render_fragment(
        "logistics/shipment_list_rows.html",
        page=page,
        statuses=translated(STATUSES),
        can_write=buttons.can_write,
        can_read_status=buttons.can_read_status,
        can_update_status=buttons.can_update_status,
        can_select=query.tab == "active",  # everyone who reads shipments selects them to print labels
    )


@LIST_PAGER
def list_pager(user, query: ListQuery, page: PageOnDemand):
    return render_fragment("logistics/shipment_list_pager.html", query=query, page=page)


@DETAIL
def detail(render, pk: int, user):
    """`render(pk)`: the popup's HTML (a 404 raised there caches nothing)."""
    return render(pk)
