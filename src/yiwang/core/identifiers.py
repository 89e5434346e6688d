"""National identifiers: citizen ID number (GB 11643-1999) and unified social credit code (GB 32100-2015).

Pure functions without Django models or settings: they import only ``gettext_lazy`` (messages are translated
when they are shown) and :mod:`yiwang.core.errors`. Every refusal is a :class:`ValidationFailed` naming the
field and the precise rule that was broken, with a stable ``code``.

Input is normalised before it is checked: full-width characters (typed with a Chinese input method) become
ASCII, all whitespace is removed and letters are upper-cased. The validators return that canonical form, which
is what must be stored, compared and indexed.

Deliberately *not* checked (see ARCHITECTURE.md, "Reference data"):

- whether the division code of an ID number existed at the birth date, or exists today. Division codes are
  renamed and merged all the time, and people keep their numbers; python-stdnum's check of this rejects a
  majority of valid numbers. We only require a plausible provincial prefix.
- whether a USCC's division code exists: central-level bodies use ``100000`` and codes outlive divisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import ValidationFailed

__all__ = [
    "PROVINCE_CODES",
    "USCC_ALPHABET",
    "USCC_AUTHORITY_TYPES",
    "IdNumberInfo",
    "UsccInfo",
    "id_number_check_char",
    "is_valid_id_number",
    "is_valid_uscc",
    "make_id_number",
    "make_uscc",
    "normalize_identifier",
    "org_code_check_char",
    "parse_id_number",
    "parse_uscc",
    "uscc_check_char",
    "validate_id_number",
    "validate_uscc",
]

_DIGITS = frozenset("0123456789")
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991: a fixed offset is exact for "today"

# Full-width ASCII (U+FF01..U+FF5E) → ASCII; every whitespace character (ideographic space U+3000 included)
# is removed. Deliberately not NFKC: that would also turn "²" or "①" into digits.
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def normalize_identifier(value: str) -> str:
    """Full-width → ASCII, whitespace removed, upper-cased. The canonical spelling before any check."""
    value = value.translate(_NORMALISE)
    return "".join(value.split()).upper()


def _normalise_input(value: object, field: str, code_prefix: str, required_message: object) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(required_message, field=field, code=f"{code_prefix}_required")
    value = normalize_identifier(value)
    if not value:
        raise ValidationFailed(required_message, field=field, code=f"{code_prefix}_required")
    return value


# ----------------------------------------------------------------------------------------------------
# GB 11643-1999 公民身份号码
# ----------------------------------------------------------------------------------------------------

#: The 34 provincial-level division codes (GB/T 2260): the first two digits of every citizen ID number.
#: 71 Taiwan, 81 Hong Kong, 82 Macao. Not included: 83, used by residence permits of Taiwan residents
#: (港澳台居民居住证, 2018), which are not 公民身份号码.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip

# ISO 7064 MOD 11-2: weight of position i (0-based, left to right, check character last) is 2^(17-i) mod 11.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """What a citizen ID number says about its holder."""

    division_code: str  # 6 digits: the county-level division where the number was first issued
    birth_date: date
    gender: Literal["M", "F"]  # "M" (odd sequence) or "F" (even sequence)
    sequence: int  # 0..999, the 3-digit sequence code


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character ('0'..'9' or 'X') of the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not _DIGITS.issuperset(first17):
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _birth_date(digits8: str) -> date | None:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        return None


def _today_in_china() -> date:
    return datetime.now(UTC).astimezone(_CHINA).date()


def validate_id_number(value: str, *, field: str = "id_number", today: date | None = None) -> str:
    """Return the canonical 18-character citizen ID number or raise :class:`ValidationFailed`.

    Rules, in the order they are checked (``code`` of the error in brackets): not empty
    (``id_number_required``); not a legacy 15-digit number (``id_number_legacy``); 18 characters
    (``id_number_length``); 17 digits then a digit or X (``id_number_characters``); a provincial prefix
    (``id_number_division``); a real birth date (``id_number_birth_date``) that is not after today in China
    (``id_number_birth_date_future``); the MOD 11-2 check character (``id_number_check_char``).
    ``today`` is for tests; by default it is the current date in Asia/Shanghai.
    """
    value = _normalise_input(value, field, "id_number", _("请填写公民身份号码"))
    if len(value) == 15 and _DIGITS.issuperset(value):
        raise ValidationFailed(
            _("15位旧公民身份号码已停止使用，请填写18位公民身份号码"), field=field, code="id_number_legacy"
        )
    if len(value) != 18:
        raise ValidationFailed(_("公民身份号码应为18位"), field=field, code="id_number_length")
    if not _DIGITS.issuperset(value[:17]) or value[17] not in _DIGITS | {"X"}:
        raise ValidationFailed(
            _("公民身份号码的前17位应为数字，最后一位应为数字或X"), field=field, code="id_number_characters"
        )
    if value[:2] not in PROVINCE_CODES:
        raise ValidationFailed(
            _("公民身份号码的前两位不是有效的省级行政区划代码"), field=field, code="id_number_division"
        )
    born = _birth_date(value[6:14])
    if born is None:
        raise ValidationFailed(_("公民身份号码中的出生日期不是有效日期"), field=field, code="id_number_birth_date")
    if born > (today or _today_in_china()):
        raise ValidationFailed(_("公民身份号码中的出生日期晚于今天"), field=field, code="id_number_birth_date_future")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationFailed(_("公民身份号码校验码错误"), field=field, code="id_number_check_char")
    return value


def is_valid_id_number(value: object) -> bool:
    """True if ``value`` is a valid citizen ID number (after normalisation); never raises."""
    try:
        validate_id_number(value)  # type: ignore[arg-type]
    except ValidationFailed:
        return False
    return True


def parse_id_number(value: str, *, field: str = "id_number") -> IdNumberInfo:
    """Validate and split a citizen ID number; raises :class:`ValidationFailed` like validate_id_number."""
    value = validate_id_number(value, field=field)
    sequence = int(value[14:17])
    born = _birth_date(value[6:14])
    assert born is not None  # validated above
    return IdNumberInfo(
        division_code=value[:6], birth_date=born, gender="M" if sequence % 2 else "F", sequence=sequence
    )


def make_id_number(division_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid citizen ID number (for tests and synthetic data): computes the check character.

    ``sequence`` is 0..999 and decides the gender (odd = male). Raises :class:`ValidationFailed` if the result
    would break a rule (unknown provincial prefix, birth date in the future).
    """
    if len(division_code) != 6 or not _DIGITS.issuperset(division_code):
        raise ValidationFailed(_("行政区划代码应为6位数字"), field="division_code", code="id_number_division")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be in 0..999")
    first17 = f"{division_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{sequence:03d}"
    return validate_id_number(first17 + id_number_check_char(first17))


# ----------------------------------------------------------------------------------------------------
# GB 32100-2015 统一社会信用代码, with the GB 11714-1997 organisation code inside
# ----------------------------------------------------------------------------------------------------

#: The 31 characters of GB 32100 (Arabic digits and upper-case Latin letters without I, O, Z, S, V); the index
#: of a character is its value in the MOD 31 check.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

#: Registration-authority code (position 1) → allowed entity-type codes (position 2).
#: Source: GB 32100-2015 Annex A (登记管理部门代码和机构类别代码), with the codes added later for the
#: Central Military Commission's establishment office (A) and for rural collective economic organisations
#: registered by agriculture departments (N):
#:   1 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
#:   2 外交: 1 外国常驻新闻机构, 9 其他
#:   3 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他
#:   4 文化: 1 外国在华文化中心, 9 其他
#:   5 民政: 1 社会团体, 2 民办非企业单位(社会服务机构), 3 基金会, 9 其他
#:   6 旅游: 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地(大陆)代表机构, 9 其他
#:   7 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
#:   8 工会: 1 基层工会, 9 其他
#:   9 工商(市场监管): 1 企业, 2 个体工商户, 3 农民专业合作社
#:   A 中央军委改革和编制办公室: 1 军队事业单位, 9 其他
#:   N 农业: 1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他
#:   Y 其他: 1 (no further classes)
#: If a registration authority is given a new class, extend this table (and nothing else).
USCC_AUTHORITY_TYPES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"),
    "2": frozenset("19"),
    "3": frozenset("123459"),
    "4": frozenset("19"),
    "5": frozenset("1239"),
    "6": frozenset("129"),
    "7": frozenset("129"),
    "8": frozenset("19"),
    "9": frozenset("123"),
    "A": frozenset("19"),
    "N": frozenset("12349"),
    "Y": frozenset("1"),
}

_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True, slots=True)
class UsccInfo:
    """The parts of a unified social credit code."""

    authority: str  # position 1: registration-authority code
    entity_type: str  # position 2: entity-type code within that authority
    division_code: str  # positions 3-8: division code of the registering authority
    org_code: str  # positions 9-17: GB 11714 organisation code, 8 body characters + its check character


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body.

    Character values are 0-9 for digits and 10-35 for A-Z (GB 11714 counts all 26 letters, unlike GB 32100);
    weights 3 7 9 10 5 8 4 2; C9 = 11 - (sum mod 11), written 'X' for 10 and '0' for 11.
    """
    if len(body8) != 8 or not _ORG_BODY_CHARS.issuperset(body8):
        raise ValueError("body8 must be 8 characters 0-9 or A-Z")
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters (MOD 31, weights 3^i mod 31)."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError("first17 must be 17 characters of the GB 32100 alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str, *, field: str = "uscc") -> str:
    """Return the canonical 18-character unified social credit code or raise :class:`ValidationFailed`.

    Rules, in the order they are checked (``code`` of the error in brackets): not empty (``uscc_required``);
    18 characters (``uscc_length``); only the 31 characters of GB 32100 (``uscc_characters``); a known pair of
    registration-authority and entity-type codes (``uscc_authority_type``); a 6-digit division code
    (``uscc_division``); the GB 11714 check character of the embedded organisation code
    (``uscc_org_code_check_char``); the GB 32100 check character (``uscc_check_char``).
    """
    value = _normalise_input(value, field, "uscc", _("请填写统一社会信用代码"))
    if len(value) != 18:
        raise ValidationFailed(_("统一社会信用代码应为18位"), field=field, code="uscc_length")
    if any(c not in _USCC_VALUE for c in value):
        raise ValidationFailed(
            _("统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）"),
            field=field,
            code="uscc_characters",
        )
    if value[1] not in USCC_AUTHORITY_TYPES.get(value[0], ()):
        raise ValidationFailed(
            _("统一社会信用代码的登记管理部门代码或机构类别代码无效"), field=field, code="uscc_authority_type"
        )
    if not _DIGITS.issuperset(value[2:8]):
        raise ValidationFailed(
            _("统一社会信用代码的第3至8位应为行政区划代码（数字）"), field=field, code="uscc_division"
        )
    if org_code_check_char(value[8:16]) != value[16]:
        raise ValidationFailed(
            _("统一社会信用代码中的组织机构代码校验码错误"), field=field, code="uscc_org_code_check_char"
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationFailed(_("统一社会信用代码校验码错误"), field=field, code="uscc_check_char")
    return value


def is_valid_uscc(value: object) -> bool:
    """True if ``value`` is a valid unified social credit code (after normalisation); never raises."""
    try:
        validate_uscc(value)  # type: ignore[arg-type]
    except ValidationFailed:
        return False
    return True


def parse_uscc(value: str, *, field: str = "uscc") -> UsccInfo:
    """Validate and split a unified social credit code; raises ValidationFailed like validate_uscc."""
    value = validate_uscc(value, field=field)
    return UsccInfo(authority=value[0], entity_type=value[1], division_code=value[2:8], org_code=value[8:17])


def make_uscc(authority: str, entity_type: str, division_code: str, org_body8: str) -> str:
    """Build a valid unified social credit code (tests, synthetic data): computes both check characters.

    ``org_body8`` is the 8-character organisation-code body over the GB 32100 alphabet. Raises
    :class:`ValidationFailed` if a part breaks a rule.
    """
    org_body8 = normalize_identifier(org_body8)
    if len(org_body8) != 8 or any(c not in _USCC_VALUE for c in org_body8):
        raise ValidationFailed(
            _("组织机构代码本体应为8位数字或大写字母（不含I、O、Z、S、V）"),
            field="org_code",
            code="uscc_characters",
        )
    head = normalize_identifier(authority + entity_type + division_code)
    if len(head) != 8:
        raise ValidationFailed(_("统一社会信用代码应为18位"), field="uscc", code="uscc_length")
    first17 = head + org_body8 + org_code_check_char(org_body8)
    if any(c not in _USCC_VALUE for c in first17):
        raise ValidationFailed(
            _("统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）"),
            field="uscc",
            code="uscc_characters",
        )
    return validate_uscc(first17 + uscc_check_char(first17))
