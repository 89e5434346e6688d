"""民生实事 from proposal to rating: grouping, consultation, study, a competitive vote, tracked items, ratings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.disclosure.models import Candidate, LivelihoodRound
from yiwang.disclosure.services import livelihood
from yiwang.disclosure.tests import factories
from yiwang.supervision.models import Item

pytestmark = pytest.mark.django_db

IDEAS = [
    ("增设老年食堂", "北山街道老人多，希望在社区增设老年食堂，解决老年人吃饭难的问题。"),
    ("社区老年食堂", "建议社区开办老年食堂，为老年人提供助餐服务，解决吃饭难。"),
    ("改造老旧小区加装电梯", "老旧小区没有电梯，老人上下楼困难，建议加装电梯。"),
    ("建设口袋公园", "家门口缺少休闲场地，建议利用边角地建设口袋公园。"),
]


def _propose(round_, division, n=0):
    proposals = []
    for k, (title, body) in enumerate(IDEAS):
        user, _person = factories.resident(division, name=f"居民{n}{k}")
        proposals.append(livelihood.submit_proposal(round_, proposer=user, title=title, body=body, idempotency_key="p"))
    return proposals


def _to_voting(city, round_):
    livelihood.advance_stage(round_, actor=city.clerk)
    for candidate in round_.candidates.all():
        livelihood.record_comment(
            candidate, actor=city.clerk, member="张委员", stance="support", body="赞成，建议尽快实施"
        )
    livelihood.advance_stage(round_, actor=city.clerk)
    for candidate in round_.candidates.all():
        livelihood.study_candidate(candidate, actor=city.clerk, feasible=True, note="可行", cost=Decimal("1200000"))
    return livelihood.advance_stage(round_, actor=city.clerk)


def test_similar_proposals_join_one_candidate(city):
    round_ = factories.round_(city.org.xihu, city.samr)
    proposals = _propose(round_, city.org.xihu_town)
    assert proposals[0].candidate_id == proposals[1].candidate_id
    assert proposals[1].similarity >= livelihood.GROUP_THRESHOLD
    assert len({p.candidate_id for p in proposals}) == 3


def test_only_residents_of_the_division_propose_and_a_resubmission_is_one_proposal(city):
    round_ = factories.round_(city.org.xihu, city.samr)
    outsider, _ = factories.resident(city.org.shangcheng)
    with pytest.raises(PermissionDenied) as exc:
        livelihood.submit_proposal(
            round_, proposer=outsider, title="增设老年食堂", body="希望增设老年食堂解决吃饭难", idempotency_key="x"
        )
    assert exc.value.field == "division"
    resident, _ = factories.resident(city.org.xihu_town)
    first = livelihood.submit_proposal(
        round_, proposer=resident, title="增设老年食堂", body="希望增设老年食堂解决吃饭难", idempotency_key="x"
    )
    again = livelihood.submit_proposal(
        round_, proposer=resident, title="增设老年食堂", body="希望增设老年食堂解决吃饭难", idempotency_key="x"
    )
    assert first.pk == again.pk and round_.proposals.count() == 1


def test_the_vote_needs_more_feasible_candidates_than_seats(city):
    round_ = factories.round_(city.org.xihu, city.samr, seats=3)
    _propose(round_, city.org.xihu_town)
    livelihood.advance_stage(round_, actor=city.clerk)
    livelihood.advance_stage(round_, actor=city.clerk)
    for candidate in round_.candidates.all():
        livelihood.study_candidate(candidate, actor=city.clerk, feasible=True, note="可行", cost=Decimal("100"))
    with pytest.raises(Conflict) as exc:
        livelihood.advance_stage(round_, actor=city.clerk)
    assert "差额" in str(exc.value.message)
    assert LivelihoodRound.objects.get(pk=round_.pk).stage == "studying"


def test_the_count_is_reproducible_from_the_ballots_and_paper_ballots_import(city):
    round_ = factories.round_(city.org.xihu, city.samr, seats=2)
    _propose(round_, city.org.xihu_town)
    round_ = _to_voting(city, round_)
    codes = list(round_.candidates.order_by("code").values_list("code", flat=True))
    livelihood.cast_ballot(round_, actor=city.clerk, serial="E001", deputy="D01", choices=[codes[0], codes[1]])
    livelihood.cast_ballot(round_, actor=city.clerk, serial="E002", deputy="D02", choices=[codes[0], codes[2]])
    paper = (
        "选票编号,代表编号,赞成的项目编号\n"
        f"P001,D03,{codes[0]} {codes[1]}\nP002,D04,{codes[1]}\nP003,D05,{codes[0]} {codes[1]} {codes[2]}\n"
    )
    assert livelihood.import_paper_ballots(round_, actor=city.clerk, file=io.StringIO(paper)) == 3
    bad = f"P004,D03,{codes[0]}\n"
    with pytest.raises(ValidationFailed) as exc:
        livelihood.import_paper_ballots(round_, actor=city.clerk, file=io.StringIO(bad))
    assert "第 1 行" in str(exc.value.message)
    tally = livelihood.count_votes(round_, actor=city.clerk)
    assert tally["valid"] == 4 and tally["invalid"] == 1  # P003 chose three of two seats
    assert tally["votes"][codes[0]] == 3 and tally["votes"][codes[1]] == 3
    assert tally["chosen"] == [codes[0], codes[1]]
    round_.refresh_from_db()
    assert livelihood.tally_of(round_)["ballots_sm3"] == round_.tally_sm3
    assert set(Candidate.objects.filter(chosen=True).values_list("code", flat=True)) == {codes[0], codes[1]}


def test_chosen_projects_become_tracked_items_rated_by_residents_and_low_ratings_carry_over(city):
    round_ = factories.round_(city.org.xihu, city.samr, seats=1)
    _propose(round_, city.org.xihu_town)
    round_ = _to_voting(city, round_)
    code = round_.candidates.order_by("code").first().code
    for k in range(3):
        livelihood.cast_ballot(round_, actor=city.clerk, serial=f"E{k}", deputy=f"D{k}", choices=[code])
    livelihood.count_votes(round_, actor=city.clerk)
    livelihood.advance_stage(round_, actor=city.clerk)
    year = round_.year
    (item,) = livelihood.launch_projects(
        round_, actor=city.clerk, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31)
    )
    assert item.category == Item.Category.LIVELIHOOD and item.code == code
    chosen = Candidate.objects.get(code=code)
    assert chosen.item == item
    rater, _ = factories.resident(city.org.xihu_town, name="评价人")
    with pytest.raises(ValidationFailed) as exc:
        livelihood.rate_delivery(chosen, rater=rater, score=2)
    assert exc.value.field == "comment"
    livelihood.rate_delivery(chosen, rater=rater, score=2, comment="进度太慢")
    with pytest.raises(Conflict):
        livelihood.rate_delivery(chosen, rater=rater, score=5)
    livelihood.advance_stage(round_, actor=city.clerk)
    nxt = factories.round_(city.org.xihu, city.samr, year=year + 1, previous=round_)
    (carried,) = nxt.candidates.all()
    assert carried.carried_from == chosen and "满意度 2.0" in carried.summary


def test_representativeness_is_published_once_with_noise_per_district_and_age(city):
    round_ = factories.round_(city.org.xihu, city.samr)
    _propose(round_, city.org.xihu_town)
    release = livelihood.publish_representativeness(round_, actor=city.clerk, epsilon=1.0)
    assert {r["band"] for r in release["rows"]} == {"18–34", "35–49", "50–64", "65+"}
    assert all(r["district"] == "西湖区" for r in release["rows"])
    band = next(r for r in release["rows"] if r["band"] == "35–49")
    assert band["population"] == 4  # the four proposers born in 1980 are the registry's only persons
    round_.refresh_from_db()
    assert round_.representativeness == release
    with pytest.raises(ValidationFailed):
        livelihood.publish_representativeness(round_, actor=city.clerk, epsilon=0)
