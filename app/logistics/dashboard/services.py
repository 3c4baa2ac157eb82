"""The tenant dashboard's figures.

Every figure is computed from the shipment list's own statement (`listing.filtered` with the
same `ListQuery` the card links to, narrowed by the same row rule for the user), so a card and
the list it opens always count the same rows. Time is passed in (`now`, naive UTC) and cut in
WIB days. Tenant scope comes from the session's central hook (the request or `tenant_scope`).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.periods import add_months, month_end, month_start, today_wib
from app.extensions import db
from app.logistics.shipments.inputs import COURIER_ROLE, active_staff
from app.logistics.shipments.listing import ListQuery, filtered
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.services import list_narrowing, role_names
from app.logistics.shipments.statuses import STATUSES, status_label
from app.logistics.tariffs.cities import city_label

TRENDS = ("7d", "12m")
TOP_AREAS = 8
# (upper bound in kg, exclusive; None = no bound, label)
WEIGHT_BRACKETS = (
    (1, _l("< 1 kg")),
    (5, _l("1–5 kg")),
    (10, _l("5–10 kg")),
    (30, _l("10–30 kg")),
    (None, _l("≥ 30 kg")),
)


@dataclass
class Card:
    key: str
    label: str
    value: int
    args: dict | None  # ShipmentView.list query string that shows exactly the counted rows


@dataclass
class Dashboard:
    today: date
    cards: list[Card]
    trend: str
    trend_series: list[tuple]
    by_area: list[tuple]
    by_status: list[tuple]
    status_args: list[dict]  # per by_status row: the list query string of exactly those shipments
    by_weight: list[tuple]
    personal: bool = False  # a Kurir / Marketing user: their own shipments only


def card_queries(today: date) -> dict[str, ListQuery]:
    """The list filter behind each shipment card."""
    return {
        "today": ListQuery(created_from=today, created_to=today),
        "in_transit": ListQuery(group="in_transit"),
        "month": ListQuery(created_from=month_start(today), created_to=month_end(today)),
    }


def _count_of(query: ListQuery, user):
    """COUNT(*) of the list's own statement for `query`, as a scalar subquery."""
    stmt = filtered(query, user).with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
    return stmt.scalar_subquery()


def counts(queries: list[ListQuery], user) -> list[int]:
    """Several list counts in one statement (each an index range scan)."""
    return list(db.session.execute(sa.select(*[_count_of(query, user) for query in queries])).one())


def active_couriers(tenant_id: int) -> int:
    return len(active_staff(tenant_id, COURIER_ROLE))


def is_personal(user) -> bool:
    return list_narrowing(user) is not None


def cards(user, tenant_id: int, today: date) -> list[Card]:
    labels = {
        "today": _l("Shipments today"),
        "in_transit": _l("Parcels in transit"),
        "month": _l("Shipments this month"),
    }
    queries = card_queries(today)
    values = counts(list(queries.values()), user)
    found = [
        Card(key, str(labels[key]), value, query.args(sort="date"))
        for (key, query), value in zip(queries.items(), values, strict=True)
    ]
    if COURIER_ROLE not in role_names(user):
        found.insert(2, Card("couriers", str(_l("Active couriers")), active_couriers(tenant_id), None))
    return found


def trend(user, today: date, kind: str) -> list[tuple]:
    """Issued shipments per WIB day (last 7 days) or per WIB month (last 12 months).

    One statement of one COUNT per bucket, each the list's own statement for that period: every
    count is an index-only range scan, cheaper than classifying each row of the whole span.
    """
    if kind == "12m":
        keys = [add_months(month_start(today), offset) for offset in range(-11, 1)]
        periods = [(key, month_end(key)) for key in keys]
    else:
        keys = [today - timedelta(days=offset) for offset in range(6, -1, -1)]
        periods = [(key, key) for key in keys]
    found = counts([ListQuery(created_from=first, created_to=last) for first, last in periods], user)
    return list(zip(keys, found, strict=True))


def _weight_bracket(column):
    whens = [(column < bound, index) for index, (bound, _) in enumerate(WEIGHT_BRACKETS) if bound is not None]
    return sa.case(*whens, else_=len(WEIGHT_BRACKETS) - 1)


def distributions(user, today: date) -> tuple[list, list, list]:
    """This month's issued shipments by destination area, by status (code, label, n) and by weight
    bracket: one scan."""
    bracket = _weight_bracket(Shipment.total_weight).label("bracket")
    stmt = (
        filtered(card_queries(today)["month"], user)
        .with_only_columns(
            Shipment.receiver_city, Shipment.status, bracket, sa.func.count(), maintain_column_froms=True
        )
        .group_by(Shipment.receiver_city, Shipment.status, bracket)
        .order_by(None)
    )
    areas, statuses, weights = {}, dict.fromkeys(STATUSES, 0), [0] * len(WEIGHT_BRACKETS)
    for city, status, index, number in db.session.execute(stmt).all():
        areas[city] = areas.get(city, 0) + number
        statuses[status] = statuses.get(status, 0) + number
        weights[int(index)] += number
    ranked = sorted(areas.items(), key=lambda item: (-item[1], item[0]))
    by_area = [(city_label(code), number) for code, number in ranked[:TOP_AREAS]]
    if len(ranked) > TOP_AREAS:
        by_area.append((str(_l("Other areas")), sum(number for _, number in ranked[TOP_AREAS:])))
    by_status = [(code, status_label(code), number) for code, number in statuses.items() if number]
    by_weight = [(str(label), weights[index]) for index, (_, label) in enumerate(WEIGHT_BRACKETS)]
    return by_area, by_status, by_weight


def status_args(today: date, code: str) -> dict:
    """The list of this month's shipments in one status (a status bar's link)."""
    return replace(card_queries(today)["month"], status=code).args(sort="date")


def dashboard(user, tenant_id: int, now: datetime, trend_kind: str = "7d") -> Dashboard:
    today = today_wib(now)
    trend_kind = trend_kind if trend_kind in TRENDS else "7d"
    by_area, by_status, by_weight = distributions(user, today)
    return Dashboard(
        today=today,
        cards=cards(user, tenant_id, today),
        trend=trend_kind,
        trend_series=trend(user, today, trend_kind),
        by_area=by_area,
        by_status=[(label, number) for _, label, number in by_status],
        status_args=[status_args(today, code) for code, _, _ in by_status],
        by_weight=by_weight,
        personal=is_personal(user),
    )


def find_by_tracking(user, number: str) -> Shipment | None:
    """The quick "track" box: an exact tracking number among the shipments the user may list."""
    number = (number or "").strip()[:40]
    if not number:
        return None
    stmt = filtered(ListQuery(), user).where(Shipment.tracking_number.in_({number, number.upper()})).limit(1)
    return db.session.execute(stmt).scalar_one_or_none()
