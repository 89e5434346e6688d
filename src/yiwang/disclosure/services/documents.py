"""一网可查: policy documents, their articles and interpretations, and publication within the legal time limit.

《政府信息公开条例》第二十六条: information to be disclosed on the government's own initiative is published within
20 working days of being formed or changed; the clock here starts on the document's 成文日期 (``signed_on``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.workdays import add_working_days
from yiwang.disclosure.models import DocumentClause, Interpretation, PolicyDocument
from yiwang.policies.models import Policy

__all__ = [
    "PUBLICATION_LIMIT",
    "add_interpretation",
    "create_document",
    "link_clause",
    "publication_report",
    "publish_document",
    "repeal_document",
    "split_clauses",
]

#: 《政府信息公开条例》第二十六条: 20 working days from forming the information to publishing it.
PUBLICATION_LIMIT = 20
PUBLICATION_BASIS = "《中华人民共和国政府信息公开条例》第二十六条"
_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+条)\s*")


def split_clauses(body: str) -> list[tuple[str, str]]:
    """The articles of ``body``: paragraphs starting ``第X条`` each begin one; other text joins the one before.

    A text without articles is split by paragraph, labelled 第1段, 第2段 …
    """
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n") if p.strip()]
    if not any(_ARTICLE.match(p) for p in paragraphs):
        return [(f"第{n}段", p) for n, p in enumerate(paragraphs, start=1)]
    clauses: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        match = _ARTICLE.match(paragraph)
        if match:
            clauses.append((match.group(1), paragraph[match.end() :].strip() or paragraph))
        elif clauses:
            label, text = clauses[-1]
            clauses[-1] = (label, f"{text}\n{paragraph}")
        else:
            clauses.append(("序言", paragraph))
    return clauses


def _check_links(policies: Iterable[Policy], items: Iterable[ServiceItem]) -> tuple[list[Policy], list[ServiceItem]]:
    items = list(items)
    unpublished = [i.item_code for i in items if i.status != ItemStatus.PUBLISHED]
    if unpublished:
        raise ValidationFailed(_("只能关联已发布的政务服务事项"), field="items")
    return list(policies), items


@transaction.atomic
def create_document(
    *,
    actor: User | None,
    number: str,
    title: str,
    issuer: Department,
    signed_on: dt.date,
    effective_from: dt.date,
    body: str,
    kind: str = PolicyDocument.Kind.POLICY,
    effective_until: dt.date | None = None,
    policies: Iterable[Policy] = (),
    items: Iterable[ServiceItem] = (),
) -> PolicyDocument:
    """Register a document of ``issuer`` (待发布); its publication deadline is counted from ``signed_on``."""
    if actor is not None:
        require_acts_for(actor, issuer, message=_("只有发文机关的工作人员可以登记政策文件"), field="issuer")
    number, title = number.strip(), title.strip()
    if not number:
        raise ValidationFailed(_("请填写文号"), field="number")
    if PolicyDocument.objects.filter(number=number).exists():
        raise Conflict(_("该文号已登记"), field="number")
    if not title:
        raise ValidationFailed(_("请填写标题"), field="title")
    if kind not in PolicyDocument.Kind.values:
        raise ValidationFailed(_("文件类别无效"), field="kind")
    if effective_from < signed_on:
        raise ValidationFailed(_("施行日期不能早于成文日期"), field="effective_from")
    if effective_until is not None and effective_until < effective_from:
        raise ValidationFailed(_("有效期至不能早于施行日期"), field="effective_until")
    clauses = split_clauses(body)
    if not clauses:
        raise ValidationFailed(_("请填写正文"), field="body")
    linked_policies, linked_items = _check_links(policies, items)
    document = PolicyDocument.objects.create(
        number=number,
        title=title,
        kind=kind,
        issuer=issuer,
        signed_on=signed_on,
        effective_from=effective_from,
        effective_until=effective_until,
        body=body.strip(),
        publication_due_on=add_working_days(signed_on, PUBLICATION_LIMIT),
    )
    DocumentClause.objects.bulk_create(
        [
            DocumentClause(document=document, position=n, label=label, text=text)
            for n, (label, text) in enumerate(clauses, start=1)
        ]
    )
    document.policies.set(linked_policies)
    document.items.set(linked_items)
    audit.record(
        "disclosure.document.create",
        actor=actor,
        obj=document,
        data={"number": number, "due_on": document.publication_due_on, "clauses": len(clauses)},
    )
    return document


@transaction.atomic
def publish_document(document: PolicyDocument, *, actor: User | None, on: dt.date | None = None) -> PolicyDocument:
    """主动公开 the document; a publication after the legal deadline is recorded as late, with the basis."""
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if actor is not None:
        require_acts_for(actor, document.issuer, message=_("只有发文机关的工作人员可以发布政策文件"))
    if document.status != PolicyDocument.Status.DRAFT:
        raise Conflict(_("该文件已发布或已废止"), field="status")
    document.status = PolicyDocument.Status.PUBLISHED
    document.published_on = on or timezone.localdate()
    document.save(update_fields=["status", "published_on"])
    audit.record(
        "disclosure.document.publish",
        actor=actor,
        obj=document,
        data={"published_on": document.published_on, "late": document.published_late, "basis": PUBLICATION_BASIS},
    )
    return document


@transaction.atomic
def repeal_document(document: PolicyDocument, *, actor: User, reason: str, on: dt.date | None = None) -> PolicyDocument:
    """废止: the document stays readable, marked repealed from ``on``."""
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    require_acts_for(actor, document.issuer, message=_("只有发文机关的工作人员可以废止政策文件"))
    if document.status != PolicyDocument.Status.PUBLISHED:
        raise Conflict(_("只有已发布的文件可以废止"), field="status")
    if not reason.strip():
        raise ValidationFailed(_("请写明废止理由"), field="reason")
    document.status = PolicyDocument.Status.REPEALED
    document.repealed_on = on or timezone.localdate()
    document.save(update_fields=["status", "repealed_on"])
    audit.record("disclosure.document.repeal", actor=actor, obj=document, reason=reason)
    return document


def _clean_qa(qa: Iterable[Any]) -> list[dict[str, str]]:
    cleaned = []
    for pair in qa:
        question = str((pair or {}).get("q", "")).strip()
        answer = str((pair or {}).get("a", "")).strip()
        if not question or not answer:
            raise ValidationFailed(_("每一组问答都要有问题和答案"), field="qa")
        cleaned.append({"q": question, "a": answer})
    return cleaned


def _clean_chart(chart: Iterable[Any]) -> list[list[Any]]:
    cleaned = []
    for row in chart:
        try:
            label, value = row
            cleaned.append([str(label), float(value)])
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(_("图表数据每行须为“标签, 数值”"), field="chart") from exc
    return cleaned


@transaction.atomic
def add_interpretation(
    document: PolicyDocument,
    *,
    actor: User | None,
    kind: str,
    title: str,
    body: str = "",
    chart: Iterable[Any] = (),
    qa: Iterable[Any] = (),
    author: Department | None = None,
    on: dt.date | None = None,
) -> Interpretation:
    """政策解读, published with (or after) the document by its issuer or the drafting department."""
    author = author or document.issuer
    if actor is not None:
        require_acts_for(actor, author, message=_("只有解读机关的工作人员可以发布解读"))
    if kind not in Interpretation.Kind.values:
        raise ValidationFailed(_("解读形式无效"), field="kind")
    if not title.strip():
        raise ValidationFailed(_("请填写标题"), field="title")
    cleaned_qa, cleaned_chart = _clean_qa(qa), _clean_chart(chart)
    if kind == Interpretation.Kind.TEXT and not body.strip():
        raise ValidationFailed(_("文字解读须有内容"), field="body")
    if kind == Interpretation.Kind.CHART and not cleaned_chart:
        raise ValidationFailed(_("图表解读须有图表数据"), field="chart")
    if kind == Interpretation.Kind.QA and not cleaned_qa:
        raise ValidationFailed(_("问答解读须至少有一组问答"), field="qa")
    interpretation = Interpretation.objects.create(
        document=document,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        chart=cleaned_chart,
        qa=cleaned_qa,
        author=author,
        published_on=on or timezone.localdate(),
    )
    audit.record("disclosure.interpretation.add", actor=actor, obj=interpretation, data={"document": document.number})
    return interpretation


@transaction.atomic
def link_clause(
    clause: DocumentClause, *, actor: User | None, policy: Policy | None = None, item: ServiceItem | None = None
) -> DocumentClause:
    """Say which 免申即享 policy or service item implements one article; the document links to both as well."""
    if actor is not None:
        require_acts_for(actor, clause.document.issuer, message=_("只有发文机关的工作人员可以维护条款关联"))
    if item is not None:
        _check_links((), [item])
    clause.policy, clause.item = policy, item
    clause.save(update_fields=["policy", "item"])
    if policy is not None:
        clause.document.policies.add(policy)
    if item is not None:
        clause.document.items.add(item)
    audit.record(
        "disclosure.clause.link",
        actor=actor,
        obj=clause.document,
        data={
            "clause": clause.label,
            "policy": policy.code if policy else None,
            "item": item.item_code if item else None,
        },
    )
    return clause


def publication_report(*, today: dt.date | None = None) -> dict[str, Any]:
    """Documents by publication timeliness: on time, late, and still unpublished (overdue or not yet)."""
    today = today or timezone.localdate()
    docs = list(PolicyDocument.objects.select_related("issuer").order_by("publication_due_on"))
    published = [d for d in docs if d.published_on is not None]
    pending = [d for d in docs if d.published_on is None]
    late = [d for d in published if d.published_late]
    return {
        "total": len(docs),
        "on_time": len(published) - len(late),
        "late": late,
        "overdue": [d for d in pending if d.publication_due_on < today],
        "pending": [d for d in pending if d.publication_due_on >= today],
        "rate": (len(published) - len(late)) / len(published) if published else None,
    }
