"""``{{ decision|readable }}``: a stored 秒批 explanation with coded values shown by their labels."""

from __future__ import annotations

from typing import Any

from django import template

from yiwang.applications.autoapproval import readable_explanation

register = template.Library()


@register.filter
def readable(explanation: dict[str, Any] | None) -> dict[str, Any] | None:
    return readable_explanation(explanation)
