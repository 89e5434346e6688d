"""Seeding the demo city into the registries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError

from yiwang.accounts.models import Department, Division, RoleAssignment, User
from yiwang.demo.seeding import DEMO_PASSWORD, DEPARTMENT_KINDS, seed_demo_city
from yiwang.registries.models import CreditRating, CreditRecord, Industry, LegalEntity, Person, RecordVersion
from yiwang.regulation.models import InspectionObject
from yiwang.risk.models import Alert, RiskScore

PERSONS, ENTERPRISES = 200, 40


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot():
    return (
        # encrypted columns are compared by their blind index (values_list gives the sealed, row-bound token)
        sorted(Person.objects.values_list("id_number_index", "name", "birth_date", "division_id", "address")),
        sorted(
            LegalEntity.objects.values_list(
                "uscc", "name", "legal_representative__id_number_index", "size", "headcount", "annual_revenue", "tags"
            )
        ),
        sorted(Department.objects.values_list("code", "name", "division_id", "parent__code")),
        sorted(User.objects.values_list("username", "kind", "id_number_index", "enterprise_uscc", "department__code")),
        sorted(RoleAssignment.objects.values_list("user__username", "role__code", "department__code", "division_id")),
    )


@pytest.mark.django_db
def test_seeding_fills_the_registries():
    report = seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)

    assert (report.persons_created, report.enterprises_created) == (PERSONS, ENTERPRISES)
    assert Person.objects.count() == PERSONS and LegalEntity.objects.count() == ENTERPRISES
    assert Division.objects.filter(code__startswith="33", level=Division.Level.TOWNSHIP).count() == 1387
    assert Industry.objects.filter(parent__isnull=True).count() == 20 and Industry.objects.count() == 117
    assert not Person.objects.exclude(division__code__startswith="3301").exists()
    assert not Person.objects.exclude(division__level=Division.Level.TOWNSHIP).exists()
    assert all(e.legal_representative.birth_date < e.founding_date for e in LegalEntity.objects.all())


@pytest.mark.django_db
def test_departments_for_the_city_and_each_county():
    seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)

    kinds = tuple(f"-{k.suffix}" for k in DEPARTMENT_KINDS)
    seeded = [code for code in Department.objects.values_list("code", flat=True) if code.endswith(kinds)]
    assert len(seeded) == len(DEPARTMENT_KINDS) * (1 + 13)  # 杭州市 and its 13 counties, every kind of the one table
    xihu = Department.objects.get(code="330106-SCJGJ")
    assert (xihu.name, xihu.division_id, xihu.parent.code) == ("西湖区市场监督管理局", "330106", "330100-SCJGJ")
    assert Department.objects.get(code="330100-WJW").name == "杭州市卫生健康委员会"
    assert xihu.kind == Department.Kind.MARKET_REGULATION
    assert Department.objects.get(code="330102-GAJ").name == "杭州市公安局上城区分局"
    assert (
        set(Department.objects.filter(code__in=seeded).values_list("kind", flat=True))
        == {k.kind for k in DEPARTMENT_KINDS}
        >= {"market_regulation", "public_security", "human_resources", "health", "tax", "housing_fund"}
    )


@pytest.mark.django_db
def test_demo_logins_have_their_kinds_and_scopes():
    report = seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)
    users = {u.username: u for u in User.objects.all()}

    # every account that can log in is printed (the liaisons of most villages and 民生实事's proposers only receive
    # notices)
    assert {login.username for login in report.logins} == {name for name, u in users.items() if u.has_usable_password()}
    residents = {name for name in users if name.startswith("demo-resident-")}
    assert residents and not any(users[name].has_usable_password() for name in residents)
    assert all(
        login.password == DEMO_PASSWORD and users[login.username].check_password(DEMO_PASSWORD)
        for login in report.logins
    )
    citizen = users["demo-citizen"]
    assert citizen.kind == User.Kind.PERSON and Person.objects.with_id_number(citizen.id_number).exists()
    agent = users["demo-agent"]
    entity = LegalEntity.objects.get(uscc=agent.enterprise_uscc)
    assert agent.kind == User.Kind.AGENT and entity.legal_representative.id_number == agent.id_number
    for username, department_code, division_code in (
        ("demo-330106-scjgj", "330106-SCJGJ", "330106"),
        ("demo-330102-gaj", "330102-GAJ", "330102"),
        ("demo-330102-scjgj", "330102-SCJGJ", "330102"),
        ("demo-330102-rsj", "330102-RSJ", "330102"),
        ("demo-330102-gjj", "330102-GJJ", "330102"),
        ("demo-330102-swj", "330102-SWJ", "330102"),
    ):
        official = users[username]
        assert official.kind == User.Kind.OFFICIAL and official.department.code == department_code
        scopes = set(official.assignments.values_list("role__code", "department__code", "division_id"))
        assert scopes == {("acceptor", department_code, division_code), ("approver", department_code, division_code)}
    admin = users["demo-admin"]
    assert admin.kind == User.Kind.ADMIN and admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_seeding_twice_with_the_same_seed_changes_nothing():
    seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)
    before = _snapshot()

    again = seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)

    assert again.generation_skipped and (again.persons_created, again.enterprises_created) == (0, 0)
    assert (again.divisions_written, again.industries_written) == (0, 0)
    assert _snapshot() == before


@pytest.mark.django_db
def test_an_interrupted_seed_is_completed_without_duplicates():
    seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)
    before = _snapshot()
    lost = 0  # the seed stopped before its last enterprises: the newest ones nothing else refers to are gone
    generated = list(LegalEntity.objects.order_by("pk").values_list("pk", flat=True)[:ENTERPRISES])
    changed = set(RecordVersion.objects.filter(registry="entity", version__gt=0).values_list("record_key", flat=True))
    for pk in reversed(generated):  # (the demo's applications register firms of their own after these)
        if LegalEntity.objects.get(pk=pk).uscc in changed:  # a later stage changed its record (risk's patterns)
            continue
        try:
            with transaction.atomic():
                InspectionObject.objects.filter(entity_id=pk).delete()  # the roster entry built from it
                CreditRecord.objects.filter(entity_id=pk).delete()
                CreditRating.objects.filter(entity_id=pk).delete()
                RiskScore.objects.filter(entity_id=pk).delete()  # its monthly scores and leads (一网统管)
                Alert.objects.filter(entity_id=pk).delete()
                LegalEntity.objects.filter(pk=pk).delete()
        except ProtectedError:  # a visit or a case of the demo refers to it
            continue
        lost += 1
        if lost == 10:
            break

    report = seed_demo_city(seed=11, persons=PERSONS, enterprises=ENTERPRISES)

    # every lost enterprise is back (some are restored by the generation, the rest by a later stage of the
    # demo that refers to them), none twice
    assert not report.generation_skipped and 0 < report.enterprises_created <= lost and report.persons_created == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_seed_command_prints_the_logins(capsys):
    call_command("seed", persons=PERSONS, enterprises=ENTERPRISES, seed=5)

    out = capsys.readouterr().out
    assert "杭州市" in out and DEMO_PASSWORD in out
    for username in ("demo-citizen", "demo-agent", "demo-330106-scjgj", "demo-330102-gaj", "demo-admin"):
        assert username in out


@pytest.mark.django_db
def test_every_enterprise_gets_a_credit_rating_once():
    seed_demo_city(seed=3, persons=PERSONS, enterprises=ENTERPRISES)
    # every enterprise is rated, at most once per date (the seed's rating, then the monthly classification runs)
    assert set(CreditRating.objects.values_list("entity_id", flat=True)) == set(
        LegalEntity.objects.values_list("pk", flat=True)
    )
    count = CreditRating.objects.count()
    assert count == CreditRating.objects.values("entity_id", "rated_on").distinct().count()
    classes = set(CreditRating.objects.values_list("risk_class", flat=True))
    assert "A" in classes and classes <= {"A", "B", "C", "D"}
    seed_demo_city(seed=3, persons=PERSONS, enterprises=ENTERPRISES)
    assert CreditRating.objects.count() == count


@pytest.mark.django_db
def test_demo_applications_in_every_state_once():
    from yiwang.applications.lifecycle import State
    from yiwang.applications.models import Application
    from yiwang.catalog.models import ServiceItem

    seed_demo_city(seed=4, persons=PERSONS, enterprises=ENTERPRISES)
    assert ServiceItem.objects.filter(status="published").count() >= 30
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    count = Application.objects.count()
    seed_demo_city(seed=4, persons=PERSONS, enterprises=ENTERPRISES)
    assert Application.objects.count() == count


@pytest.mark.django_db
def test_demo_has_auto_approved_items_that_really_approve(django_capture_on_commit_callbacks):
    from yiwang.accounts.models import User
    from yiwang.applications.lifecycle import State
    from yiwang.applications.models import Application
    from yiwang.applications.services import submit_application
    from yiwang.catalog.models import ServiceItem
    from yiwang.demo.applications import _form_data, _uploads

    report = seed_demo_city(seed=4, persons=PERSONS, enterprises=ENTERPRISES)
    auto = ServiceItem.objects.filter(status="published").exclude(approval_rules="")
    assert auto.count() >= 8
    user = User.objects.get(username=next(lg.username for lg in report.logins if lg.kind == "person"))
    item = auto.filter(name="居住证签发").first()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit_application(
            item, user=user, form_data=_form_data(item), idempotency_key="demo-auto-01", uploads=_uploads(item, user)
        )
    application = Application.objects.get(pk=submitted.pk)
    assert application.state == State.COMPLETED, application.auto_decision
