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
from app.logistics.shipments.inputs import COURIER_ROLE, active_staff_statement
from app.logistics.shipments.listing import ListQuery, filtered
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.services import narrowing_roles, role_names, row_audience
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


def counts(queries: list[ListQuery], user, *more) -> list[int]:
    """Several list counts in one statement (each an index range scan), then `more` scalar subqueries."""
    return list(db.session.execute(sa.select(*[_count_of(query, user) for query in queries], *more)).one())


def _active_couriers(tenant_id: int):
    stmt = active_staff_statement(tenant_id, COURIER_ROLE).with_only_columns(
        sa.func.count(), maintain_column_froms=True
    )
    return stmt.scalar_subquery()


def is_personal(user) -> bool:
    return bool(narrowing_roles(user))


def trend_periods(today: date, kind: str) -> list[tuple[date, ListQuery]]:
    """Issued shipments per WIB day (last 7 days) or per WIB month (last 12 months): one COUNT per
    bucket, each the list's own statement for that period (an index-only range scan, cheaper than
    classifying each row of the whole span)."""
    if kind == "12m":
        keys = [add_months(month_start(today), offset) for offset in range(-11, 1)]
        return [(key, ListQuery(created_from=key, created_to=month_end(key))) for key in keys]
    keys = [today - timedelta(days=offset) for offset in range(6, -1, -1)]
    return [(key, ListQuery(created_from=key, created_to=key)) for key in keys]


def cards_and_trend(user, tenant_id: int, today: date, kind: str) -> tuple[list[Card], list[tuple]]:
    """The cards and the trend series: every count in one statement."""
    labels = {
        "today": _l("Shipments today"),
        "in_transit": _l("Parcels in transit"),
        "month": _l("Shipments this month"),
    }
    queries, periods = card_queries(today), trend_periods(today, kind)
    with_couriers = COURIER_ROLE not in role_names(user)
    values = counts(
        [*queries.values(), *(query for _, query in periods)],
        user,
        *([_active_couriers(tenant_id)] if with_couriers else []),
    )
    card_values, trend_values = values[: len(queries)], values[len(queries) : len(queries) + len(periods)]
    found = [
        Card(key, str(labels[key]), value, query.args(sort="date"))
        for (key, query), value in zip(queries.items(), card_values, strict=True)
    ]
    if with_couriers:
        found.insert(2, Card("couriers", str(_l("Active couriers")), values[-1], None))
    return found, [(key, value) for (key, _), value in zip(periods, trend_values, strict=True)]


def _weight_brackets(column) -> list:
    """One condition per bracket: from the previous bound (inclusive) to its own (exclusive)."""
    lowers = [None] + [bound for bound, _ in WEIGHT_BRACKETS[:-1]]
    return [
        sa.and_(*([column >= lower] if lower is not None else []), *([column < upper] if upper is not None else []))
        for lower, (upper, _) in zip(lowers, WEIGHT_BRACKETS, strict=True)
    ]


def _overall(count):
    """A per-area count summed over all areas (a window over the grouped rows, before the LIMIT)."""
    return sa.func.sum(count).over()


def distributions(user, today: date) -> tuple[list, list, list]:
    """This month's issued shipments by destination area, by status (code, label, n) and by weight
    bracket: one scan, answered as the top areas only, each row carrying the status and weight totals
    (a few rows instead of one per area, status and bracket)."""
    per_area = sa.func.count().label("n")
    totals = [_overall(sa.func.count())]
    totals += [_overall(sa.func.count().filter(Shipment.status == code)) for code in STATUSES]
    totals += [_overall(sa.func.count().filter(bracket)) for bracket in _weight_brackets(Shipment.total_weight)]
    stmt = (
        filtered(card_queries(today)["month"], user)
        .with_only_columns(Shipment.receiver_city, per_area, *totals, maintain_column_froms=True)
        .group_by(Shipment.receiver_city)
        .order_by(per_area.desc(), Shipment.receiver_city)
        .limit(TOP_AREAS + 1)
    )
    rows = db.session.execute(stmt).all()
    if not rows:
        return [], [], [(str(label), 0) for _, label in WEIGHT_BRACKETS]
    total, *by_code = rows[0][2:]
    statuses, weights = by_code[: len(STATUSES)], by_code[len(STATUSES) :]
    by_area = [(city_label(city), number) for city, number, *_ in rows[:TOP_AREAS]]
    if len(rows) > TOP_AREAS:
        by_area.append((str(_l("Other areas")), total - sum(number for _, number in by_area)))
    by_status = [(code, status_label(code), number) for code, number in zip(STATUSES, statuses, strict=True) if number]
    by_weight = [(str(label), number) for (_, label), number in zip(WEIGHT_BRACKETS, weights, strict=True)]
    return by_area, by_status, by_weight


def status_args(today: date, code: str) -> dict:
    """The list of this month's shipments in one status (a status bar's link)."""
    return replace(card_queries(today)["month"], status=code).args(sort="date")


def trend_kind(requested: str | None) -> str:
    return requested if requested in TRENDS else TRENDS[0]


def audience(user) -> tuple:
    """What makes one user's dashboard differ from another's in the same tenant: the roles (the couriers
    card, the row rule) and, for a Kurir or Marketing user, who they are."""
    return frozenset(role_names(user)), row_audience(user)


def dashboard(user, tenant_id: int, now: datetime, trend: str = "7d") -> Dashboard:
    today = today_wib(now)
    trend = trend_kind(trend)
    by_area, by_status, by_weight = distributions(user, today)
    cards, trend_series = cards_and_trend(user, tenant_id, today, trend)
    return Dashboard(
        today=today,
        cards=cards,
        trend=trend,
        trend_series=trend_series,
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
