"""The default certificate types (证照类型) and the content schemas of each, as printed on the paper originals.

Validity periods: 食品经营许可证 5 years (《食品经营许可和备案管理办法》, 2023); 居民身份证 depends on the holder's age
at application (《居民身份证法》第五条: 5, 10, 20 years or long-term) — the default here is 20 years, the common
case for adults aged 26–45; the others do not expire.
"""

from __future__ import annotations

from typing import Any

from yiwang.certificates.models import HolderKind, IssuerKind

_ID_NUMBER = r"[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[0-9X]"


def _text(title: str, max_length: int = 128, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 1, "maxLength": max_length, **extra}


def _date(title: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "format": "date"}


def _schema(properties: dict[str, dict[str, Any]], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


DEFAULT_CERTIFICATE_TYPES: list[dict[str, Any]] = [
    {
        "code": "business_licence",
        "name": "营业执照",
        "issuer_kind": IssuerKind.MARKET_REGULATION,
        "holder_kind": HolderKind.ENTERPRISE,
        "validity_years": None,
        "schema": _schema(
            {
                "name": _text("名称"),
                "entity_type": _text("类型", 64),
                "legal_representative": _text("法定代表人", 64),
                "registered_capital": _text("注册资本", 64, description="如：壹佰万元整"),
                "founding_date": _date("成立日期"),
                "business_term": _text("营业期限", 64, description="如：长期"),
                "address": _text("住所", 200),
                "business_scope": _text("经营范围", 2000),
            },
            ["name", "entity_type", "legal_representative", "founding_date", "address", "business_scope"],
        ),
    },
    {
        "code": "id_card",
        "name": "居民身份证",
        "issuer_kind": IssuerKind.PUBLIC_SECURITY,
        "holder_kind": HolderKind.PERSON,
        "validity_years": 20,
        "schema": _schema(
            {
                "name": _text("姓名", 64),
                "gender": {"type": "string", "title": "性别", "enum": ["男", "女"]},
                "ethnicity": _text("民族", 16),
                "birth_date": _date("出生"),
                "address": _text("住址", 200),
            },
            ["name", "gender", "ethnicity", "birth_date", "address"],
        ),
    },
    {
        "code": "household_register",
        "name": "户口簿",
        "issuer_kind": IssuerKind.PUBLIC_SECURITY,
        "holder_kind": HolderKind.PERSON,
        "validity_years": None,
        "schema": _schema(
            {
                "household_type": {"type": "string", "title": "户别", "enum": ["家庭户", "集体户"]},
                "household_head": _text("户主姓名", 64),
                "relation_to_head": _text("与户主关系", 16),
                "address": _text("住址", 200),
                "registered_on": _date("登记日期"),
            },
            ["household_type", "household_head", "relation_to_head", "address"],
        ),
    },
    {
        "code": "marriage",
        "name": "结婚证",
        "issuer_kind": IssuerKind.CIVIL_AFFAIRS,
        "holder_kind": HolderKind.PERSON,
        "validity_years": None,
        "schema": _schema(
            {
                "registered_on": _date("登记日期"),
                "spouse_name": _text("配偶姓名", 64),
                "spouse_id_number": {"type": "string", "title": "配偶身份证件号", "pattern": _ID_NUMBER},
                "registration_authority": _text("登记机关", 128),
            },
            ["registered_on", "spouse_name", "spouse_id_number"],
        ),
    },
    {
        "code": "food_business_licence",
        "name": "食品经营许可证",
        "issuer_kind": IssuerKind.MARKET_REGULATION,
        "holder_kind": HolderKind.ENTERPRISE,
        "validity_years": 5,
        "schema": _schema(
            {
                "operator_name": _text("经营者名称"),
                "legal_representative": _text("法定代表人（负责人）", 64),
                "address": _text("住所", 200),
                "business_premises": _text("经营场所", 200),
                "main_business_format": {
                    "type": "string",
                    "title": "主体业态",
                    "enum": ["食品销售经营者", "餐饮服务经营者", "单位食堂"],
                },
                "business_items": _text("经营项目", 1000),
            },
            ["operator_name", "legal_representative", "business_premises", "main_business_format", "business_items"],
        ),
    },
    {
        "code": "professional_qualification",
        "name": "职业资格证书",
        "issuer_kind": IssuerKind.HUMAN_RESOURCES,
        "holder_kind": HolderKind.PERSON,
        "validity_years": None,
        "schema": _schema(
            {
                "name": _text("姓名", 64),
                "profession": _text("职业（工种）", 64),
                "level": {
                    "type": "string",
                    "title": "等级",
                    "enum": [
                        "五级/初级工",
                        "四级/中级工",
                        "三级/高级工",
                        "二级/技师",
                        "一级/高级技师",
                    ],
                },
                "approved_on": _date("批准日期"),
            },
            ["name", "profession", "level", "approved_on"],
        ),
    },
]
