"""The synthetic demo city: people and enterprises of one prefecture-level city, from a seed.

Deterministic and streaming, pure Python without the ORM (the caller inserts the records):

- the same ``seed``, ``city_code`` and ``as_of`` give the same records, on any machine, with any ``chunk_size``;
- the streams are prefix-stable: the first 1,000 of 2,000 persons are the 1,000 persons of a 1,000-person run;
- records come in chunks, and what is kept between chunks is small and fixed per person (22 bytes for the
  legal-representative index, plus the ID-sequence counters), so a million persons fit in a few tens of MB.

People: names from Faker's zh_CN lists consistent with gender; birth dates after the 2020 census age pyramid;
citizen ID numbers (GB 11643) whose division code is the birth county — 90 % a county of this city, 10 % any
other county of China — with a sequence whose parity is the gender, unique within the run; a household
registration in a real township of the city with an address built from its real names; a mobile number.

Enterprises: USCCs (GB 32100, registration authority 9 工商, entity type 1 企业 / 2 个体工商户 / 3 农民专业合作社,
division = the county of the address, organisation-code body unique within the run); names like
``杭州恒瑞信息技术有限公司``; a GB/T 4754 division; headcount and revenue drawn for a target size and the size
then *computed* by the statistical rule (:mod:`yiwang.demo.sizes`); tags; a legal representative who is an
adult of the generated population at the founding date.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

import numpy as np

from yiwang.accounts.divisions import DivisionRow, read_divisions
from yiwang.core.identifiers import USCC_ALPHABET, make_id_number, make_uscc
from yiwang.demo import vocabulary as vocab
from yiwang.demo.sizes import SIZES, classify_size, size_rule_for

__all__ = [
    "DEFAULT_AS_OF",
    "DEFAULT_CITY_CODE",
    "DEFAULT_SEED",
    "CityGenerator",
    "CityGeography",
    "EnterpriseRecord",
    "PersonRecord",
    "iter_enterprises",
    "iter_persons",
]

DEFAULT_SEED = 2026
DEFAULT_CITY_CODE = "330100"  # 杭州市
#: The reference date of the demo: ages, founding dates and "at least N years old" are counted to it. Fixed, so
#: that a seed gives the same city whatever day it runs.
DEFAULT_AS_OF = date(2026, 1, 1)
DEFAULT_CHUNK_SIZE = 5000

_MAX_AGE = 95
_ADULT_AGE = 18
_MAX_REPRESENTATIVE_AGE = 85  # at as_of
_MAX_AGE_AT_FOUNDING = 70
_SEQUENCES_PER_GENDER = 499  # male 001, 003, ..., 997; female 002, 004, ..., 998
_NEW_USCC_SINCE = date(2015, 10, 1)  # codes issued since then have an "MA…" organisation-code body
_CENT = Decimal("0.01")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One generated natural person (for ``registries.Person``)."""

    index: int  # position in the stream, from 0
    id_number: str
    name: str
    gender: str  # "M" or "F" (Person.Gender)
    birth_date: date
    ethnicity: str
    division_code: str  # household registration township, 9 digits
    address: str
    phone: str  # "" for children


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    """One generated market entity (for ``registries.LegalEntity``)."""

    index: int
    uscc: str
    name: str
    entity_type: str  # LegalEntity.EntityType value
    industry_code: str  # GB/T 4754 division, 2 digits
    size: str  # LegalEntity.Size value, computed by sizes.classify_size
    headcount: int
    annual_revenue: Decimal  # 万元
    tax_paid: Decimal  # 万元, last year
    social_insurance_headcount: int  # employees insured (社保参保人数), at most headcount
    registered_capital: Decimal  # 万元
    founding_date: date
    tags: tuple[str, ...]
    division_code: str  # township of the address, 9 digits
    address: str
    legal_representative_index: int  # PersonRecord.index
    legal_representative_id_number: str


class _Weighted(Generic[T]):
    """Draw from items with relative weights, by bisecting the cumulative weights (faster than choices())."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        pairs = [(item, w) for item, w in zip(items, weights, strict=True) if w > 0]
        self.items = [item for item, _w in pairs]
        self.cumulative = list(itertools.accumulate(w for _item, w in pairs))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, table: dict[T, float]) -> _Weighted[T]:
        return cls(list(table), list(table.values()))

    def draw(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


class CityGeography:
    """The divisions of one prefecture-level city, from the shipped division table, and every county of China."""

    def __init__(self, city_code: str) -> None:
        rows = read_divisions()
        by_code = {row.code: row for row in rows}
        city = by_code.get(city_code)
        if city is None or city.level != 2:
            raise ValueError(f"{city_code!r} is not a prefecture-level division code (e.g. '330100')")
        self.city = city
        self.province = by_code[city.parent_code]
        city_prefix = city_code[:4]
        self.townships: list[DivisionRow] = [r for r in rows if r.level == 4 and r.code.startswith(city_prefix)]
        if not self.townships:
            raise ValueError(f"{city.name} ({city_code}) has no townships in the division table")
        self.rural_townships = [t for t in self.townships if t.name.endswith(("镇", "乡"))] or self.townships
        # A county here is what issues ID numbers: the parent of townships (a city without districts, e.g.
        # 东莞市 441900, is its own county).
        self.counties: list[str] = sorted({t.parent_code for t in self.townships})
        self.county_index = {code: i for i, code in enumerate(self.counties)}
        self.other_counties: list[str] = sorted(
            {r.parent_code for r in rows if r.level == 4 and not r.code.startswith(city_prefix)}
        )
        self.names = {r.code: r.name for r in rows}
        self.city_short_name = city.name.removesuffix("市") if len(city.name) > 2 else city.name
        self.province_short_name = self.province.name.removesuffix("省").removesuffix("市")[:2]

    def township_prefix(self, township: DivisionRow) -> str:
        """The address down to the township: 浙江省杭州市西湖区留下街道."""
        parts = [self.province.name]
        if self.city.name not in vocab.PLACEHOLDER_CITY_NAMES:
            parts.append(self.city.name)
        if township.parent_code != self.city.code:
            parts.append(self.names[township.parent_code])
        parts.append(township.name)
        return "".join(parts)


class CityGenerator:
    """Generates the persons, then the enterprises, of one city from one seed.

    ``iter_persons()`` also records, for every person, the birth date and ID number (a compact numpy index), so
    that ``iter_enterprises()`` can pick adult legal representatives without keeping the persons. If the
    enterprises are asked for first, the persons are generated (and discarded) to build that index.
    """

    def __init__(
        self, *, seed: int = DEFAULT_SEED, city_code: str = DEFAULT_CITY_CODE, as_of: date = DEFAULT_AS_OF
    ) -> None:
        self.seed = seed
        self.city_code = city_code
        self.as_of = as_of
        self.geo = CityGeography(city_code)
        self._age_bands = _Weighted([(lo, hi) for lo, hi, _w in vocab.AGE_BANDS], [w for *_r, w in vocab.AGE_BANDS])
        # birth ordinals of age a: as_of - (a + 1) years < birth <= as_of - a years
        self._birth_ranges = []
        for age in range(_MAX_AGE + 1):
            first = _years_before(as_of, age + 1).toordinal() + 1
            self._birth_ranges.append((first, _years_before(as_of, age).toordinal() - first + 1))
        self._max_day_index = as_of.toordinal() - self._birth_ranges[_MAX_AGE][0] + 366
        self._surnames = _Weighted.of(vocab.SURNAMES)
        self._ethnicities = _Weighted.of(vocab.ETHNICITIES)
        self._population_birth: np.ndarray = np.empty(0, dtype=np.int32)
        self._population_ids: np.ndarray = np.empty(0, dtype="S18")
        self._population_size = 0  # complete index of this many persons, or 0

    def _rng(self, stream: str) -> random.Random:
        return random.Random(f"yiwang-demo:{self.seed}:{self.city_code}:{self.as_of.isoformat()}:{stream}")

    # --- persons --------------------------------------------------------------------------------------------------

    def iter_persons(self, count: int, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[list[PersonRecord]]:
        """Yield ``count`` persons in lists of at most ``chunk_size``. Each call starts the stream afresh."""
        if count < 0 or chunk_size < 1:
            raise ValueError("count must be >= 0 and chunk_size >= 1")
        rng = self._rng("persons")
        local_counts = np.zeros((len(self.geo.counties), self._max_day_index + 1, 2), dtype=np.uint16)
        other_counts: dict[int, int] = {}
        births = np.empty(count, dtype=np.int32)
        ids = np.empty(count, dtype="S18")
        self._population_size = 0
        for start in range(0, count, chunk_size):
            chunk = []
            for index in range(start, min(start + chunk_size, count)):
                person = self._person(rng, index, local_counts, other_counts)
                births[index] = person.birth_date.toordinal()
                ids[index] = person.id_number.encode("ascii")
                chunk.append(person)
            yield chunk
        self._population_birth, self._population_ids, self._population_size = births, ids, count

    def _person(
        self, rng: random.Random, index: int, local_counts: np.ndarray, other_counts: dict[int, int]
    ) -> PersonRecord:
        geo = self.geo
        male = rng.random() < vocab.MALE_SHARE
        low, high = self._age_bands.draw(rng)
        age = rng.randint(low, high)
        first, span = self._birth_ranges[age]
        birth_ordinal = first + rng.randrange(span)
        township = rng.choice(geo.townships)
        if rng.random() < vocab.LOCAL_BIRTH_SHARE:
            same = rng.random() < vocab.SAME_COUNTY_SHARE
            birth_county = township.parent_code if same else rng.choice(geo.counties)
        else:
            birth_county = rng.choice(geo.other_counties)
        id_number, birth_ordinal = self._id_number(birth_county, birth_ordinal, male, local_counts, other_counts)
        surname = self._surnames.draw(rng)
        given_names = vocab.GIVEN_NAMES_MALE if male else vocab.GIVEN_NAMES_FEMALE
        given = rng.choice(given_names)
        if len(given) == 1 and rng.random() < 0.5:
            second = rng.choice(given_names)
            given = given + second[0] if second[0] != given else given
        return PersonRecord(
            index=index,
            id_number=id_number,
            name=surname + given,
            gender="M" if male else "F",
            birth_date=date.fromordinal(birth_ordinal),
            ethnicity=self._ethnicities.draw(rng),
            division_code=township.code,
            address=self._address(rng, township, residential=True),
            phone=(
                rng.choice(vocab.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" if age >= vocab.PHONE_MIN_AGE else ""
            ),
        )

    def _id_number(
        self,
        county: str,
        birth_ordinal: int,
        male: bool,
        local_counts: np.ndarray,
        other_counts: dict[int, int],
    ) -> tuple[str, int]:
        """A unique ID number: per (county, birth date, gender) the sequences are handed out in turn.

        The first sequence of a slot is spread by a hash of the slot, so that numbers do not all end in 001.
        A full slot (499 people of one gender born on one day in one county) moves the birth date back a day.
        """
        gender = 0 if male else 1
        county_index = self.geo.county_index.get(county)
        while True:
            day = self.as_of.toordinal() - birth_ordinal
            if county_index is not None:
                used = int(local_counts[county_index, day, gender])
            else:
                key = (int(county) * (self._max_day_index + 1) + day) * 2 + gender
                used = other_counts.get(key, 0)
            if used < _SEQUENCES_PER_GENDER:
                break
            birth_ordinal -= 1
        if county_index is not None:
            local_counts[county_index, day, gender] = used + 1
        else:
            other_counts[key] = used + 1
        offset = (int(county) * 31 + day * 17 + gender * 7) % _SEQUENCES_PER_GENDER
        slot = (offset + used) % _SEQUENCES_PER_GENDER
        sequence = 2 * slot + (1 if male else 2)
        return make_id_number(county, date.fromordinal(birth_ordinal), sequence), birth_ordinal

    def _address(self, rng: random.Random, township: DivisionRow, *, residential: bool) -> str:
        roads = vocab.ROAD_STEMS
        first_road = zlib.crc32(township.code.encode()) % len(roads)
        road_number = first_road + rng.randrange(vocab.ROADS_PER_TOWNSHIP)
        road = roads[road_number % len(roads)] + vocab.ROAD_SUFFIXES[road_number % len(vocab.ROAD_SUFFIXES)]
        address = f"{self.geo.township_prefix(township)}{road}{rng.randint(1, 999)}号"
        if residential and rng.random() < 0.65:
            floor = rng.randint(1, 18)
            address += f"{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{floor}{rng.randint(1, 4):02d}室"
        elif not residential and rng.random() < 0.5:
            address += f"{rng.randint(1, 12)}幢{rng.randint(1, 20)}层{rng.randint(1, 30):02d}室"
        return address

    # --- enterprises ----------------------------------------------------------------------------------------------

    def iter_enterprises(
        self, count: int, *, persons: int, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> Iterator[list[EnterpriseRecord]]:
        """Yield ``count`` enterprises whose legal representatives are among the first ``persons`` persons."""
        if count < 0 or chunk_size < 1:
            raise ValueError("count must be >= 0 and chunk_size >= 1")
        if count and persons < 1:
            raise ValueError("enterprises need a population to draw legal representatives from")
        if count and self._population_size != persons:
            for _chunk in self.iter_persons(persons, chunk_size=max(chunk_size, DEFAULT_CHUNK_SIZE)):
                pass
        rng = self._rng("enterprises")
        representatives = self._rng("representatives")
        keys = self._rng("org-codes")
        # Affine permutations of the enterprise index give organisation-code bodies that never repeat.
        digits_offset, ma_offset = keys.randrange(10**8), keys.randrange(31**6)
        if count > 10**8:
            raise ValueError("at most 100,000,000 enterprises per run")
        types = _Weighted.of(vocab.ENTITY_TYPES)
        company_industries = _Weighted.of({code: w for code, (w, _words) in vocab.COMPANY_INDUSTRIES.items()})
        shops = _Weighted.of({code: w for code, (w, _words) in vocab.SHOP_INDUSTRIES.items()})
        cooperatives = _Weighted.of({code: w for code, (w, _words) in vocab.COOPERATIVE_INDUSTRIES.items()})
        size_mix = {t: _Weighted(SIZES, mix) for t, mix in vocab.SIZE_MIX.items()}
        years = list(range(vocab.FIRST_FOUNDING_YEAR, date.fromordinal(self.as_of.toordinal() - 1).year + 1))
        founding_years = _Weighted(years, [vocab.FOUNDING_GROWTH ** (y - years[0]) for y in years])
        for start in range(0, count, chunk_size):
            chunk = []
            for index in range(start, min(start + chunk_size, count)):
                entity_type = types.draw(rng)
                if entity_type == "individual":
                    industry = shops.draw(rng)
                elif entity_type == "cooperative":
                    industry = cooperatives.draw(rng)
                elif entity_type == "partnership" and rng.random() < vocab.PARTNERSHIP_FUND_SHARE:
                    industry = "67"
                else:
                    industry = company_industries.draw(rng)
                size_target = size_mix[entity_type].draw(rng)
                headcount, revenue = self._scale(rng, industry, size_target)
                tax_paid, insured = self._tax_and_insurance(rng, entity_type, headcount, revenue)
                size = classify_size(industry, headcount, revenue)
                founding = self._founding_date(rng, founding_years)
                township = rng.choice(self.geo.rural_townships if entity_type == "cooperative" else self.geo.townships)
                rep_index = self._representative(representatives, founding)
                if founding >= _NEW_USCC_SINCE:
                    body = "MA" + self._base31((index * 123_456_791 + ma_offset) % 31**6, 6)
                else:
                    body = f"{(index * 7_654_321 + digits_offset) % 10**8:08d}"
                chunk.append(
                    EnterpriseRecord(
                        index=index,
                        uscc=make_uscc("9", vocab.USCC_TYPE_CODES[entity_type], township.parent_code, body),
                        name=self._enterprise_name(rng, entity_type, industry, township, size),
                        entity_type=entity_type,
                        industry_code=industry,
                        size=size,
                        headcount=headcount,
                        annual_revenue=revenue,
                        tax_paid=tax_paid,
                        social_insurance_headcount=insured,
                        registered_capital=self._capital(rng, entity_type, size),
                        founding_date=founding,
                        tags=self._tags(rng, entity_type, industry, size, founding),
                        division_code=township.code,
                        address=self._address(rng, township, residential=False),
                        legal_representative_index=rep_index,
                        legal_representative_id_number=self._population_ids[rep_index].decode("ascii"),
                    )
                )
            yield chunk

    @staticmethod
    def _base31(number: int, width: int) -> str:
        chars = []
        for _ in range(width):
            number, digit = divmod(number, 31)
            chars.append(USCC_ALPHABET[digit])
        return "".join(reversed(chars))

    def _scale(self, rng: random.Random, industry: str, size: str) -> tuple[int, Decimal]:
        """Headcount and annual revenue (万元) inside the band of ``size`` for the industry's size rule."""
        rule = size_rule_for(industry)
        level = SIZES.index(size)  # 0 micro .. 3 large
        # Bands for indicators the rule does not use are only there to draw plausible values.
        heads = rule.headcount or (10, 100, 300)
        bounds = (1, *heads, heads[2] * 4)
        headcount = int(_log_uniform(rng, bounds[level], bounds[level + 1]))
        headcount = min(max(headcount, bounds[level]), bounds[level + 1] - 1)
        if rule.revenue is not None:
            money = (rule.revenue[0] / 30, *rule.revenue, rule.revenue[2] * 5)
            low, high = money[level], money[level + 1]
        else:  # revenue per head of 10–80 万元 a year
            low, high = headcount * 10.0, headcount * 80.0
        revenue = Decimal(_log_uniform(rng, low, high)).quantize(_CENT)
        revenue = min(max(revenue, Decimal(low).quantize(_CENT, "ROUND_UP")), Decimal(high) - _CENT)
        return headcount, revenue

    @staticmethod
    def _tax_and_insurance(
        rng: random.Random, entity_type: str, headcount: int, revenue: Decimal
    ) -> tuple[Decimal, int]:
        """Taxes paid last year (万元) at an overall burden of 0.5–6 % of revenue, and the insured employees.

        Synthetic: a fifth of individual businesses stay under the VAT threshold (起征点) and pay nothing; most
        firms insure 60–100 % of their staff, individual businesses often nobody but the owner.
        """
        if entity_type == "individual" and rng.random() < 0.2:
            tax = Decimal(0)
        else:
            tax = (revenue * Decimal(_log_uniform(rng, 0.005, 0.06))).quantize(_CENT)
        if entity_type == "individual":
            insured = rng.randint(0, headcount)
        else:
            insured = max(1, round(headcount * rng.uniform(0.6, 1.0)))
        return tax, min(insured, headcount)

    def _founding_date(self, rng: random.Random, founding_years: _Weighted[int]) -> date:
        year = founding_years.draw(rng)
        first = date(year, 1, 1).toordinal()
        last = min(date(year, 12, 31).toordinal(), self.as_of.toordinal() - 1)
        return date.fromordinal(rng.randint(first, last))

    def _representative(self, rng: random.Random, founding: date) -> int:
        """Index of a person who was an adult (and not too old) at ``founding`` and is alive-aged at as_of."""
        adult_by = _years_before(founding, _ADULT_AGE).toordinal()
        not_older_than = max(
            _years_before(founding, _MAX_AGE_AT_FOUNDING).toordinal(),
            _years_before(self.as_of, _MAX_REPRESENTATIVE_AGE).toordinal(),
        )
        births = self._population_birth
        for _attempt in range(200):
            index = rng.randrange(self._population_size)
            if not_older_than <= births[index] <= adult_by:
                return index
        # Small populations, where random tries can miss: draw among all who qualify.
        eligible = np.flatnonzero((births >= not_older_than) & (births <= adult_by))
        if eligible.size:
            return int(eligible[rng.randrange(eligible.size)])
        raise ValueError(f"no adult in the population to represent an enterprise founded on {founding}")

    def _brand(self, rng: random.Random) -> str:
        if rng.random() < vocab.FAKER_BRAND_SHARE:
            return rng.choice(vocab.FAKER_BRANDS)
        first, second = rng.sample(vocab.BRAND_CHARACTERS, 2)
        return first + second

    def _enterprise_name(
        self, rng: random.Random, entity_type: str, industry: str, township: DivisionRow, size: str
    ) -> str:
        geo = self.geo
        brand = self._brand(rng)
        county = geo.names[township.parent_code]
        if entity_type == "individual":
            word = rng.choice(vocab.SHOP_INDUSTRIES[industry][1])
            return f"{geo.city.name}{county}{brand}{word}" if county != geo.city.name else f"{county}{brand}{word}"
        if entity_type == "cooperative":
            word = rng.choice(vocab.COOPERATIVE_INDUSTRIES[industry][1])
            return f"{county}{brand}{word}专业合作社"
        if industry == "67" and entity_type == "partnership":
            word = "股权投资"
        else:
            word = rng.choice(vocab.COMPANY_INDUSTRIES[industry][1])
        place = geo.province_short_name if entity_type == "joint_stock" or size == "large" else geo.city_short_name
        return f"{place}{brand}{word}{vocab.NAME_SUFFIXES[entity_type]}"

    @staticmethod
    def _capital(rng: random.Random, entity_type: str, size: str) -> Decimal:
        key = f"limited:{size}" if entity_type == "limited" else entity_type
        return Decimal(str(rng.choice(vocab.CAPITAL_CHOICES[key]))).quantize(_CENT)

    def _tags(self, rng: random.Random, entity_type: str, industry: str, size: str, founding: date) -> tuple[str, ...]:
        """Tags with the frequencies documented in :mod:`yiwang.demo.vocabulary`."""
        if entity_type in ("individual", "cooperative"):
            return ()
        tags = []
        tech = industry in vocab.TECH_DIVISIONS
        sme = size != "large"
        years_old = (self.as_of - founding).days / 365.25
        high_tech = years_old >= 1 and rng.random() < vocab.HIGH_TECH_P[(tech, size != "micro")]
        if high_tech:
            tags.append(vocab.TAG_HIGH_TECH)
        specialised_field = industry in vocab.MANUFACTURING_DIVISIONS or industry == "65"
        if sme and specialised_field and years_old >= 2 and rng.random() < vocab.SPECIALISED_P.get(size, 0.0):
            tags.append(vocab.TAG_SPECIALISED)
        if size in ("small", "micro"):
            tags.append(vocab.TAG_SMALL_MICRO)
        tech_sme_p = vocab.TECH_SME_P_IF_HIGH_TECH if high_tech else vocab.TECH_SME_P[tech]
        if sme and rng.random() < tech_sme_p:
            tags.append(vocab.TAG_TECH_SME)
        return tuple(tags)


def iter_persons(
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    city_code: str = DEFAULT_CITY_CODE,
    as_of: date = DEFAULT_AS_OF,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[list[PersonRecord]]:
    """The persons of a city, in chunks (see :class:`CityGenerator`)."""
    return CityGenerator(seed=seed, city_code=city_code, as_of=as_of).iter_persons(count, chunk_size=chunk_size)


def iter_enterprises(
    count: int,
    *,
    persons: int,
    seed: int = DEFAULT_SEED,
    city_code: str = DEFAULT_CITY_CODE,
    as_of: date = DEFAULT_AS_OF,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[list[EnterpriseRecord]]:
    """The enterprises of a city whose legal representatives are among its first ``persons`` persons."""
    generator = CityGenerator(seed=seed, city_code=city_code, as_of=as_of)
    return generator.iter_enterprises(count, persons=persons, chunk_size=chunk_size)
