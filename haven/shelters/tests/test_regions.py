from haven.shelters import regions
from haven.shelters.rules import distance_km


def test_the_directory_regions_have_centres_and_unknown_ones_have_none() -> None:
    for country, name in [("FI", "Uusimaa"), ("FI", "Pirkanmaa"), ("EE", "Ida-Virumaa")]:
        assert regions.centre(country, name) is not None, name
    assert regions.centre("FI", "Atlantis") is None
    assert regions.centre("ZZ", "Uusimaa") is None
    assert regions.regions("ZZ") == []


def test_a_country_has_all_its_regions_and_the_centres_are_where_the_map_says() -> None:
    assert len(regions.regions("FI")) == 19
    assert len(regions.regions("EE")) == 15
    helsinki, narva = regions.centre("FI", "Uusimaa"), regions.centre("EE", "Ida-Virumaa")
    assert helsinki is not None and narva is not None
    assert 150 < distance_km(*helsinki, *narva) < 250  # across the gulf and east
