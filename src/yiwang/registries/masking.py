"""Masking (脱敏) of personal data on read: one rule per data element, one guard per view.

Every masked value the platform shows (the workbench pages, the CSV exports, the REST API, the GovStack adapter,
a certificate's public verification, a case's answers, a thematic registry's rows) comes from :func:`mask`, with
the element's rule (``DataElement.mask``). A view of several fields goes through :func:`mask_view`, which also
looks at what the *combination* reveals (GB/T 35273-2020 §3.14 and annex A, 去标识化: a masked field must not be
recoverable from the fields shown beside it):

- a citizen ID number (GB 11643) keeps at most its 6-digit division prefix: the birth date, the sequence number
  and the check character are never shown, so no masked view rebuilds the number;
- a birth date is shown to the month; any other field of the view that carries a hidden part of a masked ID
  number (its birth date, the number itself) is cut back to what the masked number already shows.

Unmasking needs a stated purpose and the right, and is logged (``registries.access``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from yiwang.core.identifiers import is_valid_id_number, normalize_identifier

#: Rule codes, as in ``DataElement.Mask`` (kept here as strings: this module is the rules, not the catalogue).
NONE = "none"
ID_NUMBER = "id_number"
PHONE = "phone"
NAME = "name"
ADDRESS = "address"
MONTH = "month"
FULL = "full"
RULES = (NONE, ID_NUMBER, PHONE, NAME, ADDRESS, MONTH, FULL)

#: How many leading characters of an ID number a masked view may show: the division (行政区划) prefix only.
ID_PREFIX = 6
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-\d{2}")


def mask_id_number(value: str) -> str:
    """330106199001011234 → 330106************: the division prefix only (no birth date, sequence or check)."""
    if len(value) in (15, 18):
        return value[:ID_PREFIX] + "*" * (len(value) - ID_PREFIX)
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678 (the carrier prefix and the last four, as on a courier's label)."""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 11 else "*" * len(value)


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as on public notices."""
    return value[:1] + "*" * (len(value) - 1) if value else value


def mask_address(value: str, keep: int = 9) -> str:
    return value[:keep] + "****" if len(value) > keep else value


def mask_to_month(value: Any) -> Any:
    """A date to its month: 1990-05-17 → "1990-05"; a value that is not a date is hidden entirely."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        found = _ISO_DATE.match(value)
        return f"{found[1]}-{found[2]}" if found else "*" * len(value)
    return value


_STRING_RULES: dict[str, Callable[[str], str]] = {
    ID_NUMBER: mask_id_number,
    PHONE: mask_phone,
    NAME: mask_name,
    ADDRESS: mask_address,
    FULL: lambda value: "*" * len(value),
}


def mask(rule: str, value: Any) -> Any:
    """The value as a reader without an unmasking purpose sees it, by the element's rule (``DataElement.Mask``).

    Empty values and ``None`` stay as they are (an absent value reveals nothing); an unknown rule masks fully, so
    that a typo in a catalogue never shows data in clear.
    """
    if value is None or value == "" or rule == NONE:
        return value
    if rule == MONTH:
        return mask_to_month(value)
    if rule not in _STRING_RULES:
        return "*" * len(str(value)) if isinstance(value, str) else "*"
    return _STRING_RULES[rule](value) if isinstance(value, str) else value


def _hidden_parts(id_number: str) -> tuple[str, list[str]]:
    """What a masked ID number hides: its birth date (ISO) and the strings that would give it away."""
    birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    return birth, [id_number, id_number[6:14], id_number[6:], id_number[14:]]


def _guard(value: Any, birth_dates: set[str], secrets: list[str]) -> Any:
    """A clear value of the view cut back when it carries a hidden part of a masked ID number."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return mask_to_month(value) if value.isoformat() in birth_dates else value
    if not isinstance(value, str) or not value:
        return value
    if value[:10] in birth_dates:
        return mask_to_month(value)
    text = normalize_identifier(value)
    if any(secret in text for secret in secrets if len(secret) >= 8):
        return "*" * len(value)
    return value


def mask_view(fields: Iterable[tuple[str, str, Any]]) -> dict[str, Any]:
    """One view of several fields ``(name, rule, value)``, masked field by field and then as a whole.

    The whole-view guard: a field shown in clear that repeats a hidden part of a masked ID number of the same view
    (the birth date, the digits after the prefix) is cut back, so that the combination cannot rebuild the number.
    """
    items = list(fields)
    birth_dates: set[str] = set()
    secrets: list[str] = []
    for _name, rule, value in items:
        if rule == ID_NUMBER and isinstance(value, str) and is_valid_id_number(value):
            birth, hidden = _hidden_parts(normalize_identifier(value))
            birth_dates.add(birth)
            secrets.extend(hidden)
    out: dict[str, Any] = {}
    for name, rule, value in items:
        shown = mask(rule, value)
        out[name] = _guard(shown, birth_dates, secrets) if rule in (NONE, MONTH) else shown
    return out


def mask_mapping(values: Mapping[str, Any], rules: Mapping[str, str]) -> dict[str, Any]:
    """:func:`mask_view` over a mapping, with each field's rule from ``rules`` (absent: shown as is)."""
    return mask_view((name, rules.get(name, NONE), value) for name, value in values.items())
