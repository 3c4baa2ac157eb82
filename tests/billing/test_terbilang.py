from decimal import Decimal

import pytest

from app.billing.terbilang import MAX_AMOUNT, rupiah_in_words, terbilang


@pytest.mark.parametrize(
    "amount, words",
    [
        (0, "nol"),
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (2000, "dua ribu"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (1_500_250, "satu juta lima ratus ribu dua ratus lima puluh"),
        (12_345_678, "dua belas juta tiga ratus empat puluh lima ribu enam ratus tujuh puluh delapan"),
        (1_000_000_000, "satu miliar"),
        (2_000_000_001, "dua miliar satu"),
        (1_000_000_000_000, "satu triliun"),
        (1_000_001_000_000, "satu triliun satu juta"),
    ],
)
def test_terbilang(amount, words):
    assert terbilang(amount) == words


def test_terbilang_largest_amount():
    assert terbilang(MAX_AMOUNT) == (
        "sembilan ratus sembilan puluh sembilan triliun "
        "sembilan ratus sembilan puluh sembilan miliar "
        "sembilan ratus sembilan puluh sembilan juta "
        "sembilan ratus sembilan puluh sembilan ribu "
        "sembilan ratus sembilan puluh sembilan"
    )


def test_terbilang_accepts_integral_decimal():
    assert terbilang(Decimal("1110000")) == "satu juta seratus sepuluh ribu"
    assert terbilang(Decimal("2500.00")) == "dua ribu lima ratus"


@pytest.mark.parametrize(
    "bad",
    [-1, Decimal("-5"), Decimal("10.50"), Decimal("NaN"), Decimal("Infinity"), 10**15, 1.0, "100", None, True],
)
def test_terbilang_rejects_bad_amounts(bad):
    with pytest.raises(ValueError):
        terbilang(bad)


def test_rupiah_in_words():
    assert rupiah_in_words(1_500_000) == "Satu juta lima ratus ribu rupiah"
    assert rupiah_in_words(0) == "Nol rupiah"
    assert rupiah_in_words(1000) == "Seribu rupiah"
    assert rupiah_in_words(Decimal("1110000")) == "Satu juta seratus sepuluh ribu rupiah"


def test_rupiah_in_words_rejects_negative():
    with pytest.raises(ValueError):
        rupiah_in_words(-1000)
