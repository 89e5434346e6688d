"""Benchmark: Chinese search of the service catalogue (budget: 10,000 items, p95 ≤ 50 ms).

    python benchmarks/service_search.py [--items 10000] [--queries 300] [--database-url URL]

Builds ``--items`` published items on a fresh database (SQLite in a temporary directory; with ``--database-url``, a
temporary database created on that PostgreSQL server and dropped afterwards): the demo catalogue's real items
spread over every district of the demo city with their variants (变更、延续、注销 …), plus generated items named
from a vocabulary of government services. Then it runs ``--queries`` realistic queries (everyday words, official
names, with and without filters) through ``catalog.search.search_items`` and, as the baseline in the same run, through
the naive scan ``name__icontains OR conditions__icontains``. The last line is machine-readable:
``items=<n> p50_ms=<ms> p95_ms=<ms> naive_p95_ms=<ms> ratio=<naive_p95/p95> vendor=<db>``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

QUERIES = [
    "食品经营许可", "食品许可", "开饭店", "开公司", "注册公司", "营业执照", "个体户", "结婚登记", "结婚", "离婚",
    "办退休", "养老金", "失业金", "失业保险金申领", "社保转移", "居住证", "身份证", "换身份证", "新生儿落户",
    "出生证明",
    "宝宝上户口", "户口迁移", "施工许可", "竣工验收", "预售证", "低保", "高龄津贴", "个税汇算", "退税", "领发票",
    "小学报名", "入学", "卫生许可", "开美容店", "医师执业注册", "职业资格证书", "就业创业证", "生育登记", "注销公司",
    "药品经营许可", "道路运输许可", "排污许可", "消防验收", "燃气经营许可", "公共场所", "食品经营许可证变更",
]  # fmt: skip
OBJECTS = [
    "药品经营", "医疗器械经营", "道路运输经营", "出租汽车经营", "排污", "取水", "燃气经营", "烟草专卖零售", "娱乐场所",
    "网吧", "旅行社", "民办学校", "幼儿园", "养老机构", "殡葬服务", "广告发布", "印刷经营", "出版物零售", "电影放映",
    "特种设备", "危险化学品经营", "消防设计审查", "人防工程", "城市道路占用", "户外广告设置", "建筑垃圾处置",
    "林木采伐", "动物防疫条件", "兽药经营", "农药经营", "种子生产经营", "渔业捕捞", "水路运输", "港口经营",
    "律师执业", "公证员执业", "司法鉴定", "社会团体", "民办非企业单位", "宗教活动场所", "文物保护", "互联网上网服务",
    "计量器具", "认证机构", "检验检测机构", "电力业务", "供水", "供热", "物业服务", "房地产经纪",
]  # fmt: skip
ACTIONS = ["许可", "许可证核发", "许可变更", "许可延续", "许可注销", "备案", "登记", "审批", "资格认定", "证补办"]
VARIANTS = ["", "（变更）", "（延续）", "（注销）", "（补证）", "（首次申请）", "（告知承诺制）"]


def _setup(args: argparse.Namespace) -> str:
    """Point Django at a fresh database and migrate it; return the temporary PostgreSQL database to drop, if any."""
    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    os.environ["YIWANG_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.settings"
    temp_db = ""
    if args.database_url:
        import psycopg

        temp_db = f"yiwang_bench_search_{os.getpid()}"
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{temp_db}"')
        parts = urlsplit(args.database_url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{temp_db}"))
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    return temp_db


def _drop(database_url: str, temp_db: str) -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{temp_db}"')


def _build(n_items: int, rng: random.Random) -> int:
    from decimal import Decimal

    from django.db import connection, transaction

    from yiwang.accounts.models import Department, Division
    from yiwang.catalog.models import ItemStatus, LifeEvent, ServiceItem, life_events_key
    from yiwang.catalog.search import rebuild_index
    from yiwang.demo.catalog import DEMO_ITEMS, ensure_demo_catalog
    from yiwang.demo.seeding import ensure_departments

    ensure_demo_catalog()  # loads divisions, elements, certificate types; 50-odd real items
    ensure_departments("330100")
    counties = list(Division.objects.filter(parent_id="330100").order_by("code"))
    departments: dict[tuple[str, str], Department] = {
        (d.division_id, d.code.rsplit("-", 1)[1]): d for d in Department.objects.filter(division__in=counties)
    }
    existing = ServiceItem.objects.count()
    items = []
    for i in range(n_items - existing):
        county = counties[i % len(counties)]
        if i % 3 == 0:
            spec = DEMO_ITEMS[(i // 3) % len(DEMO_ITEMS)]
            suffix = spec["suffix"] if (county.code, spec["suffix"]) in departments else "SCJGJ"
            name = spec["name"] + rng.choice(VARIANTS)
            values = {
                k: spec[k] for k in ("item_type", "audience", "life_events", "keywords", "legal_basis", "conditions")
            }
        else:
            suffix = rng.choice(["SCJGJ", "ZJJ", "WJW", "MZJ", "GAJ", "RSJ"])
            name = rng.choice(OBJECTS) + rng.choice(ACTIONS) + rng.choice(VARIANTS)
            values = {
                "item_type": "licensing",
                "audience": rng.choice(["person", "enterprise", "both"]),
                "life_events": rng.sample(LifeEvent.values, 2),
                "keywords": "",
                "legal_basis": "《中华人民共和国行政许可法》第十二条",
                "conditions": f"申请{name}，应当具备法律、法规规定的条件，材料齐全，符合法定形式。",
            }
        department = departments[(county.code, suffix)]
        items.append(
            ServiceItem(
                item_code=f"B{i:08d}-{department.code}",
                basic_code=f"B{i:08d}",
                name=name,
                department=department,
                division=county,
                promised_time_limit=5,
                legal_time_limit=20,
                fee_amount=Decimal("0"),
                result_kind="approval",
                status=ItemStatus.PUBLISHED,
                version=1,
                life_events_key=life_events_key(values["life_events"]),  # bulk_create skips save()
                **values,
            )
        )
    with transaction.atomic():
        ServiceItem.objects.bulk_create(items, batch_size=2000)
        indexed = rebuild_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # a live database has statistics; a freshly filled one needs them gathered
    return indexed


def _cases(n_queries: int, rng: random.Random) -> list[dict]:
    from yiwang.catalog.models import LifeEvent

    cases = []
    for i in range(n_queries):
        case: dict = {"query": QUERIES[i % len(QUERIES)]}
        roll = rng.random()
        if roll < 0.25:
            case["division"] = rng.choice(["330106", "330102", "330108", "330110"])
        elif roll < 0.4:
            case["audience"] = rng.choice(["person", "enterprise"])
        elif roll < 0.5:
            case["life_event"] = rng.choice(LifeEvent.values)
        cases.append(case)
    return cases


def _timed(function, cases: list[dict]) -> list[float]:
    timings = []
    for case in cases:
        started = time.perf_counter()
        function(**case)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _naive(query: str, division: str | None = None, audience: str | None = None, life_event: str | None = None):
    from django.db.models import Q

    from yiwang.catalog.models import ServiceItem

    qs = ServiceItem.objects.filter(status="published").filter(
        Q(name__icontains=query) | Q(conditions__icontains=query)
    )
    if division:
        qs = qs.filter(division_id=division)
    if audience:
        qs = qs.filter(audience__in=[audience, "both"])
    if life_event:
        qs = qs.filter(life_events_key__contains=f"|{life_event}|")
    return list(qs.select_related("department", "division")[:20])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(2026)
    temp_db = _setup(args)
    try:
        from django.db import connection

        from yiwang.catalog.search import search_items, tokenize

        started = time.perf_counter()
        indexed = _build(args.items, rng)
        print(f"built and indexed {indexed:,} items on {connection.vendor} in {time.perf_counter() - started:.1f} s")
        tokenize("预热")  # jieba loads its dictionary once per process: not part of a query
        cases = _cases(args.queries, rng)
        _timed(search_items, cases[:20])  # warm the caches of both ways alike
        _timed(_naive, cases[:20])
        ours = _timed(search_items, cases)
        naive = _timed(_naive, cases)
        top = search_items("开饭店")[0].name
        p50, p95, naive_p95 = _percentile(ours, 0.5), _percentile(ours, 0.95), _percentile(naive, 0.95)
        print(f"search_items: p50 {p50:.2f} ms, p95 {p95:.2f} ms, mean {statistics.mean(ours):.2f} ms")
        print(f"naive icontains scan: p50 {_percentile(naive, 0.5):.2f} ms, p95 {naive_p95:.2f} ms")
        slowest = sorted(zip(ours, cases, strict=True), key=lambda pair: -pair[0])[:5]
        print("slowest:", "; ".join(f"{ms:.1f} ms {case}" for ms, case in slowest))
        print(f"top hit for 开饭店: {top}; budget p95 ≤ 50 ms: {'met' if p95 <= 50 else 'MISSED'}")
        print(
            f"items={indexed} p50_ms={p50:.2f} p95_ms={p95:.2f} naive_p95_ms={naive_p95:.2f} "
            f"ratio={naive_p95 / p95:.2f} vendor={connection.vendor}"
        )
    finally:
        if temp_db:
            _drop(args.database_url, temp_db)


if __name__ == "__main__":
    main()
