"""The shipped division table and its loader."""

from __future__ import annotations

import pytest

from yiwang.accounts.divisions import load_divisions, read_divisions
from yiwang.accounts.models import Division


def test_the_table_is_a_closed_tree_with_full_form_codes():
    rows = read_divisions()
    levels = {row.code: row.level for row in rows}
    assert len(rows) == 44_700
    for row in rows:
        assert len(row.code) == (9 if row.level == 4 else 6)
        if row.level == 1:
            assert row.code.endswith("0000") and row.parent_code == ""
        else:
            assert levels[row.parent_code] < row.level


def test_a_subset_includes_the_ancestors_of_its_rows():
    codes = {row.code for row in read_divisions(province_prefixes=["330106"])}
    assert {"330000", "330100", "330106", "330106002"} <= codes
    assert all(code.startswith("330106") or code in {"330000", "330100"} for code in codes)


@pytest.mark.django_db
def test_loading_zhejiang_gives_its_divisions_by_level():
    written = load_divisions(province_prefixes=["33"])

    per_level = {level: Division.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert per_level == {1: 1, 2: 11, 3: 90, 4: 1387}
    assert written == 1489
    xihu = Division.objects.get(code="330106")
    assert (xihu.name, xihu.level, xihu.prefix) == ("西湖区", Division.Level.COUNTY, "330106")
    assert (xihu.parent.code, xihu.parent.name) == ("330100", "杭州市")
    assert Division.objects.get(code="330100").prefix == "3301"
    assert Division.objects.get(code="330000").prefix == "33"
    township = Division.objects.get(code="330106002")
    assert township.parent_id == "330106" and township.prefix == "330106002"
    assert township.full_name == "浙江省杭州市西湖区北山街道"


@pytest.mark.django_db
def test_reloading_changes_nothing_and_restores_names():
    load_divisions(province_prefixes=["33"])
    before = list(Division.objects.values_list("code", "name", "level", "parent_id", "prefix"))

    assert load_divisions(province_prefixes=["33"]) == 0
    assert list(Division.objects.values_list("code", "name", "level", "parent_id", "prefix")) == before

    Division.objects.filter(code="330106").update(name="旧名")
    assert load_divisions(province_prefixes=["33"]) == 1
    assert Division.objects.get(code="330106").name == "西湖区"


@pytest.mark.django_db
def test_loading_never_deletes_and_adds_other_provinces():
    Division.objects.create(code="339999", name="已撤销的县", level=Division.Level.COUNTY)
    load_divisions(province_prefixes=["33"])
    load_divisions(province_prefixes=["44"])

    assert Division.objects.filter(code="339999").exists()
    dongguan = Division.objects.get(code="441900")  # a city without districts: townships hang from the city
    assert dongguan.level == Division.Level.CITY
    assert Division.objects.filter(parent=dongguan, level=Division.Level.TOWNSHIP).exists()


def test_bad_prefixes_are_refused():
    with pytest.raises(ValueError):
        read_divisions(province_prefixes=["zj"])
