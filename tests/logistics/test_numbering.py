"""Tracking number (resi) format rules."""

import pytest

from app.core.validation import FieldError
from app.logistics.shipments.numbering import (
    format_start,
    format_tracking_number,
    normalize_prefix,
    parse_start,
    preview,
)


def test_spec_example():
    first, padding = parse_start("00001")
    assert (first, padding) == (1, 5)
    assert format_tracking_number("CGN10", padding, first) == "CGN1000001"
    assert format_tracking_number("CGN10", padding, first + 1) == "CGN1000002"


def test_preview_for_the_settings_page():
    assert preview("CGN10", "00001") == ["CGN1000001", "CGN1000002", "CGN1000003"]
    assert preview(" cgn10 ", "0098", count=3) == ["CGN100098", "CGN100099", "CGN100100"]


def test_sequence_outgrowing_the_padding_just_gets_longer():
    assert format_tracking_number("CGN10", 5, 99999) == "CGN1099999"
    assert format_tracking_number("CGN10", 5, 100000) == "CGN10100000"


def test_start_without_leading_zeros():
    assert parse_start("250") == (250, 3)
    assert format_start(250, 3) == "250"
    assert format_start(1, 5) == "00001"


def test_prefix_is_normalised_to_uppercase():
    assert normalize_prefix("  jkt01 ") == "JKT01"


@pytest.mark.parametrize("prefix", ["", "   ", None, "CGN-10", "CGN 10", "ÄBC", "A" * 13])
def test_bad_prefix(prefix):
    with pytest.raises(FieldError) as info:
        normalize_prefix(prefix)
    assert info.value.field == "prefix"


@pytest.mark.parametrize("start", ["", None, "abc", "-1", "1.5", "0", "00000", "1" * 13, "١٢٣"])
def test_bad_start_number(start):
    with pytest.raises(FieldError) as info:
        parse_start(start)
    assert info.value.field == "start_number"


@pytest.mark.parametrize("sequence", [0, -1, True, "5", 1.0])
def test_bad_sequence(sequence):
    with pytest.raises(FieldError) as info:
        format_tracking_number("CGN10", 5, sequence)
    assert info.value.field == "sequence"


def test_bad_prefix_in_format():
    with pytest.raises(FieldError) as info:
        format_tracking_number("CGN#", 5, 1)
    assert info.value.field == "prefix"


def test_the_database_formats_a_number_as_python_does(app):
    """PostgreSQL takes a new shipment's number inside its INSERT and formats it there (tracking_number_sql)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the number is formatted in SQL on PostgreSQL only")
    import sqlalchemy as sa

    from app.extensions import db
    from app.logistics.shipments.numbering import tracking_number_sql

    cases = [(prefix, padding, sequence) for prefix in ("CGN10", "X") for padding in (1, 5, 12)
             for sequence in (1, 9, 10, 99_999, 100_000, 10**12 - 1, 10**12, 10**15)]  # fmt: skip
    with app.app_context():
        formatted = db.session.execute(
            sa.select(
                *(tracking_number_sql(sa.literal(p), sa.literal(n), sa.literal(s, sa.BigInteger)) for p, n, s in cases)
            )
        ).one()
    assert list(formatted) == [format_tracking_number(*case) for case in cases]
