"""Indonesian amounts in words ("terbilang"), as printed on invoices and receipts.

Pure functions: no app, no database.  Invoices are in whole Rupiah, so only whole
numbers are accepted (``int`` or an integral ``Decimal``); anything else raises
``ValueError``.  The supported range is 0 up to (but excluding) 1000 triliun (10**15).

    >>> terbilang(1_500_250)
    'satu juta lima ratus ribu dua ratus lima puluh'
    >>> rupiah_in_words(1_500_000)
    'Satu juta lima ratus ribu rupiah'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["MAX_AMOUNT", "terbilang", "rupiah_in_words"]

#: Largest amount that can be spelled (999 triliun ... ).
MAX_AMOUNT = 10**15 - 1

_UNITS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
# (scale value, word), largest first.  "ribu" is special-cased: 1000 -> "seribu".
_SCALES = (
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
    (10**3, "ribu"),
)


def _to_whole_number(amount: int | Decimal) -> int:
    """Return ``amount`` as a non-negative ``int`` or raise ``ValueError``."""
    if isinstance(amount, bool):
        raise ValueError("amount must be a whole number, not a boolean")
    if isinstance(amount, int):
        value = amount
    elif isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError("amount must be a finite number")
        try:
            value = int(amount)
        except (InvalidOperation, OverflowError) as exc:  # pragma: no cover - defensive
            raise ValueError("amount must be a whole number") from exc
        if value != amount:
            raise ValueError("amount must be a whole number of Rupiah (no cents)")
    else:
        raise ValueError(f"amount must be an int or Decimal, not {type(amount).__name__}")
    if value < 0:
        raise ValueError("amount must not be negative")
    if value > MAX_AMOUNT:
        raise ValueError("amount is too large to spell (maximum is 999 triliun)")
    return value


def _below_thousand(n: int) -> list[str]:
    """Words for 1..999 (empty list for 0)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_UNITS[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 12:
        words.append(_UNITS[rest])
    elif rest < 20:
        words += [_UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if ones:
            words.append(_UNITS[ones])
    return words


def terbilang(amount: int | Decimal) -> str:
    """Spell a whole, non-negative amount in Indonesian, lower case.

    ``0`` -> ``"nol"``, ``11`` -> ``"sebelas"``, ``1000`` -> ``"seribu"``,
    ``1_001_000`` -> ``"satu juta seribu"``.
    """
    n = _to_whole_number(amount)
    if n == 0:
        return _UNITS[0]
    words: list[str] = []
    for scale, name in _SCALES:
        group, n = divmod(n, scale)
        if not group:
            continue
        if name == "ribu" and group == 1:
            words.append("seribu")
        else:
            words += _below_thousand(group) + [name]
    words += _below_thousand(n)
    return " ".join(words)


def rupiah_in_words(amount: int | Decimal) -> str:
    """``terbilang(amount) + " rupiah"`` with the first letter capitalised."""
    text = f"{terbilang(amount)} rupiah"
    return text[0].upper() + text[1:]
