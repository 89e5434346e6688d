"""GB 11643 citizen ID numbers, GB 32100 unified social credit codes, and their Django/pydantic wrappers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from yiwang.core.errors import ValidationFailed
from yiwang.core.identifiers import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    USCC_AUTHORITY_TYPES,
    IdNumberInfo,
    UsccInfo,
    id_number_check_char,
    is_valid_id_number,
    is_valid_uscc,
    make_id_number,
    make_uscc,
    org_code_check_char,
    parse_id_number,
    parse_uscc,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)
from yiwang.core.validators import (
    IdNumber,
    IdNumberFormField,
    IdNumberValidator,
    Uscc,
    UsccFormField,
    UsccValidator,
)

TODAY = date(2026, 11, 25)


def refusal(func, value, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        func(value, **kwargs)
    return info.value


# ----------------------------------------------------------------------------------------------------
# GB 11643 citizen ID number
# ----------------------------------------------------------------------------------------------------

# GB 11643-1999's own example: 110105 (北京市朝阳区) 19491231 002 X.
# MOD 11-2 by hand, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
#   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4
#   + 2·2 = 167
#   167 mod 11 = 2; (12 - 2) mod 11 = 10 → 'X'.
GB_EXAMPLE = "11010519491231002X"


def test_standard_example():
    assert id_number_check_char(GB_EXAMPLE[:17]) == "X"
    assert validate_id_number(GB_EXAMPLE) == GB_EXAMPLE
    assert parse_id_number(GB_EXAMPLE) == IdNumberInfo(
        division_code="110105", birth_date=date(1949, 12, 31), gender="F", sequence=2
    )


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        # Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = (12 - sum mod 11) mod 11.
        # 28+36+0+15+0+16+2+9+54+0+0+9+0+5+16+12+8 = 210; 210 mod 11 = 1; (12 - 1) mod 11 = 0 → '0'
        ("44030419900101234", "0"),
        # 21+27+0+5+0+24+2+9+48+21+0+27+10+25+0+0+2 = 221; 221 mod 11 = 1 → '0'
        ("33010619870315001", "0"),
        # 35+9+0+5+0+32+2+9+48+15+0+9+0+5+0+0+0 = 169; 169 mod 11 = 4; 12 - 4 = 8 → '8'
        ("51010819850101000", "8"),
    ],
)
def test_check_char_vectors(first17, check):
    assert id_number_check_char(first17) == check
    assert is_valid_id_number(first17 + check)


def test_every_check_value_occurs():
    # Sequences 000..099 over the same prefix reach all 11 residues, 'X' included.
    chars = {id_number_check_char(f"11010519491231{seq:03d}") for seq in range(100)}
    assert chars == set("0123456789X")


def test_normalisation():
    assert validate_id_number(" 110105 19491231 002x ") == GB_EXAMPLE
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == GB_EXAMPLE  # full-width, as typed with an IME
    assert validate_id_number("110105\u300019491231002X") == GB_EXAMPLE  # ideographic space


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "id_number_required", "请填写公民身份号码"),
        ("   ", "id_number_required", "请填写公民身份号码"),
        ("110105491231002", "id_number_legacy", "15位旧公民身份号码已停止使用，请填写18位公民身份号码"),
        ("11010519491231002", "id_number_length", "公民身份号码应为18位"),
        ("11010519491231002X1", "id_number_length", "公民身份号码应为18位"),
        ("1101051949123100XX", "id_number_characters", "公民身份号码的前17位应为数字，最后一位应为数字或X"),
        ("11010519491231002Y", "id_number_characters", "公民身份号码的前17位应为数字，最后一位应为数字或X"),
        (
            "11010519491231002\u0661",
            "id_number_characters",
            "公民身份号码的前17位应为数字，最后一位应为数字或X",
        ),
        ("99010519491231002X", "id_number_division", "公民身份号码的前两位不是有效的省级行政区划代码"),
        ("10010519491231002X", "id_number_division", "公民身份号码的前两位不是有效的省级行政区划代码"),
        ("110105194902300020", "id_number_birth_date", "公民身份号码中的出生日期不是有效日期"),
        ("110105194913310020", "id_number_birth_date", "公民身份号码中的出生日期不是有效日期"),
        ("110105000001010020", "id_number_birth_date", "公民身份号码中的出生日期不是有效日期"),
        ("110105203001010020", "id_number_birth_date_future", "公民身份号码中的出生日期晚于今天"),
        ("110105194912310021", "id_number_check_char", "公民身份号码校验码错误"),
        ("110105194912310029", "id_number_check_char", "公民身份号码校验码错误"),
    ],
)
def test_id_number_refusals(value, code, message):
    error = refusal(validate_id_number, value, field="applicant_id_number", today=TODAY)
    assert (error.field, error.code, str(error.message)) == ("applicant_id_number", code, message)
    assert error.as_dict() == {"code": code, "field": "applicant_id_number", "message": message}
    assert not is_valid_id_number(value)


def test_id_number_default_field_and_non_strings():
    assert refusal(validate_id_number, "123").field == "id_number"
    assert refusal(validate_id_number, None).code == "id_number_required"
    assert not is_valid_id_number(110105194912310020)


def test_birth_date_today_is_accepted_tomorrow_is_not():
    born_today = make_id_number("110105", TODAY, 1)
    assert validate_id_number(born_today, today=TODAY) == born_today
    tomorrow = "110105" + (TODAY + timedelta(days=1)).strftime("%Y%m%d") + "001"
    tomorrow += id_number_check_char(tomorrow)
    assert refusal(validate_id_number, tomorrow, today=TODAY).code == "id_number_birth_date_future"


def test_division_code_need_not_exist_at_birth():
    # 110114 (昌平区) dates from 1999, 330110 (余杭区) from 2001, 500101 (万州区) from 1997 (重庆市):
    # people born before keep these numbers (python-stdnum refuses them). 469027 is one of Hainan's
    # directly administered counties; 71/81/82 are Taiwan, Hong Kong and Macao.
    for division in ("110114", "330110", "500101", "469027", "810000", "820000", "710000"):
        assert is_valid_id_number(make_id_number(division, date(1950, 1, 1), 17))


def test_province_codes():
    assert len(PROVINCE_CODES) == 34
    assert all(11 <= int(code) <= 82 for code in PROVINCE_CODES)


def test_make_id_number_refusals():
    assert refusal(make_id_number, "11010", birth_date=date(1990, 1, 1), sequence=1).field == "division_code"
    assert refusal(make_id_number, "990105", birth_date=date(1990, 1, 1), sequence=1).code == "id_number_division"
    with pytest.raises(ValueError):
        make_id_number("110105", date(1990, 1, 1), 1000)


id_parts = st.tuples(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY - timedelta(days=1)),
    st.integers(0, 999),
)


@given(id_parts)
def test_make_id_number_validates_and_roundtrips(parts):
    province, county, born, sequence = parts
    number = make_id_number(province + county, born, sequence)
    assert validate_id_number(number) == number
    assert validate_id_number(number.lower()) == number
    assert parse_id_number(number) == IdNumberInfo(
        division_code=province + county,
        birth_date=born,
        gender="M" if sequence % 2 else "F",
        sequence=sequence,
    )


@given(id_parts, st.integers(0, 17), st.integers(1, 10))
def test_any_single_substitution_breaks_the_check(parts, position, shift):
    """MOD 11-2 detects every single substitution.

    Proof: a valid number satisfies sum(a_i · w_i) ≡ 1 (mod 11) with w_i = 2^(17-i) mod 11 for i = 0..17
    and the check character's value a_17 in 0..10 (X = 10). Replacing a_i by b ≠ a_i changes the sum by
    w_i · (b - a_i).
    11 is prime, w_i is a power of 2 and so not ≡ 0, and 0 < |b - a_i| ≤ 10 < 11, so the product is not ≡ 0:
    the congruence no longer holds, whatever position and whatever replacement.
    """
    province, county, born, sequence = parts
    number = make_id_number(province + county, born, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    replacement = alphabet[(old + shift) % len(alphabet)]
    if replacement == number[position]:  # shift 10 on a digit position wraps to itself
        replacement = alphabet[(old + 1) % len(alphabet)]
    altered = number[:position] + replacement + number[position + 1 :]
    assert altered != number
    # The check character must disagree (other rules may refuse first, e.g. a month of 13; never accepted).
    assert id_number_check_char(altered[:17]) != altered[17]
    assert not is_valid_id_number(altered)


# ----------------------------------------------------------------------------------------------------
# GB 32100 unified social credit code
# ----------------------------------------------------------------------------------------------------

# Character values in the GB 32100 check: 0-9, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23 Q24 R25
# T26 U27 W28 X29 Y30; weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; C18 = 31 - (sum mod 31).
# In the embedded GB 11714 check letters count A10 .. Z35 (M = 22, Y = 34); weights 3 7 9 10 5 8 4 2.
#
# GB 32100-2015's example 91350100M000100Y43 (企业, 福州市):
#   org code M000100Y: 22·3 + 0 + 0 + 0 + 1·5 + 0 + 0 + 34·2 = 139; 139 mod 11 = 7; 11 - 7 = 4 → '4'
#   C18: 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0 + 0 + 21·20 + 0 + 0 + 0 + 1·8 + 0 + 0 + 30·30 + 4·28 = 1640;
#        1640 mod 31 = 28; 31 - 28 = 3 → '3'
# 11100000000013127D (机关, central level 100000):
#   org code 00001312: 1·5 + 3·8 + 1·4 + 2·2 = 37; 37 mod 11 = 4; 11 - 4 = 7 → '7'
#   C18: 1·1 + 1·3 + 1·9 + 1·8 + 3·24 + 1·10 + 2·30 + 7·28 = 359; 359 mod 31 = 18; 31 - 18 = 13 → 'D'
# 9144030071526726XG (企业, 深圳市), whose organisation-code check is X:
#   org code 71526726: 21 + 7 + 45 + 20 + 30 + 56 + 8 + 12 = 199; 199 mod 11 = 1; 11 - 1 = 10 → 'X'
#   C18: 9 + 3 + 36 + 108 + 0 + 78 + 0 + 0 + 140 + 29 + 125 + 26 + 48 + 168 + 20 + 180 + 29·28 = 1782;
#        1782 mod 31 = 15; 31 - 15 = 16 → 'G'
HAND_CHECKED = {
    "91350100M000100Y43": ("M000100Y", "4", "3"),
    "11100000000013127D": ("00001312", "7", "D"),
    "9144030071526726XG": ("71526726", "X", "G"),
}
# Further real-format codes from public registrations (check characters computed by the functions under test
# and consistent with both checks).
PUBLIC_CODES = [
    "91330100716105852F",
    "91440300708461136T",
    "91110000802100433B",
    "91110108551385082Q",
    "91310000717854505W",
    "91110000100003495Y",
    "91110000710935732K",
]


@pytest.mark.parametrize(("code", "parts"), HAND_CHECKED.items())
def test_uscc_hand_checked(code, parts):
    body, org_check, check = parts
    assert org_code_check_char(body) == org_check
    assert uscc_check_char(code[:17]) == check
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_uscc_public_codes(code):
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


def test_check_char_wrap_arounds():
    # C9 = 11 - 0 → '0' (not "11") and C18 = 31 - 0 → '0' (not "31") are the wrap-around cases.
    assert org_code_check_char("00000000") == "0"
    code = next(c for n in range(10000) if (c := make_uscc("9", "1", "110101", f"{n:08d}")).endswith("0"))
    first17 = code[:17]
    assert sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17)) % 31 == 0
    assert validate_uscc(code) == code


def test_parse_uscc():
    assert parse_uscc("91350100m000100y43") == UsccInfo(
        authority="9", entity_type="1", division_code="350100", org_code="M000100Y4"
    )


def test_uscc_normalisation():
    assert validate_uscc(" 9135 0100 M000 100Y 43 ") == "91350100M000100Y43"
    assert validate_uscc("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "uscc_required", "请填写统一社会信用代码"),
        ("91350100M000100Y4", "uscc_length", "统一社会信用代码应为18位"),
        ("91350100M000100Y431", "uscc_length", "统一社会信用代码应为18位"),
        (
            "91350100M0001O0Y43",
            "uscc_characters",
            "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）",
        ),
        (
            "91350100M000I00Y43",
            "uscc_characters",
            "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）",
        ),
        (
            "91350100M000100Y4-",
            "uscc_characters",
            "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）",
        ),
        ("94350100M000100Y43", "uscc_authority_type", "统一社会信用代码的登记管理部门代码或机构类别代码无效"),
        ("B1350100M000100Y43", "uscc_authority_type", "统一社会信用代码的登记管理部门代码或机构类别代码无效"),
        ("Y2350100M000100Y43", "uscc_authority_type", "统一社会信用代码的登记管理部门代码或机构类别代码无效"),
        ("913501A0M000100Y43", "uscc_division", "统一社会信用代码的第3至8位应为行政区划代码（数字）"),
        ("91350100M000100Y53", "uscc_org_code_check_char", "统一社会信用代码中的组织机构代码校验码错误"),
        ("91350100M000100Y44", "uscc_check_char", "统一社会信用代码校验码错误"),
        ("91350101M000100Y43", "uscc_check_char", "统一社会信用代码校验码错误"),
    ],
)
def test_uscc_refusals(value, code, message):
    error = refusal(validate_uscc, value, field="enterprise_uscc")
    assert (error.field, error.code, str(error.message)) == ("enterprise_uscc", code, message)
    assert not is_valid_uscc(value)


def test_uscc_default_field_and_non_strings():
    assert refusal(validate_uscc, "1").field == "uscc"
    assert not is_valid_uscc(None)


def test_embedded_org_code_check_is_enforced():
    # Both codes below have a correct C18; the first has a wrong GB 11714 check (python-stdnum accepts it).
    first17 = "91350100M000100Y5"
    forged = first17 + uscc_check_char(first17)
    assert refusal(validate_uscc, forged).code == "uscc_org_code_check_char"


def test_authority_type_table():
    assert set(USCC_AUTHORITY_TYPES) == set("123456789ANY")
    for authority, types in USCC_AUTHORITY_TYPES.items():
        for entity_type in USCC_ALPHABET:
            first17 = authority + entity_type + "110105" + "MA01KWJ0" + org_code_check_char("MA01KWJ0")
            accepted = is_valid_uscc(first17 + uscc_check_char(first17))
            assert accepted == (entity_type in types), (authority, entity_type)


def test_make_uscc_refusals():
    assert refusal(make_uscc, "9", entity_type="1", division_code="350100", org_body8="M000I00Y").field == "org_code"
    assert refusal(make_uscc, "9", entity_type="1", division_code="35010", org_body8="M000100Y").code == "uscc_length"
    assert refusal(make_uscc, "9", entity_type="4", division_code="350100", org_body8="M000100Y").code == (
        "uscc_authority_type"
    )


_pairs = sorted((a, t) for a, types in USCC_AUTHORITY_TYPES.items() for t in types)
uscc_parts = st.tuples(
    st.sampled_from(_pairs),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=8, max_size=8),
)


@given(uscc_parts)
def test_make_uscc_validates_and_roundtrips(parts):
    (authority, entity_type), division, body = parts
    code = make_uscc(authority, entity_type, division, body)
    assert validate_uscc(code) == code
    assert parse_uscc(code) == UsccInfo(
        authority=authority,
        entity_type=entity_type,
        division_code=division,
        org_code=body + org_code_check_char(body),
    )


@given(uscc_parts, st.integers(0, 17), st.integers(1, 30))
def test_uscc_any_single_substitution_is_detected(parts, position, shift):
    """MOD 31 detects every single substitution within the alphabet.

    Proof: a valid code satisfies sum(a_i · w_i) + a_17 ≡ 0 (mod 31) with w_i = 3^i mod 31 and values a_i in
    0..30. Replacing a_i by b ≠ a_i changes the sum by w_i · (b - a_i) (w_17 = 1 for the check character).
    31 is prime, w_i is a power of 3 and so not ≡ 0, and 0 < |b - a_i| ≤ 30 < 31, so the change is not ≡ 0.
    (The GB 11714 check alone does not have this property for letters, whose values reach 35: the C18 does.)
    """
    (authority, entity_type), division, body = parts
    code = make_uscc(authority, entity_type, division, body)
    replacement = USCC_ALPHABET[(USCC_ALPHABET.index(code[position]) + shift) % 31]
    altered = code[:position] + replacement + code[position + 1 :]
    assert altered != code
    assert uscc_check_char(altered[:17]) != altered[17]
    assert not is_valid_uscc(altered)


# ----------------------------------------------------------------------------------------------------
# Django validators and form fields; pydantic (Ninja) annotated types
# ----------------------------------------------------------------------------------------------------


def test_django_validators():
    IdNumberValidator()(GB_EXAMPLE)
    UsccValidator()("91350100M000100Y43")
    with pytest.raises(ValidationError) as info:
        IdNumberValidator()("110105194912310021")
    assert info.value.code == "id_number_check_char"
    assert info.value.messages == ["公民身份号码校验码错误"]
    with pytest.raises(ValidationError) as info:
        UsccValidator()("91350100M000100Y44")
    assert (info.value.code, info.value.messages) == ("uscc_check_char", ["统一社会信用代码校验码错误"])


def test_django_validators_deconstruct_for_migrations():
    assert IdNumberValidator().deconstruct() == ("yiwang.core.validators.IdNumberValidator", (), {})
    assert UsccValidator().deconstruct() == ("yiwang.core.validators.UsccValidator", (), {})
    assert IdNumberValidator() == IdNumberValidator()
    assert IdNumberValidator() != UsccValidator()


class RegistrationForm(forms.Form):
    id_number = forms.CharField(max_length=18, validators=[IdNumberValidator()])
    uscc = UsccFormField(required=False)
    agent_id_number = IdNumberFormField(required=False)


def test_form_with_validator_and_fields():
    form = RegistrationForm(
        data={
            "id_number": GB_EXAMPLE,
            "uscc": "9135 0100 m000 100y 43",
            "agent_id_number": " 11010519491231002x",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "id_number": GB_EXAMPLE,
        "uscc": "91350100M000100Y43",
        "agent_id_number": GB_EXAMPLE,
    }


def test_form_errors_name_the_rule():
    form = RegistrationForm(data={"id_number": "110105194912310021", "uscc": "91350100M000100Y44"})
    assert not form.is_valid()
    assert form.errors["id_number"] == ["公民身份号码校验码错误"]
    assert form.errors["uscc"] == ["统一社会信用代码校验码错误"]
    assert form.errors.as_data()["id_number"][0].code == "id_number_check_char"
    assert "agent_id_number" not in form.errors


class Applicant(BaseModel):
    id_number: IdNumber
    uscc: Uscc | None = None


def test_pydantic_types_normalise():
    applicant = Applicant(id_number=" 110105 19491231 002x", uscc="９１３５０１００m000100y43")
    assert applicant.id_number == GB_EXAMPLE
    assert applicant.uscc == "91350100M000100Y43"


def test_pydantic_types_reject_with_message_and_code():
    with pytest.raises(PydanticValidationError) as info:
        Applicant(id_number="110105194912310021", uscc="91350100M000100Y44")
    errors = {e["loc"][0]: e for e in info.value.errors()}
    assert (errors["id_number"]["type"], errors["id_number"]["msg"]) == (
        "id_number_check_char",
        "公民身份号码校验码错误",
    )
    assert errors["uscc"]["type"] == "uscc_check_char"
    assert errors["uscc"]["msg"] == "统一社会信用代码校验码错误"


def test_pydantic_json_schema_documents_the_types():
    schema = Applicant.model_json_schema()
    assert schema["properties"]["id_number"]["examples"] == ["11010519491231002X"]
    assert "GB 11643" in schema["properties"]["id_number"]["description"]
