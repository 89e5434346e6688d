"""Amounts are money: exact to the fen, rounded half up (四舍五入), the same one by one and vectorised."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.rules import RuleError, policy_from_dict
from yiwang.rules.tests.strategies import SCHEMA

LEAF = {"id": "x", "fact": "x", "op": "ge", "value": 0, "clause": "第一条"}


def _policy(amount: dict) -> object:
    return policy_from_dict({"id": "P", "conditions": LEAF, "amount": amount}, SCHEMA)


@given(
    fen=st.lists(st.integers(min_value=-(10**6), max_value=10**13), min_size=1, max_size=50),
    rate=st.decimals(min_value=0, max_value=1, places=6),
    cap=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
)
def test_a_percentage_in_fen_equals_the_decimal_amount_row_by_row(fen, rate, cap):
    amount = {"percentage": {"fact": "x", "rate": str(rate), **({"cap": cap} if cap is not None else {})}}
    policy = _policy(amount)
    yuan = [Decimal(f) / 100 for f in fen]
    values = np.array([float(y) for y in yuan])  # the snapshot's float column of yuan to the fen
    vectorised = policy.amount.compute_fen(values, None, len(values))
    one_by_one = [policy.amount.compute({"x": y}) for y in yuan]
    assert [Decimal(int(v)) / 100 for v in vectorised] == one_by_one


def test_half_a_fen_rounds_up_and_paid_amounts_below_the_fen_are_refused():
    policy = _policy({"percentage": {"fact": "x", "rate": "0.005"}})
    assert policy.amount.compute({"x": Decimal("101")}) == Decimal("0.51")  # 0.505: half up, not half even
    assert policy.amount.compute_fen(np.array([101.0]), None, 1).tolist() == [51]
    with pytest.raises(RuleError) as caught:
        _policy({"fixed": "100.005"})
    assert "to the fen" in str(caught.value)
