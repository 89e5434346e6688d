"""The open-data portal (公共数据开放): datasets by opening level, downloads, CKAN and DCAT metadata, and open
statistics under differential privacy with a public privacy-loss ledger per dataset.

Differential privacy uses OpenDP (the Laplace mechanism on counts and clamped sums): each answer spends the ε
the asker chose; the ledger is public and a query past the dataset's budget is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.registries.models import LegalEntity
from yiwang.sharing.models import DatasetApplication, Export, OpenDataset, OpenType, PrivacyQuery
from yiwang.sharing.services.watermark import start_export, write_export

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
#: The filters open statistics accept over the legal-entity registry, and the sums they may take with bounds.
STAT_FILTERS = ("division", "industry", "size")
STAT_SUMS = {"headcount": (0, 1000)}
MIN_EPSILON, MAX_EPSILON = Decimal("0.01"), Decimal("1")


def listed() -> QuerySet[OpenDataset]:
    """Datasets shown on the portal and in the CKAN API: unconditionally and conditionally open ones."""
    return OpenDataset.objects.exclude(open_type=OpenType.NOT_OPEN).select_related("publisher")


@transaction.atomic
def publish_dataset(
    actor: Any,
    *,
    name: str,
    title: str,
    publisher: Department,
    open_type: str,
    columns: list[str],
    rows: list[list[Any]],
    notes: str = "",
    tags: list[str] | None = None,
    license: str = "CC-BY-4.0",
    statistics: dict[str, Any] | None = None,
    epsilon_budget: Decimal = Decimal("1"),
) -> OpenDataset:
    """Create or replace a dataset by ``name`` (idempotent). ``actor`` None is the system (demo loader)."""
    if actor is not None:
        require_acts_for(actor, publisher, field="publisher")
    if open_type not in OpenType.values:
        raise ValidationFailed(_("开放属性无效"), field="open_type")
    if any(len(row) != len(columns) for row in rows):
        raise ValidationFailed(_("每行的字段数须与表头一致"), field="rows")
    values = {
        "title": title, "notes": notes, "publisher": publisher, "open_type": open_type, "columns": columns,
        "rows": rows, "tags": tags or [], "license": license, "statistics": statistics or {},
        "epsilon_budget": epsilon_budget,
    }  # fmt: skip
    dataset, created = OpenDataset.objects.update_or_create(name=name, defaults=values)
    audit.record("sharing.dataset.publish", actor=actor, obj=dataset, data={"created": created, "rows": len(rows)})
    return dataset


def get_listed(name_or_id: str) -> OpenDataset:
    qs = listed()
    dataset = qs.filter(name=name_or_id).first() or (
        qs.filter(pk=int(name_or_id)).first() if name_or_id.isdigit() else None
    )
    if dataset is None:
        raise NotFound(_("未找到该数据集"), field="id")
    return dataset


def may_download(user: Any, dataset: OpenDataset) -> bool:
    if dataset.open_type == OpenType.UNCONDITIONAL:
        return True
    if dataset.open_type != OpenType.CONDITIONAL or not getattr(user, "is_authenticated", False):
        return False
    return DatasetApplication.objects.filter(
        dataset=dataset, applicant=user, status=DatasetApplication.Status.APPROVED
    ).exists()


def requester_label(user: Any, address: str = "") -> str:
    """Who a download is traced to: the signed-in account, or an anonymous visitor by address."""
    if getattr(user, "is_authenticated", False):
        name = getattr(user, "full_name", "") or user.get_username()
        return f"{name}（{user.get_username()}）"
    return str(_("匿名访问者 %(address)s") % {"address": address or "?"})


@dataclass(frozen=True)
class Download:
    content: bytes
    export: Export


@transaction.atomic
def download(user: Any, dataset: OpenDataset, fmt: str, *, address: str = "") -> Download:
    """The dataset in CSV, Excel, JSON or Parquet, watermarked for its requester: each download is an export of
    its own whose number every row carries, so a file passed on names who downloaded it."""
    if fmt not in FORMATS:
        raise ValidationFailed(_("不支持的下载格式"), field="format")
    if not may_download(user, dataset):
        raise PermissionDenied(_("该数据集须申请并签署协议后方可下载"), field="dataset")
    export = start_export(recipient=requester_label(user, address), fmt=fmt, dataset=dataset, actor=user)
    content = write_export(
        export, [str(c) for c in dataset.columns], dataset.rows, actor=user if export.created_by else None, bom=True
    )
    return Download(content, export)


@transaction.atomic
def apply_for_dataset(user: Any, dataset: OpenDataset, *, purpose: str) -> DatasetApplication:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"), field="actor")
    if dataset.open_type != OpenType.CONDITIONAL:
        raise Conflict(_("只有有条件开放的数据集需要申请"), field="dataset")
    if len(purpose.strip()) < 4:
        raise ValidationFailed(_("请写明具体用途（至少 4 个字）"), field="purpose")
    pending = DatasetApplication.objects.filter(
        dataset=dataset, applicant=user, status=DatasetApplication.Status.REQUESTED
    ).first()
    if pending is not None:  # one pending application per applicant and dataset: a repeat returns it
        return pending
    application = DatasetApplication.objects.create(dataset=dataset, applicant=user, purpose=purpose.strip())
    audit.record("sharing.dataset.apply", actor=user, obj=application, reason=purpose.strip())
    return application


@transaction.atomic
def decide_dataset_application(
    actor: Any, application: DatasetApplication, *, approve: bool, agreement_no: str = ""
) -> DatasetApplication:
    user = require_acts_for(actor, application.dataset.publisher, field="application")
    if application.status != DatasetApplication.Status.REQUESTED:
        raise Conflict(_("该申请已处理"), field="application")
    if approve and not agreement_no.strip():
        raise ValidationFailed(_("通过申请须填写开放利用协议编号"), field="agreement_no")
    application.status = DatasetApplication.Status.APPROVED if approve else DatasetApplication.Status.REFUSED
    application.agreement_no = agreement_no.strip()
    application.save(update_fields=["status", "agreement_no"])
    audit.record("sharing.dataset.decide", actor=user, obj=application, data={"approve": approve})
    return application


# --- CKAN action API and DCAT ----------------------------------------------------------------------------------


def _resource_dict(dataset: OpenDataset, fmt: str, base_url: str) -> dict[str, Any]:
    return {
        "id": f"{dataset.name}-{fmt}",
        "package_id": str(dataset.pk),
        "name": f"{dataset.title}（{fmt.upper()}）",
        "format": fmt.upper(),
        "mimetype": FORMATS[fmt].split(";")[0],
        "url": f"{base_url}/open/{dataset.name}/download.{fmt}",
        "state": "active",
        "created": dataset.created_at.isoformat(),
        "last_modified": dataset.modified_at.isoformat(),
    }


def package_dict(dataset: OpenDataset, base_url: str) -> dict[str, Any]:
    """The dataset as CKAN's ``package_show`` gives it."""
    return {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": dataset.license,
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": dataset.modified_at.isoformat(),
        "organization": {"name": dataset.publisher.code.lower(), "title": dataset.publisher.name},
        "tags": [{"name": t} for t in dataset.tags],
        "extras": [{"key": "open_type", "value": dataset.open_type}],
        "num_resources": len(FORMATS),
        "num_tags": len(dataset.tags),
        "resources": [_resource_dict(dataset, fmt, base_url) for fmt in FORMATS],
    }


def package_search(q: str, rows: int, start: int, base_url: str) -> dict[str, Any]:
    qs = listed().order_by("name")
    for word in q.split():
        if word not in ("*:*", "*"):
            qs = qs.filter(title__icontains=word) | qs.filter(notes__icontains=word) | qs.filter(name__icontains=word)
    rows = max(0, min(rows, 1000))
    return {
        "count": qs.count(),
        "sort": "name asc",
        "facets": {},
        "search_facets": {},
        "results": [package_dict(d, base_url) for d in qs[start : start + rows]],
    }


def resource_show(resource_id: str, base_url: str) -> dict[str, Any]:
    name, _sep, fmt = resource_id.rpartition("-")
    if fmt not in FORMATS:
        raise NotFound(_("未找到该资源"), field="id")
    return _resource_dict(get_listed(name), fmt, base_url)


def dcat(dataset: OpenDataset, base_url: str) -> dict[str, Any]:
    """DCAT (W3C Data Catalog Vocabulary, version 3) in JSON-LD."""
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": f"{base_url}/open/{dataset.name}/",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.name,
        "dct:title": {"@value": dataset.title, "@language": "zh-Hans"},
        "dct:description": {"@value": dataset.notes, "@language": "zh-Hans"},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": dataset.publisher.name},
        "dct:issued": dataset.created_at.date().isoformat(),
        "dct:modified": dataset.modified_at.date().isoformat(),
        "dct:license": dataset.license,
        "dct:accessRights": dataset.open_type,
        "dcat:keyword": list(dataset.tags),
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:format": fmt.upper(),
                "dcat:mediaType": FORMATS[fmt].split(";")[0],
                "dcat:downloadURL": {"@id": f"{base_url}/open/{dataset.name}/download.{fmt}"},
            }
            for fmt in FORMATS
        ],
    }


# --- open statistics under differential privacy -----------------------------------------------------------------


@dataclass(frozen=True)
class NoisyAnswer:
    value: float
    epsilon: Decimal
    spent: Decimal
    budget: Decimal


def _true_value(filters: dict[str, str], measure: str) -> tuple[float, float]:
    """The exact answer over the legal-entity registry, and its sensitivity (one entity more or less)."""
    qs = LegalEntity.objects.all()
    if filters.get("division"):
        qs = qs.filter(division__code__startswith=filters["division"])
    if filters.get("industry"):
        qs = qs.filter(industry__code__startswith=filters["industry"])
    if filters.get("size"):
        qs = qs.filter(size=filters["size"])
    if measure == "count":
        return float(qs.count()), 1.0
    low, high = STAT_SUMS[measure]
    values = qs.values_list(measure, flat=True)
    return float(sum(min(max(v or 0, low), high) for v in values)), float(high - low)


def _laplace(value: float, sensitivity: float, epsilon: float) -> float:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    measurement = dp.m.make_laplace(
        dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=sensitivity / epsilon
    )
    assert measurement.map(sensitivity) <= epsilon + 1e-9  # the privacy map confirms the ε spent
    return float(measurement(value))


def privacy_spent(dataset: OpenDataset) -> Decimal:
    return PrivacyQuery.objects.filter(dataset=dataset).aggregate(s=Sum("epsilon"))["s"] or Decimal("0")


@transaction.atomic
def noisy_statistic(dataset: OpenDataset, *, filters: dict[str, str], measure: str, epsilon: Decimal) -> NoisyAnswer:
    """A differentially private count or clamped sum; refused once the dataset's ε budget would be exceeded."""
    if not dataset.statistics:
        raise Conflict(_("该数据集未开放统计查询"), field="dataset")
    unknown = set(filters) - set(STAT_FILTERS)
    if unknown:
        raise ValidationFailed(_("不支持的筛选条件：%(f)s") % {"f": "、".join(sorted(unknown))}, field="filters")
    if measure != "count" and measure not in STAT_SUMS:
        raise ValidationFailed(_("不支持的统计量"), field="measure")
    if not MIN_EPSILON <= epsilon <= MAX_EPSILON:
        raise ValidationFailed(_("单次查询的 ε 须在 0.01 至 1 之间"), field="epsilon")
    locked = OpenDataset.objects.select_for_update().get(pk=dataset.pk)
    spent = privacy_spent(locked)
    if spent + epsilon > locked.epsilon_budget:
        message = _("该数据集的隐私预算已用尽（已用 %(spent)s / %(budget)s）")
        raise Conflict(
            message % {"spent": spent, "budget": locked.epsilon_budget}, field="epsilon", code="budget_exhausted"
        )
    value, sensitivity = _true_value(filters, measure)
    noisy = round(_laplace(value, sensitivity, float(epsilon)), 1)
    query = {"filters": filters, "measure": measure}
    PrivacyQuery.objects.create(dataset=locked, query=query, epsilon=epsilon, answer=noisy)
    audit.record("sharing.dataset.dp_query", obj=locked, data={**query, "epsilon": epsilon, "answer": noisy})
    return NoisyAnswer(noisy, epsilon, spent + epsilon, locked.epsilon_budget)
