"""The risk engine: enterprise graph features, rule indicators, the learned model and A–D classes, vectorised.

Pure Python + numpy over the shared rule engine (``yiwang.rules``): it imports nothing from Django, so the same
code scores a city in-process and a province's partitions on Spark executors. Given the same snapshot and the same
:class:`ModelParams` it gives the same scores bit for bit (no randomness, no threads in the arithmetic).

The graph has firms, persons (legal representatives, shareholders, directors, supervisors), investing firms,
normalised addresses and phones as nodes; an edge joins a firm to each. Groups under common control are the
connected components of the firm–person/firm–firm edges, found by min-label propagation with pointer jumping
(O(edges × diameter) numpy work, no Python loop over rows).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from yiwang.rules import FactTable, Matcher, explain, load_schema, policy_from_dict
from yiwang.rules.policy import PolicyDef
from yiwang.rules.schema import FactSchema

INDICATORS_FILE = Path(__file__).parent / "data" / "indicators.yaml"
CLASSES = ("A", "B", "C", "D")

# ---- entity resolution of addresses (a documented method: normalise, then exact match) ------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+(?=[号室楼层幢栋单元弄巷])")
_NOISE = re.compile(r"[\s\-—_,，.。、()（）#＃]+")


def _cn_to_int(text: str) -> int:
    """Chinese numerals up to 999 (三百零二 → 302, 十五 → 15)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


def normalize_address(address: str) -> str:
    """The match key of an address: NFKC (full-width → half-width), no spaces or punctuation, Chinese numerals
    before 号/室/楼/层/幢 as digits, 栋 → 幢. ``文三路 １２号３０２室`` and ``文三路十二号三百零二室`` get the same key.
    Near-duplicates beyond these forms are left for a probabilistic linker (Splink) at province scale.
    """
    text = unicodedata.normalize("NFKC", address or "")
    text = _NOISE.sub("", text)
    text = _CN_NUMBER.sub(lambda m: str(_cn_to_int(m.group(0))), text)
    text = text.replace("栋", "幢")
    return text


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    return digits[-11:] if len(digits) >= 11 else digits


# ---- the configuration: indicators, model prior, class thresholds -------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One risk indicator: a rule of the shared language with its weight, lead switch and competent department."""

    code: str
    title: str
    points: int
    lead: bool
    department_kind: str
    verify_days: int
    reason: str
    policy: PolicyDef
    facts: tuple[str, ...]
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    version: str
    schema: FactSchema
    indicators: tuple[Indicator, ...]
    model: Mapping[str, Any]
    thresholds: Mapping[str, int]
    lead_probability: float
    digest: str

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


def _leaves(node: Any) -> list[Any]:
    children = getattr(node, "children", None)
    if children is not None:
        return [leaf for child in children for leaf in _leaves(child)]
    child = getattr(node, "child", None)
    if child is not None:
        return _leaves(child)
    return [node]


def load_config(source: Path | Mapping[str, Any] = INDICATORS_FILE) -> Config:
    """Load the indicator file; the digest names exactly this configuration in every stored score."""
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) if isinstance(source, Path) else dict(source)
    schema = load_schema({"facts": raw["facts"]})
    indicators = []
    for spec in raw["indicators"]:
        policy = policy_from_dict(
            {"id": spec["id"], "title": spec["title"], "conditions": spec["conditions"]}, schema, spec["id"]
        )
        leaves = _leaves(policy.condition)
        indicators.append(
            Indicator(
                code=spec["id"],
                title=spec["title"],
                points=int(spec["points"]),
                lead=bool(spec.get("lead", False)),
                department_kind=spec.get("department_kind", "market_regulation"),
                verify_days=int(spec.get("verify_days", 10)),
                reason=spec.get("reason", ""),
                policy=policy,
                facts=tuple(dict.fromkeys(leaf.fact for leaf in leaves)),
                clauses=tuple(dict.fromkeys(leaf.clause for leaf in leaves if leaf.clause)),
            )
        )
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return Config(
        version=str(raw.get("version", "")),
        schema=schema,
        indicators=tuple(indicators),
        model=raw["model"],
        thresholds={k: int(v) for k, v in raw["classes"].items()},
        lead_probability=float(raw.get("lead_probability", 0.6)),
        digest=digest,
    )


# ---- the snapshot --------------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """Columnar inputs of one scoring run: one row per firm, edges as index arrays.

    ``role_entity``/``role_holder`` join a firm to a holder node (a person, or another firm as investor; holder
    ids are any non-negative integers, persons and firms in disjoint ranges), ``role_is_rep`` marks the legal
    representative. ``address_key`` and ``phone_key`` are integer codes of the normalised identifiers (-1: none).
    """

    entity_ids: np.ndarray
    active: np.ndarray
    registered_capital: np.ndarray  # 万元, float64
    tax_paid: np.ndarray  # 万元, NaN when unknown
    insured: np.ndarray  # persons, -1 when unknown
    founded_days: np.ndarray  # days since founding, at the run's date
    missed_reports_2y: np.ndarray
    penalties_3y: np.ndarray
    black_listed: np.ndarray
    prior_bad: np.ndarray  # revoked, or D in the previous run
    rep_and_address_changed: np.ndarray
    address_key: np.ndarray
    phone_key: np.ndarray
    role_entity: np.ndarray
    role_holder: np.ndarray
    role_is_rep: np.ndarray

    @property
    def n(self) -> int:
        return len(self.entity_ids)


def _components(n_nodes: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected-component labels (the smallest node id of each component): vectorised union-find that hooks each
    edge's larger root under its smaller one, then compresses paths, dropping edges already inside one tree
    (O(log n) rounds of numpy work; no Python loop over rows)."""
    parent = np.arange(n_nodes, dtype=np.int64)
    u, v = u.astype(np.int64), v.astype(np.int64)
    while len(u):
        ru, rv = parent[u], parent[v]
        keep = ru != rv
        if not keep.any():
            break
        u, v, ru, rv = u[keep], v[keep], ru[keep], rv[keep]
        np.minimum.at(parent, np.maximum(ru, rv), np.minimum(ru, rv))
        while True:  # path compression: every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


@dataclass
class GraphFeatures:
    address_firm_count: np.ndarray
    person_firm_count: np.ndarray
    group_id: np.ndarray
    group_size: np.ndarray
    phone_firm_count: np.ndarray
    rep_shared_with_bad: np.ndarray


def graph_features(snap: Snapshot) -> GraphFeatures:
    """Counts over shared identifiers and groups under common control, for every firm at once."""
    n = snap.n
    active = snap.active.astype(bool)

    def shared_count(keys: np.ndarray) -> np.ndarray:
        out = np.zeros(n, dtype=np.int64)
        has = keys >= 0
        if not has.any():
            return out
        codes, inverse = np.unique(keys[has], return_inverse=True)
        counts = np.bincount(inverse, weights=active[has].astype(np.float64), minlength=len(codes))
        out[has] = counts[inverse].astype(np.int64)
        return out

    address_firm_count = shared_count(snap.address_key)
    phone_firm_count = shared_count(snap.phone_key)

    # persons/holders: dense codes, then firms per holder over distinct (holder, firm) pairs
    person_firm_count = np.zeros(n, dtype=np.int64)
    rep_shared_with_bad = np.zeros(n, dtype=bool)
    group_id = np.arange(n, dtype=np.int64)
    if len(snap.role_holder):
        holder_codes, role_code = np.unique(snap.role_holder, return_inverse=True)
        pair_keys = np.sort(role_code.astype(np.int64) * n + snap.role_entity)
        pair_keys = pair_keys[np.concatenate(([True], pair_keys[1:] != pair_keys[:-1]))]
        holder, ent = pair_keys // n, pair_keys % n
        per_holder = np.bincount(holder, minlength=len(holder_codes))
        np.maximum.at(person_firm_count, ent, per_holder[holder])
        bad = snap.prior_bad.astype(np.float64)
        bad_per_holder = np.bincount(holder, weights=bad[ent], minlength=len(holder_codes))
        reps = snap.role_is_rep.astype(bool)
        rep_holder = np.searchsorted(holder_codes, snap.role_holder[reps])
        rep_ent = snap.role_entity[reps]
        # a bad firm other than this one under the same legal representative (any role there)
        others_bad = bad_per_holder[rep_holder] - bad[rep_ent] > 0
        np.logical_or.at(rep_shared_with_bad, rep_ent, others_bad)
        # groups: firms are nodes 0..n-1, holders n..n+h-1
        labels = _components(n + len(holder_codes), ent, n + holder)
        group_id = labels[:n]
    group_size = np.bincount(group_id, minlength=n + 1)[group_id]
    return GraphFeatures(
        address_firm_count, person_firm_count, group_id, group_size, phone_firm_count, rep_shared_with_bad
    )


def fact_columns(snap: Snapshot, graph: GraphFeatures) -> dict[str, np.ndarray]:
    """The facts the indicators and the model read, as columns (NaN / masked for unknown)."""
    tax_known = ~np.isnan(snap.tax_paid)
    return {
        "address_firm_count": graph.address_firm_count,
        "person_firm_count": graph.person_firm_count,
        "group_size": graph.group_size,
        "registered_capital": snap.registered_capital.astype(np.float64),
        "has_tax": np.where(tax_known, snap.tax_paid > 0, False),
        "has_employees": snap.insured > 0,
        "missed_reports_2y": snap.missed_reports_2y.astype(np.int64),
        "rep_shared_with_bad": graph.rep_shared_with_bad,
        "rep_and_address_changed": snap.rep_and_address_changed.astype(bool),
        "penalties_3y": snap.penalties_3y.astype(np.int64),
        "abnormal_listed": snap.black_listed.astype(bool),
        "age_years": (snap.founded_days // 365).astype(np.int64),
    }


# ---- the learned model ------------------------------------------------------------------------------------------


@dataclass
class ModelParams:
    """A logistic regression over standardised log1p features: logit = intercept + Σ coef·(log1p(x) − mean)/sd."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    means: tuple[float, ...]
    sds: tuple[float, ...]
    kind: str = "prior"  # prior (专家先验) or trained (由核查与检查结果训练)
    labels: int = 0
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "means": list(self.means),
            "sds": list(self.sds),
            "kind": self.kind,
            "labels": self.labels,
            "metrics": self.metrics,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParams:
        return cls(
            features=tuple(data["features"]),
            coefficients=tuple(float(c) for c in data["coefficients"]),
            intercept=float(data["intercept"]),
            means=tuple(float(m) for m in data["means"]),
            sds=tuple(float(s) for s in data["sds"]),
            kind=data.get("kind", "prior"),
            labels=int(data.get("labels", 0)),
            metrics=dict(data.get("metrics", {})),
        )


def _design(columns: Mapping[str, np.ndarray], features: Sequence[str]) -> np.ndarray:
    cols = [np.ma.filled(np.ma.asarray(columns[f], dtype=np.float64), 0.0).clip(min=0) for f in features]
    return np.log1p(np.stack(cols, axis=1))


def fit_model(
    config: Config,
    columns: Mapping[str, np.ndarray],
    label_rows: np.ndarray | None = None,
    labels: np.ndarray | None = None,
) -> ModelParams:
    """Standardise on this population; train by ridge-penalised IRLS when there are enough labelled outcomes
    (both classes present), otherwise keep the configured prior coefficients. Deterministic."""
    spec = config.model
    features = tuple(spec["features"])
    x = _design(columns, features)
    means = x.mean(axis=0) if len(x) else np.zeros(len(features))
    sds = x.std(axis=0) if len(x) else np.ones(len(features))
    sds = np.where(sds > 1e-9, sds, 1.0)
    prior = ModelParams(
        features,
        tuple(float(spec["features"][f]) for f in features),
        float(spec["intercept"]),
        tuple(float(m) for m in means),
        tuple(float(s) for s in sds),
    )
    if label_rows is None or labels is None or len(labels) < int(spec.get("min_labels", 30)):
        return prior
    y = labels.astype(np.float64)
    if y.min() == y.max():
        return prior
    z = np.hstack([np.ones((len(label_rows), 1)), (x[label_rows] - means) / sds])
    ridge = float(spec.get("ridge", 1.0)) * np.eye(z.shape[1])
    ridge[0, 0] = 0.0
    beta = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        w = p * (1 - p) + 1e-9
        gradient = z.T @ (y - p) - ridge @ beta
        hessian = (z.T * w) @ z + ridge
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-(z @ beta)))
    log_loss = float(-np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
    return ModelParams(
        features,
        tuple(float(b) for b in beta[1:]),
        float(beta[0]),
        prior.means,
        prior.sds,
        kind="trained",
        labels=len(y),
        metrics={"log_loss": round(log_loss, 6), "positive_rate": round(float(y.mean()), 6)},
    )


# ---- scoring ------------------------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """Every firm's score, class and the parts that explain them (row-aligned with the snapshot)."""

    columns: dict[str, np.ndarray]
    graph: GraphFeatures
    hits: dict[str, np.ndarray]  # indicator code → bool per row
    indicator_points: np.ndarray
    contributions: np.ndarray  # rows × features, logit contributions
    probability: np.ndarray
    model_points: np.ndarray
    score: np.ndarray
    risk_class: np.ndarray  # "A".."D"
    override: np.ndarray  # True where the black list forced D


def _class_of(score: np.ndarray, thresholds: Mapping[str, int]) -> np.ndarray:
    bounds = np.array([thresholds["B"], thresholds["C"], thresholds["D"]])
    return np.array(CLASSES)[np.searchsorted(bounds, score, side="right")]


def score_snapshot(config: Config, snap: Snapshot, params: ModelParams, *, as_of: date) -> ScoreResult:
    """Graph → facts → indicators (rule engine, shared bitmaps) → model → points → classes, for all rows."""
    graph = graph_features(snap)
    columns = fact_columns(snap, graph)
    return score_columns(config, columns, graph, snap.black_listed.astype(bool), params, as_of=as_of)


def score_columns(
    config: Config,
    columns: dict[str, np.ndarray],
    graph: GraphFeatures,
    black_listed: np.ndarray,
    params: ModelParams,
    *,
    as_of: date,
) -> ScoreResult:
    n = len(black_listed)
    table = FactTable.from_columns(config.schema, columns)
    matcher = Matcher([ind.policy for ind in config.indicators], config.schema, as_of=as_of, threads=1)
    matcher.load(table)
    hits: dict[str, np.ndarray] = {}
    indicator_points = np.zeros(n, dtype=np.int64)
    for ind in config.indicators:
        mask = np.zeros(n, dtype=bool)
        mask[matcher.eligible(ind.code)] = True
        hits[ind.code] = mask
        indicator_points += mask * ind.points
    x = _design(columns, params.features)
    contributions = (x - np.array(params.means)) / np.array(params.sds) * np.array(params.coefficients)
    logit = params.intercept + contributions.sum(axis=1)
    probability = 1.0 / (1.0 + np.exp(-logit))
    model_points = np.floor(probability * int(config.model["points"]) + 0.5).astype(np.int64)
    score = np.minimum(indicator_points + model_points, 100)
    risk_class = _class_of(score, config.thresholds)
    override = black_listed & (risk_class != "D")
    risk_class = np.where(black_listed, "D", risk_class)
    return ScoreResult(
        columns,
        graph,
        hits,
        indicator_points,
        contributions,
        probability,
        model_points,
        score,
        risk_class,
        override,
    )


def _plain(value: Any) -> Any:
    if value is np.ma.masked:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else round(float(value), 6)
    return value


def explanation_of(config: Config, result: ScoreResult, params: ModelParams, row: int) -> dict[str, Any]:
    """The stored explanation of one row: inputs, every indicator (hit or not, its facts and clauses), the
    model's factor contributions, and how points became the class. Enough to reproduce the class."""
    inputs = {name: _plain(col[row]) for name, col in result.columns.items()}
    indicators = []
    for ind in config.indicators:
        indicators.append(
            {
                "code": ind.code,
                "title": ind.title,
                "hit": bool(result.hits[ind.code][row]),
                "points": ind.points if result.hits[ind.code][row] else 0,
                "weight": ind.points,
                "facts": {f: inputs.get(f) for f in ind.facts},
                "clauses": list(ind.clauses),
                "reason": ind.reason,
            }
        )
    factors = [
        {
            "feature": f,
            "value": inputs.get(f),
            "coefficient": round(params.coefficients[j], 6),
            "contribution": round(float(result.contributions[row, j]), 6),
        }
        for j, f in enumerate(params.features)
    ]
    return {
        "inputs": inputs,
        "indicators": indicators,
        "model": {
            "intercept": round(params.intercept, 6),
            "factors": factors,
            "probability": round(float(result.probability[row]), 6),
            "points": int(result.model_points[row]),
        },
        "indicator_points": int(result.indicator_points[row]),
        "score": int(result.score[row]),
        "risk_class": str(result.risk_class[row]),
        "override": "black_list" if result.override[row] else "",
    }


def reproduce(config: Config, params: ModelParams, inputs: Mapping[str, Any], *, as_of: date) -> dict[str, Any]:
    """Recompute one firm's score and class from its stored inputs alone (the rule engine's single-entity path)."""
    points = 0
    hits = {}
    for ind in config.indicators:
        hit = explain(ind.policy, inputs, config.schema, as_of).result == "true"
        hits[ind.code] = hit
        points += ind.points if hit else 0
    logit = params.intercept
    for j, f in enumerate(params.features):
        z = (math.log1p(max(float(inputs.get(f) or 0), 0.0)) - params.means[j]) / params.sds[j]
        logit += z * params.coefficients[j]
    probability = 1.0 / (1.0 + math.exp(-logit))
    model_points = math.floor(probability * int(config.model["points"]) + 0.5)
    score = min(points + model_points, 100)
    klass = str(_class_of(np.array([score]), config.thresholds)[0])
    if inputs.get("abnormal_listed"):
        klass = "D"
    return {"hits": hits, "score": score, "risk_class": klass, "probability": probability}
