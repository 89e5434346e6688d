"""Seed the demo city: reference data, the generated population and enterprises, departments and demo logins.

``seed_demo_city()`` is idempotent. Reference data is upserted; persons and enterprises are inserted with
``ignore_conflicts`` on their unique identifiers (ID number, USCC), so a repeated run cannot duplicate them; and a
run whose data is already there is recognised (the seed's first ID numbers exist and the registries hold at least
the requested counts) and skips the generation altogether. Departments, roles and logins are get-or-create.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import reset_queries, transaction

from yiwang.accounts.divisions import load_divisions
from yiwang.accounts.models import Department, Division, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.core.keys import index_of
from yiwang.demo.departments import DEPARTMENT_KINDS
from yiwang.demo.generator import DEFAULT_AS_OF, CityGenerator, EnterpriseRecord, PersonRecord
from yiwang.registries.elements import load_elements
from yiwang.registries.industries import load_industries
from yiwang.registries.models import LegalEntity, Person

__all__ = ["DEMO_PASSWORD", "DEPARTMENT_KINDS", "DemoLogin", "SeedReport", "ensure_departments", "seed_demo_city"]

#: The one password of every demo login, printed by ``manage.py seed``. Passes the validators in settings.
DEMO_PASSWORD = "Yiwang-Demo-2026"  # noqa: S105 - a published demo credential, never used in production
BATCH_SIZE = 5000
_PROBE_SIZE = 100  # the first ID numbers of a seed that identify its population


#: The two demo officials: (department kind, preferred county code) per city; other cities use their first
#: two counties.
_DEMO_OFFICIAL_COUNTIES = {"330100": ("330106", "330102")}  # 西湖区市场监督管理局, 上城区公安分局
_DEMO_OFFICIAL_KINDS = ("SCJGJ", "GAJ")
#: The other departments of the second demo county that take part in 开办企业一件事 (the demo bundle's items are
#: that county's), so that the whole bundle can be handled in the demo: one official each, 受理+审批.
_BUNDLE_OFFICIAL_KINDS = ("SCJGJ", "RSJ", "GJJ", "SWJ")


@dataclass(frozen=True)
class DemoLogin:
    """A demo account, printed by ``manage.py seed``."""

    username: str
    password: str
    kind: str
    full_name: str
    description: str


@dataclass
class SeedReport:
    """What ``seed_demo_city`` did."""

    seed: int
    city_code: str
    city_name: str
    divisions_written: int = 0
    industries_written: int = 0
    persons_requested: int = 0
    persons_created: int = 0
    persons_total: int = 0
    enterprises_requested: int = 0
    enterprises_created: int = 0
    enterprises_total: int = 0
    departments: int = 0
    generation_skipped: bool = False
    logins: list[DemoLogin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def seed_demo_city(
    *,
    seed: int = 2026,
    persons: int = 2000,
    enterprises: int = 300,
    city_code: str = "330100",
    as_of: date = DEFAULT_AS_OF,
    all_divisions: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Seed (or re-seed, idempotently) the demo city ``city_code`` from ``seed``; see the module docstring.

    Divisions are loaded for the city's province (Zhejiang for 330100: 1,489 rows, 0.2 s), or for all of China
    with ``all_divisions`` (44,700 rows, 2–4 s on SQLite).
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    generator = CityGenerator(seed=seed, city_code=city_code, as_of=as_of)
    report = SeedReport(seed=seed, city_code=city_code, city_name=generator.geo.city.name)
    report.persons_requested, report.enterprises_requested = persons, enterprises

    clock = time.perf_counter()
    report.divisions_written = load_divisions(province_prefixes=None if all_divisions else [city_code[:2]])
    report.industries_written = load_industries()
    load_elements()
    report.seconds["reference data"] = time.perf_counter() - clock
    say(f"reference data: {report.divisions_written} divisions, {report.industries_written} industries written")

    probe = _probe(generator, persons)
    persons_before, enterprises_before = Person.objects.count(), LegalEntity.objects.count()
    report.generation_skipped = _already_seeded(probe, persons, enterprises, persons_before, enterprises_before)
    if not report.generation_skipped:
        clock = time.perf_counter()
        for chunk in generator.iter_persons(persons, chunk_size=BATCH_SIZE):
            _insert_persons(chunk)
            reset_queries()  # with DEBUG on, Django keeps every query's SQL: megabytes per bulk insert
            say(f"persons: {chunk[-1].index + 1:,} / {persons:,}")
        report.seconds["persons"] = time.perf_counter() - clock
        clock = time.perf_counter()
        for enterprise_chunk in generator.iter_enterprises(enterprises, persons=persons, chunk_size=BATCH_SIZE):
            _insert_enterprises(enterprise_chunk)
            reset_queries()
            say(f"enterprises: {enterprise_chunk[-1].index + 1:,} / {enterprises:,}")
        report.seconds["enterprises"] = time.perf_counter() - clock
    report.persons_total, report.enterprises_total = Person.objects.count(), LegalEntity.objects.count()
    report.persons_created = report.persons_total - persons_before
    report.enterprises_created = report.enterprises_total - enterprises_before

    clock = time.perf_counter()
    report.departments = ensure_departments(city_code)
    report.logins = _ensure_demo_logins(city_code, probe, as_of)
    report.seconds["departments and logins"] = time.perf_counter() - clock
    clock = time.perf_counter()
    seed_credit(seed=seed, city_code=city_code, as_of=as_of)
    report.seconds["credit"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report.notes.extend(seed_services(city_code=city_code, logins=report.logins))
    report.logins.extend(_seed_regulation(city_code))
    report.logins.extend(_seed_risk(city_code))
    report.logins.extend(_seed_collaboration(city_code))
    report.logins.extend(_seed_disclosure(city_code))
    report.logins.extend(_seed_channels(city_code))
    report.seconds["services"] = time.perf_counter() - clock
    report.seconds["total"] = time.perf_counter() - started
    return report


def _seed_channels(city_code: str) -> list[DemoLogin]:
    from yiwang.demo.channels import ensure_demo_helper

    return ensure_demo_helper(city_code=city_code)


def _seed_regulation(city_code: str) -> list[DemoLogin]:
    from yiwang.demo.regulation import ensure_demo_regulation

    return ensure_demo_regulation(city_code=city_code)


def _seed_collaboration(city_code: str) -> list[DemoLogin]:
    """一网协同 and 督查督办: the organisation tree, instructions, a task force, supervised items in three colours."""
    from yiwang.demo.collaboration import ensure_demo_collaboration
    from yiwang.demo.supervision import ensure_demo_supervision

    return [*ensure_demo_collaboration(city_code=city_code), *ensure_demo_supervision(city_code=city_code)]


def _seed_disclosure(city_code: str) -> list[DemoLogin]:
    from yiwang.demo.disclosure import ensure_demo_disclosure

    return ensure_demo_disclosure(city_code=city_code)


def _seed_risk(city_code: str) -> list[DemoLogin]:
    from yiwang.demo.risk import ensure_demo_risk

    return ensure_demo_risk(city_code=city_code)


def _probe(generator: CityGenerator, persons: int) -> list[PersonRecord]:
    """The seed's first persons (the stream is prefix-stable, so they are the same for any ``persons``)."""
    count = min(persons, _PROBE_SIZE)
    return [p for chunk in generator.iter_persons(count, chunk_size=_PROBE_SIZE) for p in chunk]


def _already_seeded(
    probe: list[PersonRecord], persons: int, enterprises: int, persons_now: int, enterprises_now: int
) -> bool:
    if persons == 0 or persons_now < persons or enterprises_now < enterprises:
        return False
    present = Person.objects.filter(id_number_index__in=[index_of(p.id_number) for p in probe]).count()
    return present == len(probe)


def _insert_persons(chunk: Iterable[PersonRecord]) -> None:
    rows = [
        Person(
            id_number=p.id_number,
            name=p.name,
            gender=p.gender,
            birth_date=p.birth_date,
            ethnicity=p.ethnicity,
            division_id=p.division_code,
            address=p.address,
            phone=p.phone,
        )
        for p in chunk
    ]
    with transaction.atomic():
        Person.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _person_pks(id_numbers: set[str]) -> dict[str, int]:
    """Primary keys by ID number, looked up through the blind index (the ID number column is encrypted)."""
    by_index = {index_of(id_number): id_number for id_number in sorted(id_numbers)}
    indexes = list(by_index)
    pks: dict[str, int] = {}
    for start in range(0, len(indexes), 900):  # below SQLite's classic 999 bound-parameter limit
        rows = Person.objects.filter(id_number_index__in=indexes[start : start + 900]).values_list(
            "id_number_index", "pk"
        )
        pks.update((by_index[index], pk) for index, pk in rows)
    return pks


def _insert_enterprises(chunk: list[EnterpriseRecord]) -> None:
    with transaction.atomic():
        pks = _person_pks({e.legal_representative_id_number for e in chunk})
        rows = [
            LegalEntity(
                uscc=e.uscc,
                name=e.name,
                entity_type=e.entity_type,
                legal_representative_id=pks[e.legal_representative_id_number],
                registered_capital=e.registered_capital,
                industry_id=e.industry_code,
                division_id=e.division_code,
                address=e.address,
                founding_date=e.founding_date,
                size=e.size,
                headcount=e.headcount,
                annual_revenue=e.annual_revenue,
                tax_paid=e.tax_paid,
                social_insurance_headcount=e.social_insurance_headcount,
                tags=list(e.tags),
            )
            for e in chunk
        ]
        LegalEntity.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


# --- departments --------------------------------------------------------------------------------------------------


def ensure_departments(city_code: str) -> int:
    """Create (or rename) the departments of the city and of each of its counties; return how many exist."""
    city = Division.objects.get(code=city_code)
    counties = list(Division.objects.filter(parent=city, level=Division.Level.COUNTY).order_by("code"))
    city_label = city.name if city.name not in ("市辖区", "县") else city.parent.name  # type: ignore[union-attr]
    wanted: list[tuple[str, dict[str, Any], str | None]] = []  # code, fields, parent code
    for kind in DEPARTMENT_KINDS:
        city_department = f"{city.code}-{kind.suffix}"
        fields: dict[str, Any] = {"name": kind.city_name.format(city=city_label), "short_name": kind.short_name}
        wanted.append((city_department, {**fields, "kind": kind.kind, "division": city}, None))
        for county in counties:
            fields = {
                "name": kind.county_name.format(city=city_label, county=county.name),
                "short_name": f"{county.name}{kind.short_name}",
                "kind": kind.kind,
                "division": county,
            }
            wanted.append((f"{county.code}-{kind.suffix}", fields, city_department))
    with transaction.atomic():
        wanted_codes = [code for code, *_rest in wanted]
        existing = {
            d.code: d for d in Department.objects.filter(code__in=wanted_codes).select_related("division", "parent")
        }
        for code, fields, parent_code in wanted:  # city departments come first: parents exist
            fields["parent"] = existing[parent_code] if parent_code else None
            department = existing.get(code)
            if department is None:
                existing[code] = Department.objects.create(code=code, **fields)
            elif any(getattr(department, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(department, name, value)
                department.save()
    return len(wanted)


# --- demo logins --------------------------------------------------------------------------------------------------


def _ensure_demo_logins(city_code: str, probe: list[PersonRecord], as_of: date) -> list[DemoLogin]:
    """The citizen, the enterprise agent, the officials and the administrator, with :data:`DEMO_PASSWORD`."""
    adults = [p for p in probe if 30 <= (as_of - p.birth_date).days // 365 <= 55]
    wanted = 1 + len(_DEMO_OFFICIAL_KINDS) + len(_BUNDLE_OFFICIAL_KINDS)
    if len(adults) < wanted:
        raise ValueError(f"the demo logins need {wanted} adults among the first persons; seed more persons")
    citizen, *officials = adults[:wanted]
    roles = ensure_default_roles()
    logins: list[DemoLogin] = []
    with transaction.atomic():
        person = Person.objects.with_id_number(citizen.id_number).get()
        logins.append(
            _login(
                "demo-citizen",
                User.Kind.PERSON,
                person.name,
                "自然人（市民）",
                id_number=person.id_number,
                phone=person.phone,
            )
        )
        firms = LegalEntity.objects.filter(division__code__startswith=city_code[:4], entity_type="limited").exclude(
            legal_representative__id_number_index=index_of(citizen.id_number)
        )
        # the agent keeps the firm it was given (a re-seed after an interruption may restore that firm under a new
        # key, and the first firm may then be another whose representative a later stage already gave a login)
        kept = User.objects.filter(username="demo-agent").values_list("enterprise_uscc", flat=True).first()
        entity = (firms.filter(uscc=kept).select_related("legal_representative").first() if kept else None) or (
            firms.select_related("legal_representative").order_by("pk").first()
        )
        if entity is not None:
            rep = entity.legal_representative
            logins.append(
                _login(
                    "demo-agent",
                    User.Kind.AGENT,
                    rep.name,
                    f"企业经办人（{entity.name}法定代表人）",
                    id_number=rep.id_number,
                    phone=rep.phone,
                    enterprise_uscc=entity.uscc,
                )
            )
        counties = _DEMO_OFFICIAL_COUNTIES.get(city_code) or tuple(
            Division.objects.filter(parent_id=city_code, level=Division.Level.COUNTY)
            .order_by("code")
            .values_list("code", flat=True)[:2]
        )
        posts = list(zip(_DEMO_OFFICIAL_KINDS, counties, strict=False))
        if len(counties) > 1:
            posts += [(kind, counties[1]) for kind in _BUNDLE_OFFICIAL_KINDS if (kind, counties[1]) not in posts]
        for (kind, county_code), official in zip(posts, officials, strict=False):
            department = Department.objects.get(code=f"{county_code}-{kind}")
            login = _login(
                f"demo-{county_code}-{kind.lower()}",
                User.Kind.OFFICIAL,
                official.name,
                f"工作人员（{department.name}，受理+审批）",
                department=department,
            )
            user = User.objects.get(username=login.username)
            for role_code in ("acceptor", "approver"):
                RoleAssignment.objects.get_or_create(
                    user=user, role=roles[role_code], department=department, division_id=county_code
                )
            logins.append(login)
        logins.append(
            _login("demo-admin", User.Kind.ADMIN, "系统管理员", "系统管理员", is_staff=True, is_superuser=True)
        )
    return logins


def _login(username: str, kind: str, full_name: str, description: str, **fields: object) -> DemoLogin:
    values = {"kind": kind, "full_name": full_name, "is_active": True, **fields}
    user, created = User.objects.get_or_create(username=username, defaults=values)
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if created or not user.check_password(DEMO_PASSWORD):
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save()
    return DemoLogin(username=username, password=DEMO_PASSWORD, kind=kind, full_name=full_name, description=description)


# --- credit registry ------------------------------------------------------------------------------------------------

#: Credit-risk classes in the demo: most enterprises are A or B, as in published provincial statistics.
_RISK_CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
_RISK_WEIGHTS: tuple[float, ...] = (0.62, 0.28, 0.08, 0.02)


def seed_credit(*, seed: int, city_code: str, as_of: date) -> int:
    """Rate every enterprise without a rating (by the city's market regulator) and record a few penalties and
    red-list entries, deterministically from ``seed``. Returns the number of ratings created."""
    import random

    from yiwang.registries.models import CreditRating, CreditRecord

    regulator = Department.objects.filter(code=f"{city_code}-SCJGJ").first()
    tax = Department.objects.filter(code=f"{city_code}-SWJ").first()
    if regulator is None or tax is None:
        return 0
    rng = random.Random(f"{seed}-credit")
    rated_on = date(as_of.year - 1, 12, 31)
    unrated = LegalEntity.objects.filter(ratings__isnull=True).order_by("uscc").values_list("pk", "uscc")
    ratings, records = [], []
    for pk, uscc in unrated.iterator(chunk_size=BATCH_SIZE):
        local = random.Random(f"{seed}-{uscc}")
        risk = local.choices(_RISK_CLASSES, _RISK_WEIGHTS)[0]
        ratings.append(
            CreditRating(
                entity_id=pk,
                risk_class=risk,
                rated_on=rated_on,
                department=regulator,
                model_version="浙江省企业信用风险分类指标体系（演示）",
            )
        )
        roll = local.random()
        if risk in "CD" and roll < 0.5:
            records.append(
                CreditRecord(
                    entity_id=pk,
                    kind=CreditRecord.Kind.PENALTY,
                    title="未按规定公示年度报告",
                    department=regulator,
                    decision_no=f"杭市监罚〔{rated_on.year}〕{rng.randint(100, 9999)}号",
                    decided_on=rated_on,
                    legal_basis="《企业信息公示暂行条例》第十八条",
                )
            )
        elif risk == "A" and roll < 0.08:
            records.append(
                CreditRecord(
                    entity_id=pk,
                    kind=CreditRecord.Kind.RED_LIST,
                    title="纳税信用 A 级纳税人",
                    department=tax,
                    decided_on=rated_on,
                    valid_until=date(rated_on.year + 1, 12, 31),
                    legal_basis="《纳税信用管理办法》第二十九条",
                )
            )
    with transaction.atomic():
        CreditRating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
        CreditRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    return len(ratings)


# --- services: catalogue and applications in every state ----------------------------------------------------------


def seed_services(*, city_code: str, logins: list[DemoLogin]) -> list[str]:
    """The demo catalogue (published, searchable) and, for the demo citizen and agent, applications in every
    state of the lifecycle. Returns notes for the report (e.g. a working-day calendar not yet published)."""
    from yiwang.catalog.models import ServiceItem
    from yiwang.core.workdays import (
        CalendarNotSeeded,
        package_years,
        seed_provisional_calendar,
        seed_work_calendar,
    )
    from yiwang.demo.applications import ensure_demo_applications
    from yiwang.demo.bundles import ensure_demo_bundles
    from yiwang.demo.catalog import ensure_demo_catalog
    from yiwang.demo.policies import ensure_demo_policies
    from yiwang.demo.sharing import KEEPER as SHARING_KEEPER
    from yiwang.demo.sharing import ensure_demo_sharing
    from yiwang.policies.models import MatchRun
    from yiwang.policies.services import run_matching

    this_year = date.today().year
    seed_work_calendar([y for y in (this_year - 1, this_year, this_year + 1) if y in package_years()])
    notes = []
    for year in (this_year, this_year + 1):  # time limits that run into a year not announced yet
        if year not in package_years() and seed_provisional_calendar(year):
            notes.append(
                f"{year} 年放假安排尚未收录：演示暂按法定节日推算（未含调休），发布后请用 calendar publish 录入。"
            )
    ensure_demo_catalog(city_code)
    ensure_demo_bundles(city_code)
    ensure_demo_policies(200, city_code=city_code)
    notes.extend(ensure_demo_sharing(city_code, DEMO_PASSWORD))
    users = {login.kind: User.objects.get(username=login.username) for login in logins}
    if not MatchRun.objects.exists():  # the first 免申即享 run, so that the demo agent has offers to confirm
        run_matching(actor=users["admin"])
    officials = [u for u in User.objects.filter(username__in=[lg.username for lg in logins], kind=User.Kind.OFFICIAL)]
    departments = [o.department_id for o in officials if o.department_id]
    published = ServiceItem.objects.filter(status="published", department_id__in=departments).order_by("item_code")
    try:
        ensure_demo_applications(users["agent"], list(published.filter(audience__in=["enterprise", "both"])))
        ensure_demo_applications(users["person"], list(published.filter(audience__in=["person", "both"])))
    except CalendarNotSeeded as exc:
        notes.append(f"{exc.message}：演示办件只生成到“待受理”。")
    keeper = User.objects.filter(username=SHARING_KEEPER).first()
    if keeper is not None and all(login.username != keeper.username for login in logins):
        description = "市数据资源管理局：审批数据共享申请、开放数据"
        logins.append(DemoLogin(keeper.username, DEMO_PASSWORD, User.Kind.OFFICIAL, keeper.full_name, description))
    return notes
