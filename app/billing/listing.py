"""Server-side list pages: whitelisted sort, page numbers, one count and one page query."""

from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa

from app.extensions import db

PER_PAGE = 25


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def page_number(raw) -> int:
    try:
        return max(1, min(int(raw or 1), 100_000))
    except (TypeError, ValueError):
        return 1


def sorted_by(statement, sorts: dict, key: str | None, default: str):
    """`sorts` maps a public key ("joined", "-joined" for descending) to a column."""
    key = key if key and key.lstrip("-") in sorts else default
    column = sorts[key.lstrip("-")]
    return statement.order_by(column.desc() if key.startswith("-") else column.asc(), *_tiebreak(statement)), key


def _tiebreak(statement):
    primary = statement.column_descriptions[0]["entity"]
    return [primary.id.desc()] if primary is not None and hasattr(primary, "id") else []


def paginate(statement, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.execute(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(rows=rows, total=total, page=page, per_page=per_page)
