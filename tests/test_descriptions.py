"""Place descriptions as event datasets write them ("X village", "Northern X Governorate", "road between X
and Y"), resolved against the packaged gazetteer."""

from __future__ import annotations

import pytest

from eventwire.extract.descriptions import resolve_description
from eventwire.resolve.gazetteer import Gazetteer, haversine_km


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def test_a_town_is_the_town_not_its_province(gazetteer: Gazetteer) -> None:
    town = resolve_description("Aleppo town", gazetteer, "SYR")
    province = resolve_description("Aleppo Governorate", gazetteer, "SYR")
    assert town is not None and province is not None
    assert (town.feature, town.geo_precision) == ("city", 1)
    assert (province.feature, province.geo_precision) == ("admin1", 3)
    assert town.name == "Aleppo town"  # the description is kept as the location's name
    assert haversine_km(town.latitude, town.longitude, 36.20, 37.16) < 10


def test_alternative_names_and_sites(gazetteer: Gazetteer) -> None:
    both = resolve_description("Tall Nowhere/Tadmur town", gazetteer, "SYR")  # the first name is unknown
    assert both is not None and haversine_km(both.latitude, both.longitude, 34.56, 38.28) < 10
    bracket = resolve_description("Old citadel (Palmyra)", gazetteer, "SYR")
    assert bracket is not None and haversine_km(bracket.latitude, bracket.longitude, 34.56, 38.28) < 10
    airport = resolve_description("Homs airport", gazetteer, "SYR")
    assert airport is not None and airport.geo_precision == 2  # near the town, not on it


def test_road_between_two_towns_is_their_middle(gazetteer: Gazetteer) -> None:
    homs = resolve_description("Homs town", gazetteer, "SYR")
    hama = resolve_description("Hama town", gazetteer, "SYR")
    road = resolve_description("Road between Homs and Hama", gazetteer, "SYR")
    assert homs and hama and road
    assert road.geo_precision == 2 and road.feature == "relative"
    assert road.latitude == pytest.approx((homs.latitude + hama.latitude) / 2)


def test_directions_countries_and_borders(gazetteer: Gazetteer) -> None:
    north = resolve_description("Northern Syria", gazetteer)
    assert north is not None and (north.feature, north.iso3, north.geo_precision) == ("country", "SYR", 3)
    east = resolve_description("Eastern Hama town", gazetteer, "SYR")
    assert east is not None and east.geo_precision == 2
    assert resolve_description("Homs/Hama border", gazetteer, "SYR") is None
    assert resolve_description("  ", gazetteer, "SYR") is None


def test_a_name_unknown_in_the_country_is_not_placed_abroad(gazetteer: Gazetteer) -> None:
    assert resolve_description("Foix village", gazetteer) is not None  # the French town
    assert resolve_description("Foix village", gazetteer, "SYR") is None
