"""Benchmark: a 双随机 draw over 1,000,000 firms and 20,000 officers (budget ≤ 1 s on 2 cores), verification ≤ 2 s.

Measured in one run: the floor (the strata scans and the random words every draw needs); the draw with
``regulation.draw`` (numpy strata, Fisher–Yates picks, recusal by relation keys, joint merging); the same draw as a
naive per-firm loop (a Python pass over every firm per task and class, and recusal by comparing the firm with every
officer of the pool), which must reach the same list; and the standalone ``tools/verify_draw.py`` re-running the
draw from the published files (parsing included). The last line is JSON.

    python benchmarks/inspection_draw.py [--firms 1000000] [--officers 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from yiwang.regulation import draw as engine  # noqa: E402

DEPARTMENTS = ("330106-SCJGJ", "330106-WJW", "330106-ZJJ", "330106-SWJ")
RATIOS = {"A": 100, "B": 300, "C": 2000, "D": 10000}  # Henan 2021-like: 1%, 3%, 20%, 100%


def synthesise(firms: int, officers: int, seed: int = 7) -> tuple[str, str, str]:
    rng = np.random.default_rng(seed)
    tasks = [
        {
            "department": d,
            "items": [{"code": f"{d}-{k}", "kind": "general"} for k in range(3)],
            "kind": "general",
            "ratios_bp": RATIOS,
            "industries": ["1", "2"] if d.endswith("WJW") else [],
        }
        for d in DEPARTMENTS
    ]
    plan = engine.canonical_json({"algorithm": engine.ALGORITHM, "tasks": tasks, "max_visits_per_officer": 0})
    classes = rng.choice(np.array(list("ABCD")), size=firms, p=[0.65, 0.25, 0.08, 0.02])
    excluded = rng.random(firms) < 0.03
    industry = rng.integers(10, 99, size=firms)
    address = rng.integers(0, firms // 3, size=firms)  # about three firms per address: 一址多照
    person = rng.integers(0, firms * 2, size=firms)
    target_lines = [
        f"F{i:08d}\t{classes[i]}\t{int(excluded[i])}\t{industry[i]}\ta{address[i]},p{person[i]}\n" for i in range(firms)
    ]
    officer_lines = []
    for o in range(officers):
        d = DEPARTMENTS[o % len(DEPARTMENTS)]
        items = ",".join(f"{d}-{k}" for k in sorted(random.Random(o).sample(range(3), 2)))
        keys = f"a{random.Random(-o).randrange(firms // 3)},p{random.Random(o * 7).randrange(firms * 2)}"
        officer_lines.append((f"O{o:06d}", f"O{o:06d}\t{d}\t{items}\t{keys}\n"))
    officer_lines.sort()
    return plan, "".join(target_lines), "".join(line for _code, line in officer_lines)


def naive_draw(data: engine.DrawInput, seed: str) -> engine.DrawResult:
    """The same algorithm written per firm: a Python pass over every firm per task and class, pairwise recusal."""
    stream = engine.RandomStream(seed)
    tasks = data.plan["tasks"]
    drawn: dict[int, list[int]] = {}
    counts = []
    classes = data.classes.tolist()
    excluded = data.excluded.tolist()
    industries = [data.industries[i] for i in data.industry_ids.tolist()]
    for t, task in enumerate(tasks):
        prefixes = tuple(task["industries"])
        task_counts = {}
        for c, klass in enumerate(engine.CLASSES):
            pool = [
                i
                for i in range(len(classes))
                if classes[i] == c and not excluded[i] and (not prefixes or industries[i].startswith(prefixes))
            ]
            n = (len(pool) * task["ratios_bp"][klass] + 9999) // 10000
            for k in range(n):
                j = k + stream.below(len(pool) - k)
                pool[k], pool[j] = pool[j], pool[k]
            for i in pool[:n]:
                drawn.setdefault(i, []).append(t)
            task_counts[klass] = [len(pool), n]
        counts.append(task_counts)
    pools: dict[str, list[int]] = {}
    for o, d in enumerate(data.officer_departments):
        pools.setdefault(d, []).append(o)
    visits = []
    for target in sorted(drawn):
        target_keys = set(data.target_keys[target].split(","))
        related = {o for o in range(len(data.officer_codes)) if target_keys & set(data.officer_keys[o])}
        by_department: dict[str, list[int]] = {}
        for t in drawn[target]:
            by_department.setdefault(tasks[t]["department"], []).append(t)
        chosen: list[int] = []
        parts, problems = [], []
        for d in sorted(by_department):
            items = sorted({it["code"] for t in by_department[d] for it in tasks[t]["items"]})
            parts.append({"department": d, "items": items, "tasks": by_department[d]})
            pool, needed = pools[d], set(items)
            start = stream.below(len(pool))
            for k in range(len(pool)):
                o = pool[(start + k) % len(pool)]
                if not needed:
                    break
                covers = data.officer_items[o] & needed
                if covers and o not in related and o not in chosen:
                    chosen.append(o)
                    needed -= covers
            problems.extend(f"{d}:{code}" for code in sorted(needed))
        first = pools[min(by_department)]
        start = stream.below(len(first))  # drawn for every visit (yiwang-draw/2)
        if len(chosen) < 2:
            for k in range(len(first)):
                if len(chosen) >= 2:
                    break
                o = first[(start + k) % len(first)]
                if o not in related and o not in chosen:
                    chosen.append(o)
        if len(chosen) < 2:
            problems.append("officers<2")
        visits.append(
            {
                "target": data.target_codes[target],
                "parts": parts,
                "officers": [data.officer_codes[o] for o in chosen],
                "unstaffed": problems,
            }
        )
    return engine.DrawResult(visits=visits, counts=counts)


def floor_draw(data: engine.DrawInput, seed: str, words: int) -> float:
    """What no draw can skip: one pass over the strata columns per task and the random words it consumes."""
    t0 = time.perf_counter()
    for _task in data.plan["tasks"]:
        mask = ~data.excluded
        for c in range(len(engine.CLASSES)):
            np.flatnonzero(mask & (data.classes == c))
    engine.RandomStream(seed).belows([1 << 20] * words)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--officers", type=int, default=20_000)
    parser.add_argument("--naive-firms", type=int, default=100_000, help="the naive loop runs on this prefix")
    args = parser.parse_args()

    plan, targets, officers = synthesise(args.firms, args.officers)
    commitment = engine.commitment_of(plan, targets, officers)
    randomness = "9 18 26 34 41 45"
    seed = engine.seed_of(commitment, engine.canonical_randomness("lottery", randomness))
    t0 = time.perf_counter()
    data = engine.DrawInput.from_files(plan, targets, officers)
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = engine.run_draw(data, seed)
    draw_s = time.perf_counter() - t0
    joint = sum(1 for v in result.visits if len(v["parts"]) > 1)
    words = sum(n for task in result.counts for _m, n in task.values()) + sum(
        len(v["parts"]) + 1 for v in result.visits
    )
    floor_s = floor_draw(data, seed, words)

    # Naive loop on a prefix of the rosters (its pairwise recusal is quadratic), then scaled linearly: a lower bound.
    small_targets = "".join(targets.splitlines(keepends=True)[: args.naive_firms])
    small = engine.DrawInput.from_files(plan, small_targets, officers)
    t0 = time.perf_counter()
    naive = naive_draw(small, seed)
    naive_s = (time.perf_counter() - t0) * args.firms / args.naive_firms
    assert naive == engine.run_draw(small, seed), "the naive loop and the engine disagree"

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / "plan.json").write_text(plan, encoding="utf-8")
        (out / "targets.tsv").write_text(targets, encoding="utf-8")
        (out / "officers.tsv").write_text(officers, encoding="utf-8")
        source = {"commitment": commitment, "source": "lottery", "reference": "bench", "value": randomness}
        (out / "randomness.json").write_text(engine.canonical_json(source), encoding="utf-8")
        (out / "result.json").write_text(result.canonical(commitment, seed), encoding="utf-8")
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "verify_draw.py"), folder],
            capture_output=True,
            text=True,
            check=False,
        )
        verify_s = time.perf_counter() - t0
    verified = proc.returncode == 0

    print(f"firms {args.firms:,}  officers {args.officers:,}  tasks {len(DEPARTMENTS)}")
    unstaffed = sum(1 for v in result.visits if v["unstaffed"])
    print(f"visits {len(result.visits):,}  joint visits {joint:,}  unstaffed {unstaffed}")
    print(f"parse files (not in the budget)      {parse_s:7.3f} s")
    print(f"draw, regulation.draw                {draw_s:7.3f} s   budget 1 s")
    print(f"draw, naive per-firm loop (scaled)   {naive_s:7.3f} s   ({naive_s / draw_s:.0f}x)")
    print(f"floor: strata scans + {words:,} random words {floor_s:7.3f} s")
    print(f"verify, tools/verify_draw.py         {verify_s:7.3f} s   budget 2 s   {proc.stdout.strip()}")
    print(
        json.dumps(
            {
                "benchmark": "inspection_draw",
                "firms": args.firms,
                "officers": args.officers,
                "visits": len(result.visits),
                "joint_visits": joint,
                "draw_s": round(draw_s, 4),
                "naive_s": round(naive_s, 4),
                "floor_s": round(floor_s, 4),
                "verify_s": round(verify_s, 4),
                "verified": verified,
                "within_budget": draw_s <= 1.0 and verify_s <= 2.0 and verified,
            }
        )
    )


if __name__ == "__main__":
    main()
