"""Benchmark: the monthly risk scoring (graph + indicators + model + classes) of a city's or province's firms.

Budget (ARCHITECTURE.md, issue 11): 3,000,000 firms with 6,000,000 person roles ≤ 60 s and ≤ 4 GB on 2 cores; one
firm's explanation ≤ 50 ms. Measured in one run, on the same synthetic snapshot:

- ours: ``yiwang.risk.engine`` (numpy shared-identifier counts, groups by label propagation, the indicators as
  rules of the shared engine's bitmaps, the logistic model, classes), split into its phases;
- strong: a straightforward pandas implementation (groupby/merge for the graph counts, boolean column expressions
  for the indicators, the same model arithmetic), which must give the same scores;
- naive: per-firm Python (dicts for the counts, union-find for groups, the rule engine's one-entity ``explain`` for
  each firm), on ``--naive-firms`` firms (its own snapshot, compared with ours on that snapshot) and extrapolated;
- floor: the bytes of the input and output columns ÷ the memory bandwidth measured in the same run.

    python benchmarks/risk_scoring.py [--firms 1000000] [--naive-firms 20000]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from yiwang.risk import engine  # noqa: E402

AS_OF = date(2026, 11, 30)


def synthesise(n: int, seed: int = 11) -> engine.Snapshot:
    """A city of ``n`` firms: 2 roles per firm over n/1.5 persons, addresses mostly unique with planted clusters."""
    rng = np.random.default_rng(seed)
    persons = max(1, int(n / 1.5))
    reps = rng.integers(0, persons, size=n)
    second = rng.integers(0, persons, size=n)
    address = np.arange(n, dtype=np.int64)
    clustered = rng.random(n) < 0.02  # 2% registered at 1,000 shared addresses (集中登记)
    address[clustered] = rng.integers(0, max(1, n // 1000), size=int(clustered.sum()))
    return engine.Snapshot(
        entity_ids=np.arange(1, n + 1, dtype=np.int64),
        active=rng.random(n) < 0.97,
        registered_capital=rng.choice(
            [10.0, 50.0, 100.0, 500.0, 1000.0, 20000.0], size=n, p=[0.2, 0.3, 0.3, 0.1, 0.09, 0.01]
        ),
        tax_paid=np.where(rng.random(n) < 0.2, np.nan, rng.gamma(1.0, 8.0, size=n)),
        insured=np.where(rng.random(n) < 0.15, 0, rng.integers(1, 200, size=n)),
        founded_days=rng.integers(30, 9000, size=n),
        missed_reports_2y=rng.choice([0, 1, 2], size=n, p=[0.9, 0.06, 0.04]),
        penalties_3y=rng.choice([0, 1, 2, 3], size=n, p=[0.9, 0.07, 0.02, 0.01]),
        black_listed=rng.random(n) < 0.005,
        prior_bad=rng.random(n) < 0.03,
        rep_and_address_changed=rng.random(n) < 0.01,
        address_key=address,
        phone_key=rng.integers(0, persons, size=n),
        role_entity=np.concatenate([np.arange(n), np.arange(n)]),
        role_holder=np.concatenate([reps, second]),
        role_is_rep=np.concatenate([np.ones(n, dtype=bool), np.zeros(n, dtype=bool)]),
    )


def labels_of(snap: engine.Snapshot) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(0, snap.n, 20)  # 5% of firms inspected or verified, violations following penalties and reports
    y = ((snap.penalties_3y[rows] > 0) | (snap.missed_reports_2y[rows] == 2)).astype(np.int64)
    return rows, y


def ours(cfg: engine.Config, snap: engine.Snapshot) -> tuple[engine.ScoreResult, engine.ModelParams, dict[str, float]]:
    t = {}
    start = time.perf_counter()
    graph = engine.graph_features(snap)
    t["graph_s"] = time.perf_counter() - start
    clock = time.perf_counter()
    columns = engine.fact_columns(snap, graph)
    rows, y = labels_of(snap)
    params = engine.fit_model(cfg, columns, rows, y)
    t["train_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result = engine.score_columns(cfg, columns, graph, snap.black_listed, params, as_of=AS_OF)
    t["score_s"] = time.perf_counter() - clock
    t["total_s"] = time.perf_counter() - start
    return result, params, t


def pandas_baseline(cfg: engine.Config, snap: engine.Snapshot, params: engine.ModelParams) -> tuple[np.ndarray, float]:
    """The same scores with pandas: what a competent analyst writes first."""
    import pandas as pd

    start = time.perf_counter()
    firms = pd.DataFrame(
        {
            "row": np.arange(snap.n),
            "active": snap.active,
            "address": snap.address_key,
            "capital": snap.registered_capital,
            "tax": snap.tax_paid,
            "insured": snap.insured,
            "missed": snap.missed_reports_2y,
            "penalties": snap.penalties_3y,
            "changed": snap.rep_and_address_changed,
            "bad": snap.prior_bad,
            "black": snap.black_listed,
            "age": snap.founded_days // 365,
        }
    )
    firms["address_firm_count"] = firms.groupby("address")["active"].transform("sum")
    roles = pd.DataFrame({"row": snap.role_entity, "holder": snap.role_holder, "rep": snap.role_is_rep})
    pairs = roles[["holder", "row"]].drop_duplicates()
    pairs["n"] = pairs.groupby("holder")["row"].transform("size")
    pairs["bad"] = firms["bad"].to_numpy()[pairs["row"].to_numpy()]
    pairs["bad_n"] = pairs.groupby("holder")["bad"].transform("sum")
    firms["person_firm_count"] = pairs.groupby("row")["n"].max().reindex(firms["row"]).fillna(0).to_numpy()
    reps = roles[roles["rep"]].merge(pairs[["holder", "bad_n"]].drop_duplicates("holder"), on="holder")
    reps["other_bad"] = reps["bad_n"] - firms["bad"].to_numpy()[reps["row"].to_numpy()] > 0
    firms["rep_bad"] = reps.groupby("row")["other_bad"].any().reindex(firms["row"]).fillna(False).to_numpy()
    # groups: connected components by repeated min-label joins over firm–holder pairs
    label = pd.Series(np.arange(snap.n), index=np.arange(snap.n))
    while True:
        holder_min = pd.Series(label.to_numpy()[pairs["row"].to_numpy()]).groupby(pairs["holder"].to_numpy()).min()
        via = pd.Series(holder_min.reindex(pairs["holder"]).to_numpy()).groupby(pairs["row"].to_numpy()).min()
        new = np.minimum(label.to_numpy(), via.reindex(np.arange(snap.n)).fillna(snap.n).to_numpy().astype(np.int64))
        if np.array_equal(new, label.to_numpy()):
            break
        label = pd.Series(new, index=np.arange(snap.n))
    firms["group_size"] = label.map(label.value_counts()).to_numpy()
    has_tax = firms["tax"].fillna(0) > 0
    points = (
        (firms["address_firm_count"] >= 10) * 25
        + (firms["person_firm_count"] >= 10) * 15
        + ((firms["capital"] >= 10000) & ~has_tax & ~(firms["insured"] > 0)) * 25
        + (firms["missed"] >= 2) * 20
        + firms["rep_bad"] * 15
        + firms["changed"] * 10
        + (firms["penalties"] >= 2) * 15
    ).to_numpy()
    feature_cols = {
        "address_firm_count": "address_firm_count",
        "person_firm_count": "person_firm_count",
        "group_size": "group_size",
        "penalties_3y": "penalties",
        "missed_reports_2y": "missed",
        "age_years": "age",
    }
    logit = np.full(snap.n, params.intercept)
    for j, f in enumerate(params.features):
        z = (np.log1p(firms[feature_cols[f]].to_numpy(dtype=np.float64).clip(min=0)) - params.means[j]) / params.sds[j]
        logit += z * params.coefficients[j]
    p = 1 / (1 + np.exp(-logit))
    score = np.minimum(points + np.floor(p * int(cfg.model["points"]) + 0.5).astype(np.int64), 100)
    return score, time.perf_counter() - start


def naive(cfg: engine.Config, snap: engine.Snapshot, params: engine.ModelParams) -> tuple[np.ndarray, float]:
    """Per-firm Python: dictionaries, union-find, and the rule engine's one-entity path for every firm."""
    start = time.perf_counter()
    n = snap.n
    by_address: dict[int, int] = {}
    for i in range(n):
        if snap.active[i]:
            by_address[int(snap.address_key[i])] = by_address.get(int(snap.address_key[i]), 0) + 1
    firms_of: dict[int, set[int]] = {}
    holders_of: dict[int, list[int]] = {}
    reps_of: dict[int, list[int]] = {}
    for e, h, rep in zip(snap.role_entity.tolist(), snap.role_holder.tolist(), snap.role_is_rep.tolist(), strict=True):
        firms_of.setdefault(h, set()).add(e)
        holders_of.setdefault(e, []).append(h)
        if rep:
            reps_of.setdefault(e, []).append(h)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for firms in firms_of.values():
        first = next(iter(firms))
        for other in firms:
            a, b = find(first), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    sizes: dict[int, int] = {}
    roots = [find(i) for i in range(n)]
    for r in roots:
        sizes[r] = sizes.get(r, 0) + 1
    scores = np.zeros(n, dtype=np.int64)
    for i in range(n):
        person_count = max((len(firms_of[h]) for h in holders_of.get(i, [])), default=0)
        rep_bad = any(any(snap.prior_bad[f] for f in firms_of[h] if f != i) for h in reps_of.get(i, []))
        tax = snap.tax_paid[i]
        facts = {
            "address_firm_count": by_address.get(int(snap.address_key[i]), 0),
            "person_firm_count": person_count,
            "group_size": sizes[roots[i]],
            "registered_capital": float(snap.registered_capital[i]),
            "has_tax": bool(tax == tax and tax > 0),
            "has_employees": bool(snap.insured[i] > 0),
            "missed_reports_2y": int(snap.missed_reports_2y[i]),
            "rep_shared_with_bad": rep_bad,
            "rep_and_address_changed": bool(snap.rep_and_address_changed[i]),
            "penalties_3y": int(snap.penalties_3y[i]),
            "abnormal_listed": bool(snap.black_listed[i]),
            "age_years": int(snap.founded_days[i] // 365),
        }
        scores[i] = engine.reproduce(cfg, params, facts, as_of=AS_OF)["score"]
    return scores, time.perf_counter() - start


def bandwidth_gbps() -> float:
    """Memory bandwidth of this machine now: the best of five copies of 256 MiB (read + write)."""
    src = np.ones(32 * 1024 * 1024, dtype=np.float64)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - start)
    return 2 * src.nbytes / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--naive-firms", type=int, default=20_000)
    args = parser.parse_args()
    cfg = engine.load_config()

    small = synthesise(args.naive_firms, seed=5)
    small_result, small_params, _t = ours(cfg, small)
    naive_scores, naive_s = naive(cfg, small, small_params)
    assert np.array_equal(naive_scores, small_result.score), "naive and ours disagree"

    snap = synthesise(args.firms)
    input_bytes = sum(getattr(snap, f).nbytes for f in snap.__dataclass_fields__)
    result, params, phases = ours(cfg, snap)
    output_bytes = result.score.nbytes + result.risk_class.astype("S1").nbytes + result.probability.nbytes
    pandas_scores, pandas_s = pandas_baseline(cfg, snap, params)
    agree = float((pandas_scores == result.score).mean())
    assert agree == 1.0, f"pandas and ours disagree on {1 - agree:.4%} of firms"

    rows = np.random.default_rng(1).integers(0, snap.n, size=200)
    clock = time.perf_counter()
    for row in rows:
        ex = engine.explanation_of(cfg, result, params, int(row))
        engine.reproduce(cfg, params, ex["inputs"], as_of=AS_OF)
    explain_ms = (time.perf_counter() - clock) / len(rows) * 1000

    gbps = bandwidth_gbps()
    floor_s = (input_bytes + output_bytes) / (gbps * 1e9)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    naive_extrapolated = naive_s / args.naive_firms * args.firms
    classes = {c: int((result.risk_class == c).sum()) for c in engine.CLASSES}
    print(f"firms {args.firms:,}, roles {len(snap.role_entity):,}; classes {classes}")
    print(
        f"ours      {phases['total_s']:8.2f} s  (graph {phases['graph_s']:.2f}, train {phases['train_s']:.2f}, "
        f"indicators+model+classes {phases['score_s']:.2f})"
    )
    print(f"pandas    {pandas_s:8.2f} s  ({pandas_s / phases['total_s']:.1f}× ours), same scores")
    print(
        f"naive     {naive_extrapolated:8.1f} s  extrapolated from {args.naive_firms:,} firms in {naive_s:.2f} s "
        f"({naive_extrapolated / phases['total_s']:.0f}× ours), same scores"
    )
    print(
        f"floor     {floor_s:8.3f} s  ({(input_bytes + output_bytes) / 1e6:.0f} MB at {gbps:.1f} GB/s; "
        f"ours is {phases['total_s'] / floor_s:.0f}× the floor)"
    )
    print(f"one firm's explanation + reproduction: {explain_ms:.2f} ms (budget 50 ms); peak RSS {peak_mb:.0f} MB")
    print(
        json.dumps(
            {
                "firms": args.firms,
                "ours_s": round(phases["total_s"], 3),
                "graph_s": round(phases["graph_s"], 3),
                "pandas_s": round(pandas_s, 3),
                "naive_s_extrapolated": round(naive_extrapolated, 1),
                "naive_firms": args.naive_firms,
                "floor_s": round(floor_s, 4),
                "explain_ms": round(explain_ms, 3),
                "peak_rss_mb": round(peak_mb),
                "budget_s_for_3m": 60,
            }
        )
    )


if __name__ == "__main__":
    main()
