"""Size classes of 统计上大中小微型企业划分办法（2017）."""

from __future__ import annotations

import pytest

from yiwang.demo.sizes import classify_size, size_rule_for


@pytest.mark.parametrize(
    ("industry", "headcount", "revenue", "size"),
    [
        ("39", 1000, 40000, "large"),  # 工业: both lower bounds of large
        ("39", 1000, 39999, "medium"),  # revenue short of large: one class down
        ("39", 299, 40000, "small"),
        ("39", 20, 300, "small"),
        ("39", 19, 50000, "micro"),  # one micro criterion is enough
        ("51", 200, 40000, "large"),  # 批发业
        ("51", 20, 5000, "medium"),
        ("51", 5, 999, "micro"),
        ("52", 50, 500, "medium"),  # 零售业
        ("52", 10, 100, "small"),
        ("65", 10, 50, "small"),  # 软件和信息技术服务业
        ("62", 300, 10000, "large"),  # 餐饮业
        ("01", 1, 20000, "large"),  # 农、林、牧、渔业: revenue only
        ("48", 5, 6000, "medium"),  # 建筑业: revenue only (simplified)
        ("72", 100, 1, "medium"),  # 租赁和商务服务业: headcount only (simplified)
        ("80", 300, 0, "large"),  # 其他未列明行业: headcount only
        ("80", 9, 10**6, "micro"),
    ],
)
def test_classify_size(industry, headcount, revenue, size):
    assert classify_size(industry, headcount, revenue) == size


def test_rule_groups():
    assert size_rule_for("06").group == size_rule_for("46").group == "工业"
    assert size_rule_for("5211").group == "零售业"
    assert size_rule_for("53").group == "其他未列明行业"
    with pytest.raises(ValueError):
        size_rule_for("C")
