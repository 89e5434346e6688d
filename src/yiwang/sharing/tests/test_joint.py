"""Two departments count the firms they share without exchanging lists: the answer equals the plain join."""

from __future__ import annotations

import random

import pytest

from yiwang.core.errors import PermissionDenied
from yiwang.sharing.services.joint import PsiRequester, PsiResponder, joint_count, psi_count


def _usccs(rng: random.Random, n: int) -> list[str]:
    return [f"91330106MA{rng.randrange(10**8):08d}" for _ in range(n)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_psi_count_equals_the_plain_join(seed):
    rng = random.Random(seed)
    common = _usccs(rng, rng.randrange(0, 80))
    a = common + _usccs(rng, 150)
    b = _usccs(rng, 90) + common
    rng.shuffle(a)
    rng.shuffle(b)
    assert psi_count(a, b) == len(set(a) & set(b))


def test_the_messages_do_not_carry_the_lists():
    a = ["91330106MA00000001", "91330106MA00000002"]
    requester, responder = PsiRequester(a), PsiResponder(["91330106MA00000002", "91330106MA00000003"])
    request = requester.request()
    setup, response = responder.respond(request, requester.size)
    for message in (request, setup, response):
        assert b"91330106MA" not in message
    assert requester.count(setup, response) == 1


def test_joint_count_is_recorded_for_the_requesting_department(org, make_official):
    official = make_official("tax_clerk", org.xihu_samr)
    stat = joint_count(
        official, party_a=org.xihu_samr, party_b=org.shangcheng_samr, list_a=["A", "B", "C"], list_b=["B", "C", "D"],
        description="两区共同登记的企业数",
    )  # fmt: skip
    assert stat.result == 2
    with pytest.raises(PermissionDenied):
        joint_count(
            official, party_a=org.shangcheng_samr, party_b=org.xihu_samr, list_a=["A"], list_b=["A"],
            description="越权",
        )  # fmt: skip
