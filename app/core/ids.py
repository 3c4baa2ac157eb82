"""Ids typed by users (query strings, form fields): only what the database's integer columns can hold."""

MAX_DB_INTEGER = 2**31 - 1  # sa.Integer on PostgreSQL; larger ids cannot exist


def db_integer_id(value) -> int | None:
    """An ASCII decimal id the database can hold, else None ("²".isdigit() is True, int("²") fails)."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INTEGER else None
