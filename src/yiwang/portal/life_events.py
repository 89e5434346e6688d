"""The front door's life events (人生事件 / 企业生命周期): what a resident or a firm is going through, in their words.

Each event names the catalogue's own life-event codes (``catalog.LifeEvent``, an item's 主题分类) and search words
(an item's name or its 俗称, e.g. 注销), so a department that publishes a new item with the right 主题分类 or
keywords sees it listed here without touching this file. The list is the shell's configuration (like its
navigation), translatable, and kept in code so that every title reaches the message catalogue; the slug is the
event's address (``/events/<slug>/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = ["ENTERPRISE_EVENTS", "PERSON_EVENTS", "LifeEventEntry", "event_by_slug"]


@dataclass(frozen=True)
class LifeEventEntry:
    """One life event of the front door; ``audience`` is ``person`` or ``enterprise``."""

    slug: str
    title: Any
    summary: Any
    audience: str
    life_events: tuple[str, ...] = ()
    queries: tuple[str, ...] = field(default=())


def _person(
    slug: str, title: Any, summary: Any, codes: tuple[str, ...], queries: tuple[str, ...] = ()
) -> LifeEventEntry:
    return LifeEventEntry(slug, title, summary, "person", codes, queries)


def _firm(slug: str, title: Any, summary: Any, codes: tuple[str, ...], queries: tuple[str, ...] = ()) -> LifeEventEntry:
    return LifeEventEntry(slug, title, summary, "enterprise", codes, queries)


PERSON_EVENTS: tuple[LifeEventEntry, ...] = (
    _person("birth", _("生孩子"), _("出生医学证明、新生儿落户、生育登记"), ("birth",), ("新生儿",)),
    _person("school", _("上学"), _("义务教育入学报名、居住证积分入学"), ("school",)),
    _person("work", _("工作"), _("就业创业证、失业保险金、职业资格、个税汇算"), ("employment",)),
    _person("marriage", _("结婚生育"), _("结婚登记、离婚登记、生育登记"), ("marriage",)),
    _person("housing", _("安家落户"), _("户口迁移、居住证、居民身份证"), ("residence",), ("公积金",)),
    _person("social-security", _("社保救助"), _("养老保险关系转移、最低生活保障"), ("social_security",)),
    _person("retirement", _("退休养老"), _("退休申领养老金、城乡居民养老保险、高龄津贴"), ("retirement",)),
    _person("after-death", _("身后事"), _("死亡登记与户口注销、丧葬补助、遗属待遇"), (), ("死亡", "丧葬", "遗属")),
)

ENTERPRISE_EVENTS: tuple[LifeEventEntry, ...] = (
    _firm("business-start", _("开办企业"), _("设立登记、刻章、涉税事项、参保和公积金登记"), ("business_start",)),
    _firm(
        "business-operate", _("经营许可"), _("食品经营、公共场所卫生、建设施工"), ("business_licence", "construction")
    ),
    _firm("business-tax", _("纳税缴费"), _("新办纳税人涉税事项、个税汇算"), ("tax",)),
    _firm("business-change", _("变更登记"), _("名称、住所、法定代表人等登记事项变更"), (), ("变更",)),
    _firm("business-close", _("注销退出"), _("企业简易注销、清税"), (), ("注销",)),
)


def event_by_slug(slug: str) -> LifeEventEntry | None:
    return next((e for e in (*PERSON_EVENTS, *ENTERPRISE_EVENTS) if e.slug == slug), None)
