"""The pure engine: address resolution, groups, the learned model and reproducibility, without a database."""

from __future__ import annotations

from datetime import date

import numpy as np

from yiwang.risk import engine

AS_OF = date(2026, 11, 30)


def _snapshot(n: int, rng: np.random.Generator) -> engine.Snapshot:
    holders = rng.integers(0, n // 2, size=n)
    return engine.Snapshot(
        entity_ids=np.arange(1, n + 1),
        active=np.ones(n, dtype=bool),
        registered_capital=rng.choice([50.0, 100.0, 500.0, 20000.0], size=n),
        tax_paid=np.where(rng.random(n) < 0.3, np.nan, rng.random(n) * 10),
        insured=rng.integers(-1, 30, size=n),
        founded_days=rng.integers(100, 7000, size=n),
        missed_reports_2y=rng.integers(0, 3, size=n),
        penalties_3y=rng.integers(0, 3, size=n),
        black_listed=rng.random(n) < 0.01,
        prior_bad=rng.random(n) < 0.05,
        rep_and_address_changed=rng.random(n) < 0.02,
        address_key=rng.integers(0, n // 3, size=n),
        phone_key=rng.integers(-1, n, size=n),
        role_entity=np.arange(n),
        role_holder=holders,
        role_is_rep=np.ones(n, dtype=bool),
    )


def test_addresses_written_differently_resolve_to_one_key():
    keys = {engine.normalize_address(a) for a in ("文三路 １２号３０２室", "文三路十二号三百零二室", "文三路12号302室")}
    assert keys == {"文三路12号302室"}
    assert engine.normalize_address("文三路12号") != engine.normalize_address("文三路21号")


def test_groups_are_the_connected_components_of_shared_holders():
    # firms 0-1 share holder 7, firms 1-2 share holder 8: one group of three; firm 3 alone
    labels = engine._components(4 + 2, np.array([0, 1, 1, 2]), np.array([4, 4, 5, 5]))
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_the_model_learns_from_outcomes_and_explains_every_score_by_its_factors():
    cfg = engine.load_config()
    rng = np.random.default_rng(7)
    snap = _snapshot(2000, rng)
    graph = engine.graph_features(snap)
    columns = engine.fact_columns(snap, graph)
    rows = np.arange(0, 2000, 4)
    labels = (columns["penalties_3y"][rows] > 0).astype(np.int64)  # violations follow past penalties
    params = engine.fit_model(cfg, columns, rows, labels)
    assert params.kind == "trained" and params.labels == len(rows)
    penalties = params.features.index("penalties_3y")
    assert params.coefficients[penalties] > 1.0

    result = engine.score_columns(cfg, columns, graph, snap.black_listed, params, as_of=AS_OF)
    for row in (0, 17, 999):
        ex = engine.explanation_of(cfg, result, params, row)
        logit = ex["model"]["intercept"] + sum(f["contribution"] for f in ex["model"]["factors"])
        assert abs(1 / (1 + np.exp(-logit)) - ex["model"]["probability"]) < 1e-4
        assert ex["score"] == min(ex["indicator_points"] + ex["model"]["points"], 100)
        again = engine.reproduce(cfg, params, ex["inputs"], as_of=AS_OF)
        assert (again["score"], again["risk_class"]) == (ex["score"], ex["risk_class"])


def test_too_few_outcomes_keep_the_prior():
    cfg = engine.load_config()
    snap = _snapshot(100, np.random.default_rng(1))
    columns = engine.fact_columns(snap, engine.graph_features(snap))
    params = engine.fit_model(cfg, columns, np.arange(5), np.array([0, 1, 0, 1, 0]))
    assert params.kind == "prior"
    assert params.coefficients == tuple(cfg.model["features"].values())


def test_same_snapshot_same_scores():
    cfg = engine.load_config()
    snap = _snapshot(5000, np.random.default_rng(3))
    columns = engine.fact_columns(snap, engine.graph_features(snap))
    params = engine.fit_model(cfg, columns)
    one = engine.score_snapshot(cfg, snap, params, as_of=AS_OF)
    two = engine.score_snapshot(cfg, snap, params, as_of=AS_OF)
    assert np.array_equal(one.score, two.score) and np.array_equal(one.risk_class, two.risk_class)
    assert set(np.unique(one.risk_class)) <= set("ABCD")
