"""Word lists and frequencies for the synthetic demo city. Data only; the generator draws from it.

Names come from Faker's ``zh_CN`` providers (surnames with their frequencies, given names by gender, company
brand words); addresses are *not* Faker's (its zh_CN addresses mix provinces and cities at random) but are built
from the real division names plus the synthetic road names below.
"""

from __future__ import annotations

import re

from faker.providers.company.zh_CN import Provider as _CompanyProvider
from faker.providers.person.zh_CN import Provider as _PersonProvider
from faker.providers.phone_number.zh_CN import Provider as _PhoneProvider

# --- people -----------------------------------------------------------------------------------------------------

#: Surname → relative frequency (Faker zh_CN, after the national surname statistics).
SURNAMES: dict[str, float] = dict(_PersonProvider.last_names)
#: Given names by gender (Faker zh_CN). '红霞' is a woman's name that Faker lists among men's.
GIVEN_NAMES_MALE: tuple[str, ...] = tuple(n for n in _PersonProvider.first_names_male if n != "红霞")
GIVEN_NAMES_FEMALE: tuple[str, ...] = tuple(_PersonProvider.first_names_female)
#: Mobile number prefixes of the three operators (Faker zh_CN).
MOBILE_PREFIXES: tuple[str, ...] = tuple(str(p) for p in _PhoneProvider.phonenumber_prefixes)

#: Share of men among the population (sex ratio about 105:100).
MALE_SHARE = 0.512

#: Age structure: (first age, last age, relative weight ≈ share in %), after the 2020 census
#: (第七次全国人口普查), national, in five-year bands; the last band is 90–95, the oldest age generated.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 4, 5.52), (5, 9, 6.43), (10, 14, 6.04), (15, 19, 5.28), (20, 24, 5.31), (25, 29, 6.56),
    (30, 34, 8.82), (35, 39, 6.98), (40, 44, 6.61), (45, 49, 8.26), (50, 54, 8.66), (55, 59, 7.22),
    (60, 64, 5.15), (65, 69, 5.54), (70, 74, 3.90), (75, 79, 2.42), (80, 84, 1.52), (85, 89, 0.86),
    (90, 95, 0.26),
)  # fmt: skip

#: Share born in the city itself (the rest were born in another county of China).
LOCAL_BIRTH_SHARE = 0.90
#: Of those born in the city, the share born in the county of their household registration.
SAME_COUNTY_SHARE = 0.80
#: People younger than this have no mobile number.
PHONE_MIN_AGE = 12

#: Ethnic groups (GB/T 3304 names) with shares in % for Zhejiang: mostly 汉族; 畲族 is the province's own
#: minority, the others are the largest groups among residents who moved in.
ETHNICITIES: dict[str, float] = {
    "汉族": 97.6, "土家族": 0.42, "苗族": 0.40, "畲族": 0.35, "布依族": 0.30, "侗族": 0.20, "彝族": 0.15,
    "回族": 0.15, "壮族": 0.15, "满族": 0.10, "蒙古族": 0.05, "朝鲜族": 0.05, "维吾尔族": 0.04, "藏族": 0.04,
}  # fmt: skip

# --- addresses ----------------------------------------------------------------------------------------------------

#: Synthetic road-name stems; every township gets a few of them (chosen by its code), so addresses repeat the
#: same streets within a township as real ones do.
ROAD_STEMS: tuple[str, ...] = (
    "文化", "建设", "人民", "解放", "和平", "幸福", "新华", "学院", "花园", "东方", "迎宾", "振兴", "青年", "工业",
    "长安", "平安", "兴业", "环城", "滨河", "望江", "湖光", "桂花", "梧桐", "银杏", "丹桂", "紫荆", "香樟", "翠柏",
    "凤起", "秋涛", "春晖", "明月", "云栖", "龙井", "金沙", "玉泉", "清泰", "庆丰", "兴隆", "康宁", "安吉", "永福",
    "长庆", "万安", "德胜", "宝石", "竹园", "荷花", "双桥", "三里", "五福", "七星", "九曲", "百花", "千岛", "锦绣",
    "前进", "胜利", "光明", "朝阳", "新民", "东园", "西溪", "南苑", "北山", "中兴", "文苑", "科创", "创新", "智慧",
)  # fmt: skip
ROAD_SUFFIXES: tuple[str, ...] = ("路", "路", "路", "街", "大道", "巷")
ROADS_PER_TOWNSHIP = 8

# --- enterprises --------------------------------------------------------------------------------------------------

#: Entity type (LegalEntity.EntityType value) → share in % of newly generated market entities.
ENTITY_TYPES: dict[str, float] = {
    "limited": 54.0, "individual": 38.0, "sole": 3.0, "partnership": 2.0, "joint_stock": 2.0, "cooperative": 1.0,
}  # fmt: skip
#: USCC entity-type code (position 2, registration authority 9 工商) of each entity type (GB 32100 Annex A).
USCC_TYPE_CODES: dict[str, str] = {
    "limited": "1", "joint_stock": "1", "sole": "1", "partnership": "1", "individual": "2", "cooperative": "3",
}  # fmt: skip

#: Target size mix (micro, small, medium, large) in % by entity type. The size itself is always computed from
#: headcount and revenue by the statistical rule (``sizes.classify_size``); this only sets what is drawn.
SIZE_MIX: dict[str, tuple[float, float, float, float]] = {
    "limited": (80.0, 15.5, 3.5, 1.0),
    "joint_stock": (25.0, 40.0, 25.0, 10.0),
    "sole": (92.0, 8.0, 0.0, 0.0),
    "partnership": (85.0, 13.0, 2.0, 0.0),
    "individual": (98.0, 2.0, 0.0, 0.0),
    "cooperative": (85.0, 15.0, 0.0, 0.0),
}

#: GB/T 4754 division → (weight for companies, words for the name). A mix for a large eastern city: trade,
#: software and business services lead; manufacturing is spread over many divisions.
COMPANY_INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "01": (0.5, ("农业科技", "生态农业", "农业开发")), "02": (0.2, ("林业", "苗木")),
    "03": (0.1, ("畜牧", "养殖")), "05": (0.2, ("农业服务",)),
    "13": (0.3, ("粮油", "食品")), "14": (0.3, ("食品",)), "15": (0.2, ("茶业", "饮品", "酒业")),
    "17": (1.0, ("纺织", "织造")), "18": (1.0, ("服饰", "服装")), "19": (0.3, ("鞋业", "皮革制品")),
    "20": (0.2, ("竹木制品", "木业")), "21": (0.4, ("家具", "家居")), "22": (0.3, ("纸业", "包装")),
    "23": (0.4, ("印务", "印刷")), "24": (0.4, ("文具", "工艺品", "体育用品")), "26": (0.6, ("化工", "新材料")),
    "27": (0.4, ("医药", "生物医药", "制药")), "29": (0.7, ("塑胶", "橡塑制品")), "30": (0.4, ("建材",)),
    "33": (1.0, ("五金", "金属制品")), "34": (1.5, ("机械", "通用设备", "动力设备")),
    "35": (1.2, ("智能装备", "专用设备", "医疗器械")), "36": (0.4, ("汽车零部件", "汽车配件")),
    "37": (0.2, ("航空科技", "船舶配件")), "38": (1.2, ("电气", "电器", "新能源科技")),
    "39": (1.2, ("电子科技", "通信技术", "智能科技")), "40": (0.6, ("仪器仪表", "测控技术")),
    "41": (0.2, ("日用制品",)), "42": (0.2, ("再生资源",)), "43": (0.2, ("设备维修",)),
    "44": (0.2, ("能源", "电力")), "45": (0.1, ("燃气",)), "46": (0.1, ("水务",)),
    "47": (2.0, ("建设", "建筑工程")), "48": (1.0, ("市政工程", "路桥工程")), "49": (1.0, ("机电安装",)),
    "50": (3.0, ("装饰工程", "建筑装饰")),
    "51": (16.0, ("贸易", "商贸", "进出口", "供应链管理")), "52": (6.0, ("商贸", "百货", "超市")),
    "54": (2.0, ("物流", "运输")), "58": (2.0, ("国际货运代理", "物流")), "59": (1.0, ("仓储服务",)),
    "61": (0.5, ("酒店管理",)), "62": (2.0, ("餐饮管理", "餐饮")),
    "64": (4.0, ("网络科技", "互联网科技")), "65": (9.0, ("信息技术", "软件", "数字科技", "网络科技")),
    "67": (1.0, ("投资管理", "资产管理")), "69": (0.5, ("金融信息服务",)),
    "70": (3.0, ("房地产开发", "置业", "物业管理")), "71": (1.0, ("设备租赁", "租赁")),
    "72": (12.0, ("企业管理", "商务咨询", "人力资源", "广告", "文化传媒", "会展服务")),
    "73": (1.0, ("生物科技", "科技")), "74": (4.0, ("检测技术", "工程设计", "工程咨询")),
    "75": (6.0, ("科技", "技术服务", "智能科技")), "77": (0.5, ("环保科技", "环境工程")),
    "78": (0.3, ("园林绿化", "市政设施管理")), "80": (2.0, ("家政服务", "保洁服务")),
    "81": (0.5, ("汽车维修", "家电维修")), "82": (1.0, ("美容服务", "健身服务")),
    "83": (1.0, ("教育科技", "培训")), "84": (0.5, ("医疗管理", "健康管理")), "86": (0.3, ("出版",)),
    "87": (0.7, ("影视", "文化传播")), "88": (1.0, ("文化艺术", "艺术")), "89": (0.5, ("体育发展",)),
    "90": (0.5, ("文化娱乐",)),
}  # fmt: skip
#: Share of partnerships that are investment funds (67 资本市场服务, "…投资合伙企业（有限合伙）").
PARTNERSHIP_FUND_SHARE = 0.5

#: 个体工商户: division → (weight, shop words).
SHOP_INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "52": (35.0, ("便利店", "超市", "服装店", "五金店", "水果店", "茶叶店")),
    "62": (25.0, ("小吃店", "面馆", "餐馆", "早餐店")),
    "80": (12.0, ("理发店", "洗衣店", "家政服务部")),
    "81": (8.0, ("汽车修理部", "手机维修部", "家电维修部")),
    "51": (8.0, ("商行", "批发部")),
    "72": (5.0, ("信息咨询服务部",)),
    "54": (4.0, ("货运部",)),
    "61": (3.0, ("民宿", "旅馆")),
}
#: 农民专业合作社: division → (weight, product words).
COOPERATIVE_INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "01": (60.0, ("茶叶", "蔬菜", "水果", "葡萄", "竹笋", "中药材", "粮油")),
    "02": (10.0, ("苗木", "毛竹")),
    "03": (15.0, ("生猪", "家禽", "蜂业")),
    "04": (10.0, ("水产",)),
    "05": (5.0, ("农机", "植保")),
}

#: Name suffix per entity type ({words} is the industry word).
NAME_SUFFIXES: dict[str, str] = {
    "limited": "有限公司",
    "joint_stock": "股份有限公司",
    "sole": "商行",
    "partnership": "合伙企业（有限合伙）",
}

#: Registered capital (万元) choices per entity type, and for companies per size.
CAPITAL_CHOICES: dict[str, tuple[float, ...]] = {
    "limited:micro": (3, 5, 10, 20, 30, 50, 100, 200, 300, 500),
    "limited:small": (50, 100, 200, 300, 500, 1000),
    "limited:medium": (500, 1000, 2000, 3000, 5000),
    "limited:large": (5000, 10000, 20000, 50000, 100000),
    "joint_stock": (1000, 2000, 3000, 5000, 8000, 10000, 36000),
    "sole": (1, 3, 5, 10, 20, 50, 100),
    "partnership": (10, 100, 500, 1000, 3000, 5000, 10000),
    "individual": (0.5, 1, 2, 3, 5, 10, 20, 50),
    "cooperative": (5, 10, 50, 100, 200, 500),
}

#: First founding year drawn; later years are more likely (the number of market entities grows ~13 % a year).
FIRST_FOUNDING_YEAR = 1993
FOUNDING_GROWTH = 1.13

#: Divisions whose firms can be high-tech (高新技术企业认定管理办法, 国家重点支持的高新技术领域): advanced
#: manufacturing, ICT, research and technical services.
TECH_DIVISIONS = frozenset(("26", "27", "34", "35", "36", "37", "38", "39", "40", "63", "64", "65", "73", "74", "75"))
MANUFACTURING_DIVISIONS = frozenset(f"{n:02d}" for n in range(13, 44))

TAG_HIGH_TECH = "高新技术企业"
TAG_SPECIALISED = "专精特新"
TAG_SMALL_MICRO = "小微企业"
TAG_TECH_SME = "科技型中小企业"

# Tag probabilities (not for individual businesses or cooperatives). Targets, for a city like Hangzhou, of the
# share among enterprises: 高新技术企业 about 3 %, 科技型中小企业 about 4 %, 专精特新 about 0.5 %;
# 小微企业 is derived, not drawn: every small or micro enterprise has it.
#: P(高新技术企业) by (tech division?, size ≥ small?); only firms at least one year old (认定 needs a year).
HIGH_TECH_P = {(True, True): 0.30, (True, False): 0.02, (False, True): 0.03, (False, False): 0.0005}
#: P(科技型中小企业) for SMEs: tech division, other; a high-tech SME is one with this probability.
TECH_SME_P = {True: 0.15, False: 0.005}
TECH_SME_P_IF_HIGH_TECH = 0.7
#: P(专精特新) for SMEs in manufacturing or software, by size; only firms at least two years old.
SPECIALISED_P = {"medium": 0.25, "small": 0.10, "micro": 0.005}

# --- brand names (字号) ------------------------------------------------------------------------------------------

_NOT_A_BRAND = re.compile(
    r"公司|电子|电脑|信息|软件|计算机|科技|数字|国际|济南|黄石|襄樊|南康|开发区|浙大|中建|联通|方正|太极|四通|七喜|网新|飞利信"
)
#: Brand words from Faker's zh_CN company prefixes: Chinese only, 2–4 characters, no place names, no industry
#: words and no well-known real brands.
FAKER_BRANDS: tuple[str, ...] = tuple(
    sorted(
        {
            p
            for p in _CompanyProvider.company_prefixes
            if 2 <= len(p) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in p) and not _NOT_A_BRAND.search(p)
        }
    )
)
#: Characters that 字号 are commonly made of; two of them make a brand.
BRAND_CHARACTERS = "鑫华恒瑞泰达信盛博新宏安康源通丰润宇嘉德昌和兴汇锦诚晟睿创联正金天海浩远明启卓越"
#: Share of brands taken from Faker (the rest are two brand characters).
FAKER_BRAND_SHARE = 0.3

#: Placeholder city names of the NBS table that are not part of an address.
PLACEHOLDER_CITY_NAMES = frozenset(("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"))
