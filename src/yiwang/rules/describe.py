"""Readable Chinese descriptions of conditions, e.g. "年营业收入 ≥ 5000000", shown to applicants and officials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .language import Group, Leaf, Node, Not, RelativeDate
from .schema import FactSchema

_SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def format_value(value: Any, as_of: dt.date | None = None) -> str:
    """One value as shown to a reader: integers without decimals, relative dates with the resolved date."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, RelativeDate):
        text = value.describe()
        return f"{text}（{value.resolve(as_of).isoformat()}）" if as_of else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return "、".join(format_value(v, as_of) for v in value)
    return str(value)


def describe_leaf(leaf: Leaf, schema: FactSchema, as_of: dt.date | None = None) -> str:
    """The condition in Chinese; the leaf's own ``label`` wins when the author wrote one."""
    if leaf.label:
        return leaf.label
    fact = schema[leaf.fact]
    name, op, v = fact.label, leaf.op, leaf.value
    unit = fact.unit
    if op in _SYMBOLS:
        return f"{name} {_SYMBOLS[op]} {format_value(v, as_of)}{unit}"
    if op == "between":
        return f"{name} 在 {format_value(v[0], as_of)}{unit} 至 {format_value(v[1], as_of)}{unit} 之间"
    texts = {
        "in": f"{name} 属于 {format_value(v)}",
        "not_in": f"{name} 不属于 {format_value(v)}",
        "contains_any": f"{name} 包含 {format_value(v)} 之一" if v and len(v) > 1 else f"{name} 包含 {format_value(v)}",
        "contains_all": f"{name} 同时包含 {format_value(v)}",
        "is_true": f"{name} 为 是",
        "is_false": f"{name} 为 否",
        "present": f"{name} 有数据",
        "missing": f"{name} 无数据",
    }
    return texts[op]


def describe(node: Node, schema: FactSchema, as_of: dt.date | None = None) -> str:
    """A whole tree in one line: 且 for all, 或 for any, 并非 for not."""
    if isinstance(node, Leaf):
        return describe_leaf(node, schema, as_of)
    if node.label:
        return node.label
    if isinstance(node, Not):
        return f"并非（{describe(node.child, schema, as_of)}）"
    assert isinstance(node, Group)
    joiner = " 且 " if node.kind == "all" else " 或 "
    parts = [describe(c, schema, as_of) for c in node.children]
    return joiner.join(p if isinstance(c, Leaf) else f"（{p}）" for p, c in zip(parts, node.children, strict=True))
