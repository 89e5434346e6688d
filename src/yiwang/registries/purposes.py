"""Purposes of use (查看用途) for unmasking personal data: the configured list per role, and reading a declaration.

A declaration is a listed purpose, by its code or its name, optionally followed by a supplement in free text
after a colon: ``service_handling``, ``办理政务服务事项，核验申请人或当事人身份：核对食品经营许可申请人``. The
``X-Purpose`` header of the GovStack adapter carries the same, as UTF-8: percent-encoded (RFC 3986), in RFC 8187
form (``UTF-8''%E6%A0%B8…``), or as raw UTF-8 bytes (which WSGI hands over as Latin-1 text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import ValidationFailed
from yiwang.registries.models import UnmaskPurpose

#: (code, name, legal basis, roles that may declare it): the defaults a deployment starts with, edited in the admin.
DEFAULT_PURPOSES = [
    ("service_handling", "办理政务服务事项，核验申请人或当事人身份", "《优化营商环境条例》第三十七条",
     ["acceptor", "approver"]),
    ("supervision", "行政检查、行政执法办案", "《行政处罚法》第五十四条、第五十五条", ["approver"]),
    ("registry_correction", "核查、更正基础库数据", "《个人信息保护法》第四十六条", ["approver", "data_steward"]),
    ("complaint", "处理投诉、举报或数据异议", "《个人信息保护法》第五十条", ["approver", "data_steward"]),
    ("judicial_assistance", "协助司法、监察机关依法查询", "《个人信息保护法》第十三条第一款第三项", ["data_steward"]),
]  # fmt: skip
MAX_SUPPLEMENT = 200
_SEPARATOR = re.compile(r"[:：]")
_RFC8187 = re.compile(r"^(?P<charset>[A-Za-z0-9!#$&+^`{}~-]+)'[A-Za-z0-9-]*'(?P<value>.*)$")


def ensure_default_purposes() -> None:
    """Create the default purposes if none is configured (idempotent; an edited list is left alone)."""
    if UnmaskPurpose.objects.exists():
        return
    for code, name, basis, roles in DEFAULT_PURPOSES:
        UnmaskPurpose.objects.get_or_create(code=code, defaults={"name": name, "legal_basis": basis, "roles": roles})


def purposes_for_roles(role_codes: Iterable[str] | None) -> list[UnmaskPurpose]:
    """The active purposes one of ``role_codes`` may declare (all of them for ``None``: an administrator)."""
    ensure_default_purposes()
    purposes = list(UnmaskPurpose.objects.filter(is_active=True).order_by("code"))
    if role_codes is None:
        return purposes
    wanted = set(role_codes)
    return [p for p in purposes if wanted & set(p.roles or [])]


def parse_declaration(declared: str, allowed: list[UnmaskPurpose]) -> tuple[UnmaskPurpose, str]:
    """The listed purpose and the supplement of a declaration, or a 422 naming the purposes the caller may state."""
    head, _sep, supplement = _split(declared)
    supplement = supplement.strip()
    for purpose in allowed:
        if head in (purpose.code, purpose.name):
            if len(supplement) > MAX_SUPPLEMENT:
                raise ValidationFailed(
                    _("补充说明不能超过 %(n)d 个字") % {"n": MAX_SUPPLEMENT}, field="purpose", code="purpose_too_long"
                )
            return purpose, supplement
    names = "、".join(f"{p.name}（{p.code}）" for p in allowed) or str(_("无"))
    raise ValidationFailed(
        _("查看用途“%(purpose)s”不在您的角色可声明的用途之内；可声明的用途：%(names)s")
        % {"purpose": head[:64], "names": names},
        field="purpose",
        code="purpose_not_allowed",
    )


def _split(declared: str) -> tuple[str, str, str]:
    parts = _SEPARATOR.split(declared.strip(), maxsplit=1)
    return (parts[0].strip(), ":", parts[1]) if len(parts) == 2 else (parts[0].strip(), "", "")


def decode_header(raw: str, header: str = "X-Purpose") -> str:
    """A header value as text: RFC 8187 (``UTF-8''…``), percent-encoded, or raw UTF-8 bytes.

    Raises a 422 naming the header when the bytes are not UTF-8 (a GBK client, say), instead of storing mojibake.
    """
    refused = ValidationFailed(
        _("请求头 %(header)s 不是 UTF-8 编码；请用百分号编码（RFC 3986）或 RFC 8187 格式（UTF-8''…）发送中文")
        % {"header": header},
        field=header,
        code="header_encoding",
    )
    value = raw.strip(" \t")  # only what HTTP calls whitespace: U+0085 may be the last byte of a UTF-8 character
    extended = _RFC8187.match(value)
    if extended:
        if extended["charset"].lower() != "utf-8":
            raise refused
        value = extended["value"]
    if "%" in value:
        try:
            return unquote(value, encoding="utf-8", errors="strict").strip()
        except UnicodeDecodeError as exc:
            raise refused from exc
    try:
        raw_bytes = value.encode("latin-1")
    except UnicodeEncodeError:
        return value.strip()  # already text (not from a WSGI server): nothing to undo
    try:
        return raw_bytes.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise refused from exc
