"""The demo generator: valid, coherent, deterministic data."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from yiwang.accounts.divisions import read_divisions
from yiwang.core.identifiers import is_valid_id_number, is_valid_uscc, parse_id_number, parse_uscc
from yiwang.demo.generator import CityGenerator, iter_enterprises, iter_persons
from yiwang.demo.sizes import classify_size
from yiwang.demo.vocabulary import GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE, USCC_TYPE_CODES
from yiwang.registries.industries import read_industries

PERSONS, ENTERPRISES = 300, 120
AS_OF = date(2026, 1, 1)


@pytest.fixture(scope="module")
def city():
    generator = CityGenerator(seed=7)
    persons = [p for chunk in generator.iter_persons(PERSONS, chunk_size=64) for p in chunk]
    enterprises = [e for chunk in generator.iter_enterprises(ENTERPRISES, persons=PERSONS) for e in chunk]
    return persons, enterprises


def test_id_numbers_are_valid_unique_and_agree_with_birth_date_and_gender(city):
    persons, _ = city
    assert len({p.id_number for p in persons}) == len(persons)
    for person in persons:
        assert is_valid_id_number(person.id_number)
        info = parse_id_number(person.id_number)
        assert info.birth_date == person.birth_date
        assert info.gender == person.gender
        assert 0 <= (AS_OF - person.birth_date).days / 365.25 <= 96


def test_birth_counties_are_mostly_in_the_city_and_otherwise_real_counties(city):
    persons, _ = city
    counties = {row.parent_code for row in read_divisions() if row.level == 4}
    local = sum(p.id_number.startswith("3301") for p in persons)
    assert all(p.id_number[:6] in counties for p in persons)
    assert 0.8 < local / len(persons) < 0.97


def test_households_are_real_townships_of_the_city_with_coherent_addresses(city):
    persons, _ = city
    townships = {r.code: r for r in read_divisions(province_prefixes=["3301"]) if r.level == 4}
    names = {r.code: r.name for r in read_divisions(province_prefixes=["3301"])}
    for person in persons:
        township = townships[person.division_code]
        assert person.address.startswith(f"浙江省杭州市{names[township.parent_code]}{township.name}")
        assert person.address.endswith(("号", "室"))


def test_names_fit_the_gender_and_most_people_are_han(city):
    persons, _ = city
    for person in persons:
        given = GIVEN_NAMES_MALE if person.gender == "M" else GIVEN_NAMES_FEMALE
        assert any(name[0] in person.name[1:] for name in given)
    assert Counter(p.ethnicity for p in persons).most_common(1)[0][0] == "汉族"
    assert all(p.phone == "" or (len(p.phone) == 11 and p.phone.startswith("1")) for p in persons)


def test_usccs_are_valid_unique_and_match_type_and_county(city):
    _, enterprises = city
    assert len({e.uscc for e in enterprises}) == len(enterprises)
    assert len({e.uscc[8:16] for e in enterprises}) == len(enterprises)  # organisation-code bodies
    for enterprise in enterprises:
        assert is_valid_uscc(enterprise.uscc)
        info = parse_uscc(enterprise.uscc)
        assert info.authority == "9"
        assert info.entity_type == USCC_TYPE_CODES[enterprise.entity_type]
        assert info.division_code == enterprise.division_code[:6]


def test_enterprises_are_coherent(city):
    _, enterprises = city
    divisions = {row.code for row in read_industries() if row.code.isdigit()}
    for enterprise in enterprises:
        assert enterprise.industry_code in divisions
        assert enterprise.size == classify_size(
            enterprise.industry_code, enterprise.headcount, enterprise.annual_revenue
        )
        assert enterprise.founding_date < AS_OF
        assert enterprise.registered_capital > 0 and enterprise.annual_revenue > 0
        assert 0 <= enterprise.tax_paid < enterprise.annual_revenue
        assert 0 <= enterprise.social_insurance_headcount <= enterprise.headcount
        assert ("小微企业" in enterprise.tags) == (
            enterprise.size in ("small", "micro") and enterprise.entity_type not in ("individual", "cooperative")
        )
        if enterprise.entity_type == "limited":
            assert enterprise.name.endswith("有限公司")
        if enterprise.entity_type == "cooperative":
            assert enterprise.name.endswith("专业合作社")


def test_legal_representatives_are_adults_of_the_population(city):
    persons, enterprises = city
    for enterprise in enterprises:
        person = persons[enterprise.legal_representative_index]
        assert person.id_number == enterprise.legal_representative_id_number
        age_at_founding = (enterprise.founding_date - person.birth_date).days / 365.25
        assert age_at_founding >= 18


def test_same_seed_same_city_other_seed_other_city(city):
    persons, enterprises = city
    again = [p for chunk in iter_persons(PERSONS, seed=7, chunk_size=1000) for p in chunk]
    assert again == persons  # independent of the chunk size
    assert [e for chunk in iter_enterprises(ENTERPRISES, persons=PERSONS, seed=7) for e in chunk] == enterprises
    other = [p for chunk in iter_persons(PERSONS, seed=8) for p in chunk]
    assert {p.id_number for p in other} != {p.id_number for p in persons}


def test_the_stream_is_prefix_stable(city):
    persons, _ = city
    assert [p for chunk in iter_persons(50, seed=7) for p in chunk] == persons[:50]


def test_chunks_are_bounded():
    sizes = [len(chunk) for chunk in iter_persons(250, seed=1, chunk_size=100)]
    assert sizes == [100, 100, 50]


def test_another_city_of_zhejiang():
    persons = [p for chunk in iter_persons(40, seed=3, city_code="330200") for p in chunk]  # 宁波市
    assert all(p.division_code.startswith("3302") and p.address.startswith("浙江省宁波市") for p in persons)


def test_a_county_level_code_is_not_a_city():
    with pytest.raises(ValueError):
        CityGenerator(city_code="330106")
