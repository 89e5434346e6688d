"""The monthly credit-risk classification (信用风险分类, 国市监信发〔2022〕6号): score every active firm, store each
explanation, write the classes to the credit registry and raise leads for the indicators that call for one.

One run per month, one transaction: a repeated request for a month returns that month's run unchanged.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed
from yiwang.registries.credit import rate_entities
from yiwang.registries.models import LegalEntity
from yiwang.regulation.models import Inspection
from yiwang.risk import engine
from yiwang.risk.models import Alert, ClassificationRun, RiskModel, RiskScore
from yiwang.risk.services.snapshot import build_snapshot

RUN_ROLES = ("approver",)
MODEL_INDICATOR = "MODEL"
_config: engine.Config | None = None


def config() -> engine.Config:
    """The indicator configuration shipped with the app (loaded once per process)."""
    global _config
    if _config is None:
        _config = engine.load_config()
    return _config


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def outcome_labels(entity_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labelled rows for the model: verified leads (属实 = 1, 不属实 = 0) and published inspections (a violation,
    an issue or an unreachable address = 1, no problem = 0). The latest outcome of a firm wins."""
    position = {int(pk): i for i, pk in enumerate(entity_ids)}
    label: dict[int, int] = {}
    published = Inspection.objects.filter(status=Inspection.Status.PUBLISHED).order_by("published_at", "pk")
    for entity_id, result in published.values_list("target__entity_id", "result"):
        label[entity_id] = 0 if result == Inspection.Result.PASS else 1
    closed = Alert.objects.filter(status=Alert.Status.CLOSED).order_by("closed_on", "pk")
    for entity_id, outcome in closed.values_list("entity_id", "outcome"):
        label[entity_id] = 1 if outcome == Alert.Outcome.CONFIRMED else 0
    rows = [(position[pk], y) for pk, y in sorted(label.items()) if pk in position]
    return np.array([r for r, _y in rows], dtype=np.int64), np.array([y for _r, y in rows], dtype=np.int64)


def _store_model(cfg: engine.Config, params: engine.ModelParams, month: date) -> RiskModel:
    version = f"{cfg.version}-{month:%Y%m}-{params.kind}-{cfg.digest[:8]}"
    model, _created = RiskModel.objects.get_or_create(
        version=version,
        defaults={"kind": params.kind, "config_digest": cfg.digest, "parameters": params.as_dict()},
    )
    return model


@transaction.atomic
def run_classification(month: date, *, department: Department, actor: User) -> ClassificationRun:
    """Classify every active firm for ``month`` (its first day); idempotent per month."""
    require_acts_for(actor, department, roles=RUN_ROLES, field="department")
    if month.day != 1:
        raise ValidationFailed(_("分类月份应为该月第一天"), field="month")
    existing = ClassificationRun.objects.filter(month=month).first()
    if existing is not None:
        return existing
    started = time.perf_counter()
    cfg = config()
    as_of = month_end(month)
    snap = build_snapshot(as_of)
    graph = engine.graph_features(snap)
    columns = engine.fact_columns(snap, graph)
    label_rows, labels = outcome_labels(snap.entity_ids)
    params = engine.fit_model(cfg, columns, label_rows, labels)
    result = engine.score_columns(cfg, columns, graph, snap.black_listed.astype(bool), params, as_of=as_of)
    model = _store_model(cfg, params, month)
    run = ClassificationRun.objects.create(
        month=month, rated_on=as_of, model=model, department=department, created_by=actor
    )
    active_rows = np.flatnonzero(snap.active)
    scores = [
        RiskScore(
            run=run,
            entity_id=int(snap.entity_ids[i]),
            score=int(result.score[i]),
            risk_class=str(result.risk_class[i]),
            group_id=int(snap.entity_ids[result.graph.group_id[i]]),
            explanation=engine.explanation_of(cfg, result, params, int(i)),
        )
        for i in active_rows
    ]
    RiskScore.objects.bulk_create(scores, batch_size=1000)
    ratings = [(s.entity_id, s.risk_class) for s in scores]
    rate_entities(ratings, rated_on=as_of, department=department, actor=actor, model_version=model.version)
    from yiwang.risk.services.alerts import raise_alerts_for_run

    raised = raise_alerts_for_run(run, cfg, result, snap.entity_ids, active_rows, params, actor=actor)
    run.entities = len(scores)
    run.class_counts = dict(sorted(Counter(s.risk_class for s in scores).items()))
    run.leads_raised = raised
    run.seconds = round(time.perf_counter() - started, 3)
    run.save()
    audit.record(
        "risk.classification.run",
        actor=actor,
        obj=run,
        data={"model": model.version, "entities": run.entities, "classes": run.class_counts, "leads": raised},
    )
    return run


def latest_score(entity: LegalEntity) -> RiskScore | None:
    return RiskScore.objects.filter(entity=entity).select_related("run", "run__model").order_by("-run__month").first()


def reproduce_score(score: RiskScore) -> dict[str, Any]:
    """Recompute a stored score from its stored inputs and its run's model version (it must agree)."""
    params = engine.ModelParams.from_dict(score.run.model.parameters)
    return engine.reproduce(config(), params, score.explanation["inputs"], as_of=score.run.rated_on)


def shown_value(value: Any, unit: str) -> str:
    if value is None:
        return str(_("无数据"))
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{unit}"


def readable(explanation: dict[str, Any]) -> dict[str, Any]:
    """A stored explanation with every fact named by its Chinese label and shown with its unit, for pages."""
    schema = config().schema

    def label(name: str) -> str:
        return schema[name].label if name in schema else name

    def unit(name: str) -> str:
        return schema[name].unit if name in schema else ""

    indicators = [
        {**ind, "facts": [{"label": label(f), "value": shown_value(v, unit(f))} for f, v in ind["facts"].items()]}
        for ind in explanation["indicators"]
    ]
    factors = [
        {**f, "label": label(f["feature"]), "shown": shown_value(f["value"], unit(f["feature"]))}
        for f in explanation["model"]["factors"]
    ]
    return {
        **explanation,
        "indicators": indicators,
        "hit_indicators": [i for i in indicators if i["hit"]],
        "factors": sorted(factors, key=lambda f: -abs(f["contribution"])),
        "probability_pct": round(100 * explanation["model"]["probability"], 1),
    }
