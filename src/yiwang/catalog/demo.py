# ruff: noqa: E501 - the demo items are data: one line per field reads best
"""The demo city's service catalogue: real-world items of eight lines of government, in its districts and the city.

Names, conditions, legal bases (real laws and regulations, with the article where one settles the point), time
limits, fees and materials follow the published guides of Zhejiang's 政务服务网 in substance; the national basic
codes (基本编码) are illustrative, not the national catalogue's. Forms bind their applicant fields to registry data
elements (``x-element``) so that they can be prefilled (免填); materials that a registered e-certificate proves
(居民身份证, 营业执照, 户口簿, 结婚证 …) are marked 免提交.

``ensure_demo_catalog()`` is idempotent: it goes through :func:`~yiwang.catalog.services.import_document`, which
leaves items equal to the demo data untouched.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yiwang.accounts.divisions import load_divisions
from yiwang.accounts.models import Department, Division
from yiwang.catalog.services import ImportReport, import_document
from yiwang.certificates.services import ensure_default_certificate_types
from yiwang.registries.elements import load_elements

__all__ = ["DEMO_DISTRICTS", "DEMO_ITEMS", "demo_catalog_document", "ensure_demo_catalog"]

#: The districts whose departments implement the district-level items (西湖区, 上城区 of 杭州市).
DEMO_DISTRICTS = ("330106", "330102")
HOTLINE = "12345（政务服务便民热线）"

#: Department suffix → (kind, city name, district name): the same names as the demo city's seed.
_DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "SCJGJ": (Department.Kind.MARKET_REGULATION, "{city}市场监督管理局", "{county}市场监督管理局"),
    "GAJ": (Department.Kind.PUBLIC_SECURITY, "{city}公安局", "{city}公安局{county}分局"),
    "RSJ": (Department.Kind.HUMAN_RESOURCES, "{city}人力资源和社会保障局", "{county}人力资源和社会保障局"),
    "WJW": (Department.Kind.HEALTH, "{city}卫生健康委员会", "{county}卫生健康局"),
    "ZJJ": (Department.Kind.HOUSING, "{city}住房和城乡建设局", "{county}住房和城乡建设局"),
    "SWJ": (Department.Kind.TAX, "国家税务总局{city}税务局", "国家税务总局{city}{county}税务局"),
    "MZJ": (Department.Kind.CIVIL_AFFAIRS, "{city}民政局", "{county}民政局"),
    "JYJ": (Department.Kind.OTHER, "{city}教育局", "{county}教育局"),
    "GJJ": (Department.Kind.HOUSING_FUND, "{city}住房公积金管理中心", "{city}住房公积金管理中心{county}分中心"),
}

# --- form fields ---------------------------------------------------------------------------------------------------


def _bound(title: str, element: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "x-element": element, **extra}


def _text(title: str, max_length: int = 200, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 1, "maxLength": max_length, **extra}


def _date(title: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "format": "date"}


def _choice(title: str, *choices: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "enum": list(choices)}


PERSON = {
    "applicant_name": _bound("申请人姓名", "person.name"),
    "applicant_id_number": _bound("公民身份号码", "person.id_number"),
    "applicant_phone": _bound("联系电话", "person.phone"),
}
ENTITY = {
    "entity_name": _bound("单位名称", "entity.name"),
    "entity_uscc": _bound("统一社会信用代码", "entity.uscc"),
    "legal_representative": _bound("法定代表人", "entity.legal_representative"),
    "entity_address": _bound("住所", "entity.address"),
    "contact_phone": _text("单位联系电话", 32),
}


def _form(base: dict[str, Any], extra: dict[str, Any] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    properties = {**base, **(extra or {})}
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name in base] + list(required),
    }


# --- materials ----------------------------------------------------------------------------------------------------

ID_CARD = ("申请人居民身份证", "required", "id_card", "公安机关核发；已有电子证照的免提交")
LICENCE = ("营业执照", "required", "business_licence", "市场监督管理部门核发；已有电子证照的免提交")
#: 开办企业: the registrations that follow the business registration accept the licence late (容缺), and within
#: 开办企业一件事 it is shared with them the moment it is issued
LICENCE_LATE = ("营业执照", "deficiency_allowed", "business_licence", "已有电子证照的免提交；新开办企业核发后共享")
HOUSEHOLD = ("居民户口簿", "required", "household_register", "公安机关核发；已有电子证照的免提交")


def _m(name: str, requirement: str = "required", cert: str | None = None, source: str = "申请人自备") -> dict[str, Any]:
    return {"name": name, "requirement": requirement, "certificate_type": cert, "source_note": source}


def _materials(*entries: tuple[Any, ...] | dict[str, Any]) -> list[dict[str, Any]]:
    return [e if isinstance(e, dict) else _m(*e) for e in entries]


# --- the items ----------------------------------------------------------------------------------------------------
# level "district": one item per demo district; "city": one item of the city department.

DEMO_ITEMS: list[dict[str, Any]] = [
    # 市场监督管理
    {
        "basic_code": "000117001000",
        "suffix": "SCJGJ",
        "level": "district",
        "name": "企业设立登记",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["business_start"],
        "keywords": "开公司 注册公司 办营业执照 公司注册 开办企业",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第三条、第十九条；《中华人民共和国公司法》第二十九条",
        "conditions": "申请人提交的申请材料齐全、符合法定形式；名称、住所、经营范围等登记事项符合法律、行政法规的规定；"
        "公司的法定代表人、董事、监事和高级管理人员不存在《公司法》规定的不得担任的情形。",
        "legal_time_limit": 3,
        "promised_time_limit": 1,
        "mobile": True,
        "result_kind": "certificate",
        "result_name": "营业执照",
        "result_certificate_type": "business_licence",
        "form": _form(
            PERSON,
            {
                "proposed_name": _text("拟设立企业名称", 128),
                "company_type": _choice(
                    "企业类型",
                    "有限责任公司（自然人投资或控股）",
                    "有限责任公司（自然人独资）",
                    "股份有限公司（非上市、自然人投资或控股）",
                ),
                "representative": _text("拟任法定代表人", 64),
                "registered_capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0},
                "business_scope": _text("经营范围", 2000),
                "premises": _text("企业住所"),
            },
            ("proposed_name", "company_type", "representative", "business_scope", "premises"),
        ),
        "materials": _materials(
            ("公司登记（备案）申请书",),
            ("公司章程",),
            ("股东、法定代表人身份证明", "required", "id_card", "公安机关核发；已有电子证照的免提交"),
            ("住所（经营场所）使用证明", "deficiency_allowed"),
        ),
    },
    {
        "basic_code": "000117031000",
        "suffix": "SCJGJ",
        "level": "district",
        "name": "食品经营许可",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["business_licence", "business_start"],
        "keywords": "开饭店 开餐馆 开餐厅 餐饮店 小吃店 奶茶店 食品店 卖食品 食品许可证",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        "conditions": "已取得营业执照等合法主体资格；具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；"
        "具有与经营的食品品种、数量相适应的经营设备或者设施；有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；"
        "具有合理的设备布局和工艺流程。餐饮服务、食品销售均适用。",
        "legal_time_limit": 10,
        "promised_time_limit": 5,
        "mobile": True,
        "result_kind": "certificate",
        "result_name": "食品经营许可证",
        "result_certificate_type": "food_business_licence",
        "form": _form(
            ENTITY,
            {
                "business_premises": _text("经营场所"),
                "main_business_format": _choice("主体业态", "食品销售经营者", "餐饮服务经营者", "单位食堂"),
                "business_items": _text("经营项目", 500),
            },
            ("business_premises", "main_business_format", "business_items"),
        ),
        "materials": _materials(
            ("食品经营许可申请书",),
            LICENCE,
            ("法定代表人（负责人）居民身份证", "required", "id_card", "已有电子证照的免提交"),
            ("与食品经营相适应的主要设备设施、经营布局、操作流程等文件",),
            ("食品安全管理制度目录",),
        ),
    },
    {
        "basic_code": "000117002000",
        "suffix": "SCJGJ",
        "level": "district",
        "name": "个体工商户登记",
        "item_type": "licensing",
        "audience": "person",
        "life_events": ["business_start", "employment"],
        "keywords": "个体户 开小店 开网店 摆摊 个体执照",
        "legal_basis": "《促进个体工商户发展条例》第二条；《中华人民共和国市场主体登记管理条例》第十九条",
        "conditions": "有经营能力的公民；有固定的经营场所（网络经营者可以网络经营场所登记）；经营范围不属于法律、行政法规禁止的行业。",
        "legal_time_limit": 3,
        "promised_time_limit": 0,
        "mobile": True,
        "result_kind": "certificate",
        "result_name": "营业执照",
        "result_certificate_type": "business_licence",
        "form": _form(
            PERSON,
            {
                "trade_name": _text("个体工商户名称", 128),
                "premises": _text("经营场所"),
                "business_scope": _text("经营范围", 1000),
            },
            ("premises", "business_scope"),
        ),
        "materials": _materials(("个体工商户登记（备案）申请书",), ID_CARD, ("经营场所使用证明", "deficiency_allowed")),
    },
    {
        "basic_code": "000117004000",
        "suffix": "SCJGJ",
        "level": "district",
        "name": "企业注销登记",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["business_start"],
        "keywords": "注销公司 关公司 公司注销 简易注销",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第三十一条、第三十三条；《中华人民共和国公司法》第二百三十九条",
        "conditions": "企业已依法清算完毕，或者未发生债权债务、已将债权债务清偿完结（简易注销须经 20 日公示无异议）；"
        "不存在被吊销营业执照、责令关闭、撤销以及被列入经营异常名录等不适用注销的情形。",
        "legal_time_limit": 3,
        "promised_time_limit": 1,
        "result_kind": "approval",
        "result_name": "准予注销登记通知书",
        "form": _form(
            ENTITY, {"reason": _choice("注销原因", "决议解散", "营业期限届满", "被依法宣告破产", "其他")}, ("reason",)
        ),
        "materials": _materials(("注销登记申请书",), ("清算报告或者全体投资人承诺书",), LICENCE),
    },
    # 公安
    {
        "basic_code": "000105011000",
        "suffix": "GAJ",
        "level": "district",
        "name": "居住证签发",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["residence", "school", "employment"],
        "keywords": "办居住证 暂住证 外地人落脚 积分入学 新杭州人",
        "legal_basis": "《居住证暂行条例》第二条、第九条、第十条；《浙江省流动人口居住登记条例》",
        "conditions": "离开常住户口所在地，到本市居住半年以上，并符合有合法稳定就业、合法稳定住所、连续就读条件之一的公民。",
        "legal_time_limit": 15,
        "promised_time_limit": 10,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "浙江省居住证",
        "form": _form(
            PERSON,
            {
                "residence_address": _text("居住地址"),
                "residence_since": _date("在本地居住起始日期"),
                "basis": _choice("申领依据", "合法稳定就业", "合法稳定住所", "连续就读"),
            },
            ("residence_address", "residence_since", "basis"),
        ),
        "materials": _materials(
            ID_CARD,
            ("本人近期免冠彩色照片", "required", None, "可在受理窗口现场采集"),
            ("居住证明（房屋产权证明、租赁合同等）",),
            ("就业或者就读证明", "optional"),
        ),
    },
    {
        "basic_code": "000105002000",
        "suffix": "GAJ",
        "level": "district",
        "name": "出生登记（新生儿落户）",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["birth", "residence"],
        "keywords": "新生儿落户 宝宝上户口 报户口 出生落户 小孩户口",
        "legal_basis": "《中华人民共和国户口登记条例》第七条",
        "conditions": "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记；"
        "随父或者随母落户均可。",
        "legal_time_limit": 1,
        "promised_time_limit": 0,
        "mobile": True,
        "result_kind": "certificate",
        "result_name": "居民户口簿（增页）",
        "result_certificate_type": "household_register",
        "form": _form(
            PERSON,
            {
                "baby_name": _text("新生儿姓名", 64),
                "baby_birth_date": _date("出生日期"),
                "baby_gender": _choice("性别", "男", "女"),
                "settle_with": _choice("随父或随母落户", "随父", "随母"),
            },
            ("baby_name", "baby_birth_date", "baby_gender", "settle_with"),
        ),
        "materials": _materials(
            ("出生医学证明", "required", None, "助产机构签发"),
            ("父母居民身份证", "required", "id_card", "已有电子证照的免提交"),
            HOUSEHOLD,
            ("父母结婚证", "optional", "marriage", "民政部门核发；已有电子证照的免提交"),
        ),
    },
    {
        "basic_code": "000105005000",
        "suffix": "GAJ",
        "level": "district",
        "name": "户口迁移（市内迁入）",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["residence"],
        "keywords": "迁户口 户口迁入 落户 买房落户 投靠落户",
        "legal_basis": "《中华人民共和国户口登记条例》第十条、第十三条；《杭州市户口迁移实施细则》",
        "conditions": "符合本市落户政策（合法稳定住所、投靠直系亲属、人才引进等）之一；迁入地址为合法稳定住所或集体户。",
        "legal_time_limit": 20,
        "promised_time_limit": 5,
        "result_kind": "certificate",
        "result_name": "居民户口簿",
        "result_certificate_type": "household_register",
        "form": _form(
            PERSON,
            {
                "move_to_address": _text("迁入地址"),
                "move_reason": _choice("迁移原因", "购房", "投靠", "人才引进", "就业", "其他"),
            },
            ("move_to_address", "move_reason"),
        ),
        "materials": _materials(
            ID_CARD, HOUSEHOLD, ("合法稳定住所证明（不动产权证书等）",), ("亲属关系证明", "optional")
        ),
    },
    {
        "basic_code": "000105001000",
        "suffix": "GAJ",
        "level": "district",
        "name": "居民身份证申领、换领",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["residence", "birth"],
        "keywords": "办身份证 换身份证 身份证到期 身份证丢了 补办身份证",
        "legal_basis": "《中华人民共和国居民身份证法》第二条、第八条、第十条、第十一条",
        "conditions": "居住在中华人民共和国境内的年满十六周岁的中国公民应当申领居民身份证；未满十六周岁的可以申领；"
        "有效期满、登记项目变更或者证件严重损坏不能辨认的应当换领。",
        "legal_time_limit": 60,
        "promised_time_limit": 20,
        "fee_note": "工本费每证 20 元；临时身份证 10 元",
        "fee_amount": "20.00",
        "online": False,
        "mobile": True,
        "result_kind": "certificate",
        "result_name": "居民身份证",
        "result_certificate_type": "id_card",
        "form": _form(
            PERSON,
            {"apply_reason": _choice("申领原因", "首次申领", "有效期满换领", "损坏换领", "丢失补领")},
            ("apply_reason",),
        ),
        "materials": _materials(HOUSEHOLD, ("本人近期免冠照片", "required", None, "受理窗口现场采集人像和指纹")),
    },
    # 人力资源和社会保障
    {
        "basic_code": "000112001000",
        "suffix": "RSJ",
        "level": "district",
        "name": "失业保险金申领",
        "item_type": "benefit",
        "audience": "person",
        "life_events": ["employment", "social_security"],
        "keywords": "失业金 领失业金 失业补助 下岗 被辞退",
        "legal_basis": "《中华人民共和国社会保险法》第四十五条、第五十条；《失业保险条例》第十四条",
        "conditions": "失业前用人单位和本人已经缴纳失业保险费满一年；非因本人意愿中断就业；已经进行失业登记，并有求职要求。",
        "legal_time_limit": 10,
        "promised_time_limit": 3,
        "mobile": True,
        "result_kind": "none",
        "result_name": "按月发放失业保险金",
        "form": _form(
            PERSON,
            {
                "last_employer": _text("原工作单位", 128),
                "separation_date": _date("解除劳动关系日期"),
                "bank_account": _text("社会保障卡银行账号", 32),
            },
            ("last_employer", "separation_date"),
        ),
        "materials": _materials(
            ID_CARD, ("解除或者终止劳动关系证明", "deficiency_allowed", None, "原用人单位出具；已网上报送的免提交")
        ),
    },
    {
        "basic_code": "000112010000",
        "suffix": "RSJ",
        "level": "district",
        "name": "企业职工基本养老保险关系转移接续",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["social_security", "employment"],
        "keywords": "社保转移 养老保险转移 社保关系转出 换城市工作 社会保险关系转移",
        "legal_basis": "《中华人民共和国社会保险法》第十九条；《城镇企业职工基本养老保险关系转移接续暂行办法》第八条",
        "conditions": "参保人员跨统筹地区就业并参加企业职工基本养老保险，向新就业地社会保险经办机构申请转移接续。",
        "legal_time_limit": 45,
        "promised_time_limit": 15,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "参保缴费凭证、转移接续联系函",
        "form": _form(
            PERSON, {"from_region": _text("转出地", 64), "to_region": _text("转入地", 64)}, ("from_region", "to_region")
        ),
        "materials": _materials(ID_CARD, ("参保缴费凭证", "optional", None, "转出地经办机构出具；可线上获取")),
    },
    {
        "basic_code": "000112020000",
        "suffix": "RSJ",
        "level": "district",
        "name": "职工正常退休（基本养老金申领）",
        "item_type": "benefit",
        "audience": "person",
        "life_events": ["retirement", "social_security"],
        "keywords": "办退休 退休审批 领养老金 退休手续 延迟退休",
        "legal_basis": "《中华人民共和国社会保险法》第十六条；《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024）",
        "conditions": "达到法定退休年龄（按渐进式延迟法定退休年龄规定确定）；基本养老保险累计缴费满最低缴费年限。",
        "legal_time_limit": 20,
        "promised_time_limit": 5,
        "mobile": True,
        "result_kind": "approval",
        "result_name": "基本养老金核定表",
        "form": _form(
            PERSON,
            {"retirement_date": _date("申请退休日期"), "bank_account": _text("社会保障卡银行账号", 32)},
            ("retirement_date",),
        ),
        "materials": _materials(ID_CARD, ("本人档案", "deficiency_allowed", None, "用人单位或档案保管机构提供")),
    },
    {
        "basic_code": "000112030000",
        "suffix": "RSJ",
        "level": "city",
        "name": "职业资格证书核发",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["employment"],
        "keywords": "职业资格证 考证 技能证书 专业技术资格",
        "legal_basis": "《中华人民共和国劳动法》第六十九条；《国家职业资格目录（2021年版）》",
        "conditions": "参加国家职业资格目录内职业资格考试或鉴定，成绩合格。",
        "legal_time_limit": 20,
        "promised_time_limit": 10,
        "result_kind": "certificate",
        "result_name": "职业资格证书",
        "result_certificate_type": "professional_qualification",
        "form": _form(
            PERSON, {"qualification": _text("职业资格名称", 128), "exam_date": _date("考试日期")}, ("qualification",)
        ),
        "materials": _materials(ID_CARD, ("考试成绩合格证明", "optional", None, "考试机构出具；系统内可查的免提交")),
    },
    {
        "basic_code": "000112040000",
        "suffix": "RSJ",
        "level": "district",
        "name": "就业创业证申领",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["employment"],
        "keywords": "就业证 失业证 创业证 失业登记",
        "legal_basis": "《就业服务与就业管理规定》第六十三条；《中华人民共和国就业促进法》",
        "conditions": "法定劳动年龄内、有劳动能力和就业要求的城乡劳动者。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "就业创业证",
        "form": _form(
            PERSON, {"employment_status": _choice("就业状态", "失业", "就业", "创业")}, ("employment_status",)
        ),
        "materials": _materials(ID_CARD),
    },
    {
        "basic_code": "000112050000",
        "suffix": "RSJ",
        "level": "district",
        "name": "城乡居民基本养老保险待遇申领",
        "item_type": "benefit",
        "audience": "person",
        "life_events": ["retirement", "social_security"],
        "keywords": "农村养老金 居民养老金 领养老金 城乡居保",
        "legal_basis": "《中华人民共和国社会保险法》第二十一条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
        "conditions": "年满 60 周岁、累计缴费满 15 年，且未领取国家规定的基本养老保障待遇的城乡居民基本养老保险参保人。",
        "legal_time_limit": 15,
        "promised_time_limit": 5,
        "mobile": True,
        "result_kind": "none",
        "result_name": "按月发放养老金",
        "form": _form(PERSON, {"bank_account": _text("社会保障卡银行账号", 32)}),
        "materials": _materials(ID_CARD, HOUSEHOLD),
    },
    # 卫生健康
    {
        "basic_code": "000110001000",
        "suffix": "WJW",
        "level": "district",
        "name": "出生医学证明签发",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["birth"],
        "keywords": "出生证 宝宝出生证明 出生医学证明 新生儿证明",
        "legal_basis": "《中华人民共和国母婴保健法》第二十三条；《国家卫生健康委关于启用和规范管理新版〈出生医学证明〉的通知》",
        "conditions": "在本辖区内依法设立的助产机构内出生的婴儿；父母双方或者监护人持有效身份证件申领。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "出生医学证明",
        "form": _form(
            PERSON,
            {
                "baby_name": _text("新生儿姓名", 64),
                "baby_birth_date": _date("出生日期"),
                "hospital": _text("分娩医院", 128),
            },
            ("baby_name", "baby_birth_date", "hospital"),
        ),
        "materials": _materials(
            ("父母居民身份证", "required", "id_card", "已有电子证照的免提交"),
            ("新生儿出生信息登记表", "required", None, "助产机构提供"),
        ),
    },
    {
        "basic_code": "000110002000",
        "suffix": "WJW",
        "level": "district",
        "name": "生育登记",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["marriage", "birth"],
        "keywords": "生育登记 准生证 生育服务证 怀孕登记 二胎 三胎",
        "legal_basis": "《中华人民共和国人口与计划生育法》第十八条；《浙江省人口与计划生育条例》",
        "conditions": "生育子女的夫妻（生育一孩、二孩、三孩均可登记），在一方户籍地或者现居住地登记。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "生育登记服务单",
        "form": _form(
            PERSON,
            {
                "spouse_name": _text("配偶姓名", 64),
                "child_order": {"type": "integer", "title": "本次生育为第几孩", "minimum": 1, "maximum": 10},
            },
            ("spouse_name", "child_order"),
        ),
        "materials": _materials(
            ("夫妻双方居民身份证", "required", "id_card", "已有电子证照的免提交"),
            ("结婚证", "required", "marriage", "已有电子证照的免提交"),
        ),
    },
    {
        "basic_code": "000110010000",
        "suffix": "WJW",
        "level": "district",
        "name": "公共场所卫生许可",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["business_licence"],
        "keywords": "开宾馆 开酒店 开美容店 开理发店 开浴室 开游泳馆 卫生许可证",
        "legal_basis": "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
        "conditions": "住宿、沐浴、美容美发、游泳等公共场所经营者；场所的选址、设计、卫生设施符合国家卫生标准和卫生要求；"
        "从业人员取得健康合格证明。实行告知承诺制的，申请人书面承诺符合条件即可当场发证。",
        "legal_time_limit": 20,
        "promised_time_limit": 3,
        "result_kind": "proof",
        "result_name": "公共场所卫生许可证",
        "form": _form(
            ENTITY,
            {
                "venue_type": _choice("场所类别", "住宿场所", "沐浴场所", "美容美发场所", "游泳场所", "其他"),
                "venue_area": {"type": "number", "title": "经营面积（平方米）", "minimum": 0},
            },
            ("venue_type",),
        ),
        "materials": _materials(
            ("公共场所卫生许可申请表",), LICENCE, ("卫生管理制度",), ("从业人员健康合格证明", "deficiency_allowed")
        ),
    },
    {
        "basic_code": "000110020000",
        "suffix": "WJW",
        "level": "city",
        "name": "医师执业注册",
        "item_type": "licensing",
        "audience": "person",
        "life_events": ["employment"],
        "keywords": "医师注册 医生执业证 变更执业地点 多点执业",
        "legal_basis": "《中华人民共和国医师法》第十三条、第十四条；《医师执业注册管理办法》",
        "conditions": "取得医师资格；受聘于医疗卫生机构；身体健康，能够胜任医师工作；无《医师法》第十六条规定的不予注册情形。",
        "legal_time_limit": 20,
        "promised_time_limit": 5,
        "mobile": True,
        "result_kind": "approval",
        "result_name": "医师执业证书（电子化注册）",
        "form": _form(
            PERSON,
            {
                "practice_institution": _text("执业机构", 128),
                "practice_category": _choice("执业类别", "临床", "中医", "口腔", "公共卫生"),
                "practice_scope": _text("执业范围", 128),
            },
            ("practice_institution", "practice_category"),
        ),
        "materials": _materials(ID_CARD, ("医师资格证书",), ("聘用单位证明",), ("近 6 个月内的健康体检证明",)),
    },
    # 住房和城乡建设
    {
        "basic_code": "000113001000",
        "suffix": "ZJJ",
        "level": "district",
        "name": "建筑工程施工许可证核发",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["construction"],
        "keywords": "施工许可 开工许可 报建 施工证 工程开工",
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》第四条、第五条",
        "conditions": "已办理用地批准手续；依法应当办理建设工程规划许可证的已取得规划许可证；已经确定施工企业；"
        "有满足施工需要的技术资料，施工图设计文件已按规定审查合格；有保证工程质量和安全的具体措施；建设资金已经落实。",
        "legal_time_limit": 7,
        "promised_time_limit": 3,
        "result_kind": "approval",
        "result_name": "建筑工程施工许可证",
        "form": _form(
            ENTITY,
            {
                "project_name": _text("工程名称", 200),
                "project_address": _text("建设地址"),
                "contract_price": {"type": "number", "title": "合同价格（万元）", "minimum": 0},
                "floor_area": {"type": "number", "title": "建筑面积（平方米）", "minimum": 0},
            },
            ("project_name", "project_address"),
        ),
        "materials": _materials(
            ("建筑工程施工许可证申请表",),
            ("建设工程规划许可证", "required", None, "自然资源和规划部门核发；系统内可查的免提交"),
            ("施工合同",),
            ("施工图设计文件审查合格书",),
            ("建设资金落实承诺书", "deficiency_allowed"),
        ),
    },
    {
        "basic_code": "000113002000",
        "suffix": "ZJJ",
        "level": "district",
        "name": "房屋建筑和市政基础设施工程竣工验收备案",
        "item_type": "other",
        "audience": "enterprise",
        "life_events": ["construction"],
        "keywords": "竣工验收备案 竣工备案 工程验收",
        "legal_basis": "《建设工程质量管理条例》第四十九条；《房屋建筑和市政基础设施工程竣工验收备案管理办法》第四条",
        "conditions": "工程竣工验收合格之日起 15 日内，建设单位向工程所在地建设主管部门备案。",
        "legal_time_limit": 15,
        "promised_time_limit": 3,
        "result_kind": "proof",
        "result_name": "竣工验收备案证明",
        "form": _form(
            ENTITY,
            {"project_name": _text("工程名称", 200), "acceptance_date": _date("竣工验收日期")},
            ("project_name", "acceptance_date"),
        ),
        "materials": _materials(("工程竣工验收备案表",), ("工程竣工验收报告",), ("施工单位签署的工程质量保修书",)),
    },
    {
        "basic_code": "000113010000",
        "suffix": "ZJJ",
        "level": "city",
        "name": "商品房预售许可",
        "item_type": "licensing",
        "audience": "enterprise",
        "life_events": ["construction"],
        "keywords": "预售证 卖期房 商品房预售证",
        "legal_basis": "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》第六条、第七条",
        "conditions": "已交付全部土地使用权出让金，取得土地使用权证书；持有建设工程规划许可证和施工许可证；"
        "投入开发建设的资金达到工程建设总投资的 25% 以上，并已确定施工进度和竣工交付日期。",
        "legal_time_limit": 10,
        "promised_time_limit": 5,
        "result_kind": "approval",
        "result_name": "商品房预售许可证",
        "form": _form(
            ENTITY,
            {
                "project_name": _text("项目名称", 200),
                "presale_area": {"type": "number", "title": "预售面积（平方米）", "minimum": 0},
            },
            ("project_name",),
        ),
        "materials": _materials(
            ("商品房预售许可申请表",),
            LICENCE,
            ("不动产权证书（土地）",),
            ("建设工程规划许可证和施工许可证",),
            ("工程施工合同及施工进度说明",),
        ),
    },
    # 民政
    {
        "basic_code": "000109001000",
        "suffix": "MZJ",
        "level": "district",
        "name": "内地居民结婚登记",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["marriage"],
        "keywords": "结婚 领证 结婚证 扯证 登记结婚",
        "legal_basis": "《中华人民共和国民法典》第一千零四十六条、第一千零四十九条；《婚姻登记条例》第四条、第五条、第七条",
        "conditions": "男女双方完全自愿；男年满二十二周岁、女年满二十周岁；双方均无配偶；双方不属于直系血亲或者三代以内的旁系血亲。"
        "双方须亲自到婚姻登记机关共同申请。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "online": False,
        "mobile": True,
        "fee_note": "不收费",
        "result_kind": "certificate",
        "result_name": "结婚证",
        "result_certificate_type": "marriage",
        "form": _form(
            PERSON,
            {
                "spouse_name": _text("对方姓名", 64),
                "spouse_id_number": _text("对方公民身份号码", 18),
                "registration_date": _date("预约登记日期"),
            },
            ("spouse_name", "spouse_id_number"),
        ),
        "materials": _materials(
            ("双方居民身份证", "required", "id_card", "已有电子证照的免提交"),
            ("双方居民户口簿", "optional", "household_register", "全国通办试点地区可不提交"),
            ("双方近期半身免冠合影照片 2 张", "required", None, "可在登记处现场拍摄"),
        ),
    },
    {
        "basic_code": "000109002000",
        "suffix": "MZJ",
        "level": "district",
        "name": "内地居民离婚登记",
        "item_type": "confirmation",
        "audience": "person",
        "life_events": ["marriage"],
        "keywords": "离婚 协议离婚 离婚证 离婚冷静期",
        "legal_basis": "《中华人民共和国民法典》第一千零七十六条、第一千零七十七条（离婚冷静期）；《婚姻登记条例》第十条",
        "conditions": "夫妻双方自愿离婚，签订书面离婚协议，对子女抚养、财产以及债务处理等事项协商一致；"
        "自婚姻登记机关收到申请之日起三十日内任何一方可撤回申请，期满后三十日内双方亲自领取离婚证。",
        "legal_time_limit": 30,
        "promised_time_limit": 30,
        "online": False,
        "result_kind": "proof",
        "result_name": "离婚证",
        "form": _form(PERSON, {"spouse_name": _text("对方姓名", 64)}, ("spouse_name",)),
        "materials": _materials(
            ("双方居民身份证", "required", "id_card", "已有电子证照的免提交"),
            ("结婚证", "required", "marriage", "已有电子证照的免提交"),
            ("双方共同签署的离婚协议书",),
        ),
    },
    {
        "basic_code": "000109010000",
        "suffix": "MZJ",
        "level": "district",
        "name": "最低生活保障审核确认",
        "item_type": "benefit",
        "audience": "person",
        "life_events": ["social_security"],
        "keywords": "低保 困难补助 救助 生活困难",
        "legal_basis": "《社会救助暂行办法》第九条至第十二条；《浙江省社会救助条例》",
        "conditions": "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合当地最低生活保障家庭财产状况规定的家庭。",
        "legal_time_limit": 30,
        "promised_time_limit": 15,
        "mobile": True,
        "result_kind": "none",
        "result_name": "按月发放最低生活保障金",
        "form": _form(
            PERSON,
            {
                "household_size": {"type": "integer", "title": "共同生活家庭成员人数", "minimum": 1},
                "monthly_income": {"type": "number", "title": "家庭月收入（元）", "minimum": 0},
                "consent_check": {"type": "boolean", "title": "同意核对家庭经济状况"},
            },
            ("household_size", "consent_check"),
        ),
        "materials": _materials(ID_CARD, HOUSEHOLD, ("家庭经济状况核对授权书",)),
    },
    {
        "basic_code": "000109020000",
        "suffix": "MZJ",
        "level": "district",
        "name": "高龄津贴申领",
        "item_type": "benefit",
        "audience": "person",
        "life_events": ["retirement"],
        "keywords": "高龄补贴 老年补贴 高龄津贴 八十岁补贴",
        "legal_basis": "《中华人民共和国老年人权益保障法》第三十三条；《浙江省实施〈中华人民共和国老年人权益保障法〉办法》",
        "conditions": "具有本区户籍、年满 80 周岁的老年人。",
        "legal_time_limit": None,
        "promised_time_limit": 10,
        "mobile": True,
        "result_kind": "none",
        "result_name": "按月发放高龄津贴",
        "form": _form(PERSON, {"bank_account": _text("银行账号", 32)}),
        "materials": _materials(ID_CARD),
    },
    # 税务
    {
        "basic_code": "000114001000",
        "suffix": "SWJ",
        "level": "district",
        "name": "个人所得税综合所得年度汇算",
        "item_type": "other",
        "audience": "person",
        "life_events": ["tax", "employment"],
        "keywords": "个税汇算 退税 个税退税 年度汇算 补税",
        "legal_basis": "《中华人民共和国个人所得税法》第十一条；《中华人民共和国个人所得税法实施条例》第二十五条",
        "conditions": "取得综合所得且需要补税或者申请退税的居民个人，在取得所得的次年 3 月 1 日至 6 月 30 日内办理。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "window": True,
        "mobile": True,
        "result_kind": "none",
        "result_name": "退（补）税",
        "form": _form(
            PERSON,
            {
                "tax_year": {"type": "integer", "title": "所得年度", "minimum": 2019, "maximum": 2100},
                "bank_account": _text("退税银行账号", 32),
            },
            ("tax_year",),
        ),
        "materials": _materials(ID_CARD),
    },
    {
        "basic_code": "000114010000",
        "suffix": "SWJ",
        "level": "district",
        "name": "新办纳税人涉税事项",
        "item_type": "other",
        "audience": "enterprise",
        "life_events": ["business_start", "tax"],
        "keywords": "税务登记 领发票 开票 新办企业报税 税务报到",
        "legal_basis": "《中华人民共和国税收征收管理法》第十五条；《中华人民共和国发票管理办法》第十五条",
        "conditions": "新设立登记的纳税人，首次办理涉税事项（信息确认、发票票种核定和领用、财务会计制度备案等）。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "mobile": True,
        "fee_note": "不收费",
        "result_kind": "proof",
        "result_name": "税务事项通知书",
        "form": _form(
            ENTITY,
            {
                "invoice_needed": {"type": "boolean", "title": "是否申领发票"},
                "accounting_system": _choice("适用会计制度", "企业会计准则", "小企业会计准则", "其他"),
            },
        ),
        "materials": _materials(
            LICENCE, ("法定代表人、财务负责人、办税人员身份证件", "required", "id_card", "已有电子证照的免提交")
        ),
    },
    # 开办企业: the parts that other departments do once the company is registered (开办企业一件事)
    {
        "basic_code": "000105031000",
        "suffix": "GAJ",
        "level": "district",
        "name": "公章刻制备案",
        "item_type": "other",
        "audience": "enterprise",
        "life_events": ["business_start"],
        "keywords": "刻章 刻公章 公章 财务章 发票章 印章备案 开办企业",
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第37项；"
        "《国务院关于第六批取消和调整行政审批项目的决定》（国发〔2012〕52号）",
        "conditions": "依法设立的企业、个体工商户等单位首次刻制印章，由取得公章刻制业特种行业许可证的刻章企业刻制，"
        "并由刻章企业向公安机关备案印章式样；新开办企业的首套印章费用由政府承担。",
        "legal_time_limit": 1,
        "promised_time_limit": 0,
        "mobile": True,
        "fee_note": "新开办企业首套印章免费",
        "result_kind": "proof",
        "result_name": "印章备案回执",
        "form": _form(
            ENTITY,
            {
                "seal_set": _choice(
                    "印章种类",
                    "法定名称章、财务专用章、发票专用章、合同专用章（首套）",
                    "法定名称章、财务专用章、发票专用章",
                    "法定名称章",
                ),
                "engraver": _choice("刻章企业", "就近刻章企业（由系统派单）", "自选刻章企业"),
            },
            ("seal_set", "engraver"),
        ),
        "materials": _materials(
            LICENCE_LATE, ("法定代表人居民身份证", "required", "id_card", "公安机关核发；已有电子证照的免提交")
        ),
    },
    {
        "basic_code": "000112060000",
        "suffix": "RSJ",
        "level": "district",
        "name": "单位参保登记",
        "item_type": "public_service",
        "audience": "enterprise",
        "life_events": ["business_start", "social_security"],
        "keywords": "社保开户 社保登记 单位社保 员工参保 五险 开办企业",
        "legal_basis": "《中华人民共和国社会保险法》第五十七条；《社会保险费征缴暂行条例》第七条",
        "conditions": "用人单位应当自成立之日起三十日内，凭营业执照、登记证书或者单位印章，"
        "向当地社会保险经办机构申请办理社会保险登记。",
        "legal_time_limit": 15,
        "promised_time_limit": 1,
        "mobile": True,
        "fee_note": "不收费",
        "result_kind": "proof",
        "result_name": "社会保险登记信息（单位社保编号）",
        "form": _form(
            ENTITY,
            {
                "employee_count": {"type": "integer", "title": "参保职工人数", "minimum": 0, "maximum": 100000},
                "insurance_types": _choice(
                    "参保险种",
                    "养老、医疗、失业、工伤、生育保险",
                    "养老、医疗、失业、工伤保险",
                ),
            },
            ("employee_count", "insurance_types"),
        ),
        "materials": _materials(LICENCE_LATE),
    },
    {
        "basic_code": "000130001000",
        "suffix": "GJJ",
        "level": "district",
        "name": "住房公积金单位缴存登记",
        "item_type": "public_service",
        "audience": "enterprise",
        "life_events": ["business_start", "social_security"],
        "keywords": "公积金开户 公积金登记 单位公积金 开办企业",
        "legal_basis": "《住房公积金管理条例》第十四条、第十五条",
        "conditions": "新设立的单位应当自设立之日起三十日内到住房公积金管理中心办理住房公积金缴存登记，"
        "并自登记之日起二十日内为本单位职工办理住房公积金账户设立手续；单位和职工缴存比例均不低于 5%、不高于 12%。",
        "legal_time_limit": 5,
        "promised_time_limit": 1,
        "mobile": True,
        "fee_note": "不收费",
        "result_kind": "proof",
        "result_name": "住房公积金单位登记信息（单位公积金账号）",
        "form": _form(
            ENTITY,
            {
                "employee_count": {"type": "integer", "title": "参保职工人数", "minimum": 0, "maximum": 100000},
                "deposit_rate": {"type": "number", "title": "缴存比例（%）", "minimum": 5, "maximum": 12},
            },
            ("employee_count", "deposit_rate"),
        ),
        "materials": _materials(LICENCE_LATE),
    },
    # 教育 (入学)
    {
        "basic_code": "000108001000",
        "suffix": "JYJ",
        "level": "district",
        "name": "义务教育阶段新生入学报名",
        "item_type": "public_service",
        "audience": "person",
        "life_events": ["school"],
        "keywords": "小学报名 初中报名 上学 入学报名 学区 随迁子女入学",
        "legal_basis": "《中华人民共和国义务教育法》第十二条；《杭州市义务教育阶段学校招生入学工作实施意见》",
        "conditions": "年满六周岁的适龄儿童（小学）或者小学毕业生（初中），按户籍和居住地学区报名；"
        "随迁子女须父母一方持有本市有效居住证。",
        "legal_time_limit": None,
        "promised_time_limit": 0,
        "window": False,
        "mobile": True,
        "result_kind": "proof",
        "result_name": "入学通知",
        "form": _form(
            PERSON,
            {
                "child_name": _text("儿童姓名", 64),
                "child_id_number": _text("儿童公民身份号码", 18),
                "school_stage": _choice("报名学段", "小学一年级", "初中一年级"),
                "residence_address": _text("现居住地址"),
            },
            ("child_name", "child_id_number", "school_stage"),
        ),
        "materials": _materials(
            HOUSEHOLD, ("房屋产权证明或者租赁合同",), ("父母居住证", "optional", None, "随迁子女提供")
        ),
    },
]


def _department(suffix: str, division: Division, city: Division) -> Department:
    """The demo department of this kind in ``division``, created (as the demo seed would) when missing."""
    code = f"{division.code}-{suffix}"
    department = Department.objects.filter(code=code).first()
    if department is None:
        kind, city_name, county_name = _DEPARTMENTS[suffix]
        template = city_name if division.pk == city.pk else county_name
        department = Department.objects.create(
            code=code, name=template.format(city=city.name, county=division.name), kind=kind, division=division
        )
    return department


# --- 秒批: items whose decision is a comparison of data against rules -------------------------------------------


def _rules(rule_id: str, title: str, *conditions: str) -> str:
    body = "\n".join(f"    - {c}" for c in conditions)
    return f"id: {rule_id}\ntitle: {title}\nrules:\n  all:\n{body}\n"


_ALIVE = '{id: alive, fact: person_is_deceased, op: is_false, clause: "《中华人民共和国户口登记条例》第八条"}'
_ADULT = '{id: adult, fact: person_birth_date, op: le, value: {years_ago: 16}, clause: "《居住证暂行条例》第二条"}'
_ACTIVE = (
    '{id: active, fact: entity_status, op: eq, value: "active", clause: "《中华人民共和国市场主体登记管理条例》第三条"}'
)
_CREDIT = (
    '{id: credit, fact: credit_risk_class, op: in, value: ["A", "B", "C"], '
    'clause: "《浙江省公共信用信息管理条例》第二十六条"}'
)

#: item name → auto-approval rules (the shared rule language; each condition cites its clause)
DEMO_APPROVAL_RULES: dict[str, str] = {
    "居住证签发": _rules("approval.residence-permit", "居住证签发（秒批）", _ALIVE, _ADULT),
    "就业创业证申领": _rules(
        "approval.employment-card",
        "就业创业证申领（秒批）",
        _ALIVE,
        '{id: working_age, fact: person_birth_date, op: le, value: {years_ago: 16}, clause: "《就业服务与就业管理规定》第六十一条"}',
    ),
    "高龄津贴申领": _rules(
        "approval.old-age-allowance",
        "高龄津贴申领（秒批）",
        _ALIVE,
        '{id: aged_80, fact: person_birth_date, op: le, value: {years_ago: 80}, clause: "《浙江省老年人权益保障条例》第二十九条"}',
    ),
    "城乡居民基本养老保险待遇申领": _rules(
        "approval.resident-pension",
        "城乡居民基本养老保险待遇申领（秒批）",
        _ALIVE,
        '{id: aged_60, fact: person_birth_date, op: le, value: {years_ago: 60}, clause: "《国务院关于建立统一的城乡居民基本养老保险制度的意见》第六条"}',
    ),
    "居民身份证申领、换领": _rules("approval.id-card", "居民身份证换领（秒批）", _ALIVE, _ADULT),
    "生育登记": _rules("approval.birth-registration", "生育登记（秒批）", _ALIVE, _ADULT),
    "新办纳税人涉税事项": _rules("approval.new-taxpayer", "新办纳税人涉税事项（秒批）", _ACTIVE, _CREDIT),
    "企业注销登记": _rules(
        "approval.deregistration",
        "企业简易注销（秒批）",
        _ACTIVE,
        '{id: good_credit, fact: credit_risk_class, op: in, value: ["A", "B"], clause: "《中华人民共和国市场主体登记管理条例》第三十三条"}',
    ),
}


def demo_catalog_document(city_code: str = "330100", districts: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The demo catalogue as a catalogue document (the departments it names are created when missing).

    District-level items go to ``districts``: by default 西湖区 and 上城区 for 杭州市, the first two counties elsewhere.
    """
    city = Division.objects.get(code=city_code)
    counties = Division.objects.filter(parent=city, level=Division.Level.COUNTY).order_by("code")
    if districts is None:
        districts = DEMO_DISTRICTS if city_code == "330100" else tuple(counties.values_list("code", flat=True)[:2])
    district_divisions = list(Division.objects.filter(code__in=districts).order_by("code"))
    items = []
    for spec in DEMO_ITEMS:
        places = [city] if spec["level"] == "city" else district_divisions
        for division in places:
            department = _department(spec["suffix"], division, city)
            entry = {k: v for k, v in spec.items() if k not in {"suffix", "level", "form"}}
            entry.update(
                item_code=f"{spec['basic_code']}-{department.code}",
                department=department.code,
                division=division.code,
                form_schema=spec["form"],
                approval_rules=DEMO_APPROVAL_RULES.get(spec["name"], ""),
                contact_phone=spec.get("contact_phone", HOTLINE),
                status="published",
            )
            items.append(entry)
    return {"format": 1, "items": items}


@transaction.atomic
def ensure_demo_catalog(city_code: str = "330100", districts: tuple[str, ...] | None = None) -> ImportReport:
    """Create or update the demo catalogue, published and searchable (idempotent)."""
    if not Division.objects.filter(code=city_code).exists():
        load_divisions(province_prefixes=[city_code[:2]])
    load_elements()
    ensure_default_certificate_types()
    return import_document(demo_catalog_document(city_code, districts), source="demo")
