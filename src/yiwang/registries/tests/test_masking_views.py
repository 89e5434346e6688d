"""Masked views never give a citizen ID number back: not one field, not the fields shown together.

The attack of issue 16: an official without the unmasking right rebuilt 166 of 166 ID numbers from the masked CSV
export (6 + YYYYMMDD + 4 = the whole number). ``rebuild`` below is that attacker, given everything a view shows;
every masked view (page, export, REST API, GovStack) must leave it with thousands of candidates, never one.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.accounts.tokens import issue_token
from yiwang.core.identifiers import make_id_number
from yiwang.registries import masking
from yiwang.registries.elements import load_elements
from yiwang.registries.tests import factories

_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def rebuild(masked_id: str, shown: list[Any]) -> int:
    """How many 18-digit ID numbers agree with a masked ID and the other values shown beside it (1 = rebuilt)."""
    known = list(masked_id)
    gender = None
    for value in shown:
        text = str(value) if value is not None else ""
        if text in ("M", "F", "男", "女"):
            gender = text in ("M", "男")
        found = _DATE.fullmatch(text)
        if found:  # a birth date beside it fills the date digits it shows
            digits = found[1] + found[2] + (found[3] or "")
            for offset, digit in enumerate(digits):
                known[6 + offset] = digit
    if len(known) != 18 or "*" in known[:6]:
        return 0
    hidden = {i for i, c in enumerate(known) if c == "*"}
    count = 1
    count *= 100 if hidden & {6, 7, 8, 9} else 1  # the year
    count *= 12 if hidden & {10, 11} else 1  # the month
    count *= 28 if hidden & {12, 13} else 1  # the day (at least 28 in any month)
    count *= 10 ** len(hidden & {14, 15})  # the sequence number's first digits
    count *= (5 if gender is not None else 10) if 16 in hidden else 1  # its last digit, odd for men
    return count  # the check character follows from the first 17


ids = st.builds(
    make_id_number,
    st.sampled_from(["330106", "330102", "110105", "440305"]),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(ids)
def test_a_masked_id_number_shows_the_division_prefix_only(id_number):
    shown = masking.mask(masking.ID_NUMBER, id_number)
    assert shown == id_number[:6] + "*" * 12


@settings(max_examples=200)
@given(ids, st.sampled_from(["date", "iso", "compact", "inside"]))
def test_no_combination_of_a_view_rebuilds_the_id_number(id_number, form):
    """Whatever carries the birth date in clear beside the masked ID (a date, an ISO string, 8 digits, a remark
    quoting the number), the view as a whole leaves the sequence number and the check character hidden."""
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    extra = {
        "date": born,
        "iso": born.isoformat(),
        "compact": id_number[6:14],
        "inside": f"身份证号 {id_number} 已核对",
    }[form]
    view = masking.mask_view([("id", masking.ID_NUMBER, id_number), ("other", masking.NONE, extra)])
    gender = "M" if int(id_number[16]) % 2 else "F"
    assert rebuild(view["id"], [view["other"], gender]) >= 28 * 500
    assert id_number[6:14] not in str(view["other"]) and born.isoformat() not in str(view["other"])


def test_the_birth_date_is_shown_to_the_month():
    assert masking.mask(masking.MONTH, date(1990, 5, 17)) == "1990-05"
    assert masking.mask(masking.MONTH, "1990-05-17") == "1990-05"
    assert masking.mask("no-such-rule", "秘密") == "**"  # an unknown rule hides, never shows


@pytest.fixture
def persons(org):
    load_elements()
    return [
        factories.person(org.xihu_town, name=f"测试{i}", birth=date(1970 + i, 1 + i % 12, 1 + i % 28))
        for i in range(12)
    ]


def _clerk(make_official, org):
    return make_official("clerk", org.xihu_samr, roles=("acceptor",))  # no unmasking right


@pytest.mark.django_db
def test_the_masked_export_rebuilds_no_id_number(org, make_official, persons, client):
    client.force_login(_clerk(make_official, org))
    response = client.get(reverse("registries:workbench:export", args=["persons"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(persons)
    rebuilt = sum(rebuild(row["id_number"], list(row.values())) == 1 for row in rows)
    assert rebuilt == 0
    assert all(len(row["birth_date"]) == 7 for row in rows)  # YYYY-MM
    text = response.content.decode("utf-8-sig")
    assert not any(p.id_number[6:] in text or p.birth_date.isoformat() in text for p in persons)


@pytest.mark.django_db
def test_the_api_and_govstack_views_rebuild_no_id_number(org, make_official, persons, client):
    _, raw = issue_token(_clerk(make_official, org), "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for person in persons:
        data = client.get(f"/api/v1/registries/persons/{person.pk}", **auth).json()["data"]
        assert (
            rebuild(data["id_number"], list(data.values())) > 1
            and data["birth_date"] == person.birth_date.isoformat()[:7]
        )
        govstack = client.post(
            "/api/v1/govstack/data/population/1.0/read",
            {"query": {"content": {"id_number": person.id_number}}},
            content_type="application/json",
            **auth,
        ).json()["content"]
        assert rebuild(govstack["id_number"], list(govstack.values())) > 1
        value = client.get(f"/api/v1/govstack/data/population/1.0/{person.pk}/read-value/birth_date.json", **auth)
        assert value.json()["value"] == person.birth_date.isoformat()[:7]
    listed = client.get("/api/v1/registries/persons", **auth).json()["items"]
    assert {p["id_number"] for p in listed} == {p.id_number[:6] + "*" * 12 for p in persons}


@pytest.mark.django_db
def test_the_pages_rebuild_no_id_number(org, make_official, persons, client):
    client.force_login(_clerk(make_official, org))
    listing = client.get(reverse("registries:workbench:persons")).content.decode()
    for person in persons:
        page = client.get(reverse("registries:workbench:person", args=[person.pk])).content.decode()
        for text in (listing, page):
            assert person.id_number[6:] not in text and person.birth_date.isoformat() not in text
        assert person.id_number[:6] + "*" * 12 in page and person.birth_date.isoformat()[:7] in page
