"""一网可答: grounded Q&A over what is published, with citations; below the threshold, a person answers.

Answers are drawn only from published text: service guides (办事指南), policy documents' articles, their
interpretations' questions and answers, and the 免申即享 policies. The answer is the best passage's sentences that
hold the question's words, cited with a link; when the best passage covers less than :data:`THRESHOLD` of the
question's information the answer is "I don't know" and the question is handed to a person of the department
whose text came closest (or to the organiser of 政务公开 when nothing came close).

"Am I eligible" questions (是否符合 / 能不能享受 …) from an enterprise's agent call the policy calculator and answer
with its explanation: the policies the enterprise qualifies for, their amounts, and the conditions still missing.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.applications.models import Application
from yiwang.catalog.models import ItemStatus, LifeEvent, ServiceItem
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.notify import notify
from yiwang.disclosure.bm25 import Bm25Index, Hit, Passage
from yiwang.disclosure.models import DocumentClause, Interpretation, PolicyDocument, Question
from yiwang.disclosure.services.routing import route
from yiwang.disclosure.text import terms
from yiwang.policies.models import Policy
from yiwang.policies.services import calculator
from yiwang.registries.models import LegalEntity, Person

__all__ = [
    "THRESHOLD",
    "answer",
    "ask",
    "build_passages",
    "current_index",
    "is_eligibility_question",
    "recommend",
    "reply_question",
]

#: Share of the question's information the best passage must hold for an automatic answer.
THRESHOLD = 0.5
_ELIGIBILITY = re.compile(
    r"(符合|够不够|能不能享受|能否享受|可以享受|可不可以享受|有没有资格|有资格|能领|能不能领|能拿|我.*享受)"
)
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


def threshold() -> float:
    return float(getattr(settings, "YIWANG_QA_THRESHOLD", THRESHOLD))


_ENTERPRISE = re.compile(r"(企业|公司|单位|我司|本企业|贵企业|商户|个体户)")


def is_eligibility_question(text: str, user: Any = None) -> bool:
    """ "Does my enterprise qualify" (an enterprise's question, or any eligibility question of an agent)."""
    if not _ELIGIBILITY.search(text):
        return False
    return bool(_ENTERPRISE.search(text)) or getattr(user, "kind", "") == User.Kind.AGENT


# --- the index --------------------------------------------------------------------------------------------------


def _passage(kind: str, ref: str, title: str, text: str, url: str, *, weight_title: int = 2, **extra: Any) -> Passage:
    words = tuple(terms(" ".join([title] * weight_title + [text])))
    return Passage(kind=kind, ref=ref, title=title, text=text, url=url, words=words, extra=extra)


def build_passages() -> list[Passage]:
    """Every citable passage of what is published now."""
    passages: list[Passage] = []
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department")
    for item in items.iterator(chunk_size=2000):
        text = "。".join(
            part
            for part in (
                f"{item.name}由{item.department.name}办理",
                f"受理条件：{item.conditions}",
                f"承诺时限：{item.promised_time_limit}个工作日" if item.promised_time_limit else "即办",
                f"办理结果：{item.result_name}" if item.result_name else "",
                f"咨询电话：{item.contact_phone}" if item.contact_phone else "",
            )
            if part
        )
        passages.append(
            _passage(
                "item",
                item.item_code,
                item.name,
                f"{text}。{item.keywords}",
                reverse("catalog:guide", args=[item.item_code]),
                weight_title=3,
                department_id=item.department_id,
                item_code=item.item_code,
                answer_text=text,
            )
        )
    clauses = DocumentClause.objects.filter(document__status=PolicyDocument.Status.PUBLISHED).select_related("document")
    for clause in clauses.iterator(chunk_size=2000):
        doc = clause.document
        url = reverse("disclosure:document", args=[doc.pk]) + f"#clause-{clause.position}"
        passages.append(
            _passage(
                "clause",
                f"{doc.number} {clause.label}",
                doc.title,
                clause.text,
                url,
                weight_title=1,
                department_id=doc.issuer_id,
            )
        )
    interpretations = Interpretation.objects.filter(document__status=PolicyDocument.Status.PUBLISHED).select_related(
        "document"
    )
    for interp in interpretations.iterator(chunk_size=2000):
        url = reverse("disclosure:document", args=[interp.document_id]) + f"#interpretation-{interp.pk}"
        for n, pair in enumerate(interp.qa, start=1):
            passages.append(
                _passage(
                    "qa",
                    f"{interp.document.number} {interp.title} 问{n}",
                    pair["q"],
                    pair["a"],
                    url,
                    department_id=interp.author_id,
                    answer_text=pair["a"],
                )
            )
        if interp.body:
            passages.append(
                _passage("interpretation", interp.document.number, interp.title, interp.body, url, weight_title=1,
                         department_id=interp.author_id)
            )  # fmt: skip
    for policy in Policy.objects.filter(status=Policy.Status.PUBLISHED).iterator(chunk_size=2000):
        passages.append(
            _passage(
                "policy",
                policy.code,
                policy.title,
                f"{policy.title}。兑现方式：{policy.get_route_display()}。依据：{policy.legal_references}",
                reverse("policies:notice", args=[policy.code]),
                department_id=policy.department_id,
            )
        )
    return passages


def _stamp() -> tuple[Any, ...]:
    """Changes whenever something citable is published, changed or withdrawn (four small aggregate queries)."""
    return (
        tuple(
            ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
            .aggregate(n=Count("pk"), t=Max("updated_at"))
            .values()
        ),
        tuple(
            PolicyDocument.objects.filter(status=PolicyDocument.Status.PUBLISHED)
            .aggregate(n=Count("pk"), c=Count("clauses"), m=Max("created_at"), p=Max("published_on"))
            .values()
        ),
        tuple(Interpretation.objects.aggregate(n=Count("pk"), m=Max("created_at")).values()),
        tuple(
            Policy.objects.filter(status=Policy.Status.PUBLISHED).aggregate(n=Count("pk"), m=Max("created_at")).values()
        ),
    )


_cache: dict[str, Any] = {}
_cache_lock = threading.Lock()


def current_index() -> Bm25Index:
    """The index of what is published now, rebuilt when anything citable has changed since the last build."""
    stamp = _stamp()
    if _cache.get("stamp") != stamp:
        with _cache_lock:
            if _cache.get("stamp") != stamp:
                _cache["index"] = Bm25Index(build_passages())
                _cache["stamp"] = stamp
    return _cache["index"]


# --- answering --------------------------------------------------------------------------------------------------


def _extract(hit: Hit) -> str:
    """The sentences of the passage that hold the question's words (at most three), in their order."""
    source = hit.passage.extra.get("answer_text") or hit.passage.text
    sentences = [s.strip() for s in _SENTENCE.findall(source) if s.strip()]
    if len(sentences) <= 3:
        return source.strip()
    scored = [(sum(1 for w in hit.matched if w in s), i) for i, s in enumerate(sentences)]
    best = sorted(i for _n, i in sorted(scored, key=lambda t: (-t[0], t[1]))[:3])
    return "".join(sentences[i] if sentences[i][-1] in "。；！？" else sentences[i] + "。" for i in best)


def _citation(hit: Hit) -> dict[str, Any]:
    return {
        "kind": hit.passage.kind,
        "ref": hit.passage.ref,
        "title": hit.passage.title,
        "url": hit.passage.url,
        "score": round(hit.score, 3),
    }


def _eligibility(user: Any) -> dict[str, Any]:
    uscc = getattr(user, "enterprise_uscc", "") if getattr(user, "is_authenticated", False) else ""
    entity = LegalEntity.objects.filter(uscc=uscc).first() if uscc else None
    if entity is None:
        return {
            "kind": "eligibility",
            "text": _(
                "判断是否符合政策条件，需要按企业的数据计算：请以企业经办人身份登录后再问，或打开“惠企政策”查看。"
            ),
            "citations": [
                {
                    "kind": "page",
                    "ref": "",
                    "title": _("惠企政策 · 免申即享"),
                    "url": reverse("policies:mine"),
                    "score": 1.0,
                }
            ],
            "confidence": 1.0,
            "eligible": [],
            "near_misses": [],
        }
    result = calculator(entity)
    codes = [e["policy_id"] for e in result["eligible"]] + [n["policy_id"] for n in result["near_misses"]]
    urls = {code: reverse("policies:notice", args=[code]) for code in codes}
    if result["eligible"]:
        listed = "；".join(
            f"{e['title']}（{_('约 %(amount)s 元') % {'amount': e['amount']} if e['amount'] else _('金额待核定')}）"
            for e in result["eligible"]
        )
        text = _("根据政府基础库中%(name)s的数据，贵企业符合 %(n)d 项政策：%(list)s。") % {
            "name": entity.name,
            "n": len(result["eligible"]),
            "list": listed,
        }
    else:
        text = _("根据政府基础库中%(name)s的数据，贵企业目前尚不符合已发布政策的条件。") % {"name": entity.name}
    near = result["near_misses"][:5]
    if near:
        text += (
            _("差一个条件即可享受：")
            + "；".join(f"{n['title']}——{n['description']}（{n['clause']}）" for n in near)
            + "。"
        )
    return {
        "kind": "eligibility",
        "text": text,
        "citations": [
            {"kind": "policy", "ref": code, "title": title, "url": urls[code], "score": 1.0}
            for code, title in dict(
                [(e["policy_id"], e["title"]) for e in result["eligible"]]
                + [(n["policy_id"], n["title"]) for n in near]
            ).items()
        ],
        "confidence": 1.0,
        "eligible": result["eligible"],
        "near_misses": near,
    }


def answer(text: str, *, user: Any = None, k: int = 5) -> dict[str, Any]:
    """The answer to ``text`` (not stored): ``{kind, text, citations, confidence, department_id, hits}``.

    ``kind`` is ``answer``, ``eligibility`` or ``unknown``; an unknown answer names no source and is handed off.
    """
    question = text.strip()
    if is_eligibility_question(question, user):
        return _eligibility(user)
    index = current_index()
    hits = index.search(terms(question), k=k)
    confidence = hits[0].coverage if hits else 0.0
    ranked = [{"ref": h.passage.ref, "kind": h.passage.kind, "url": h.passage.url} for h in hits]
    if not hits or confidence < threshold():
        return {
            "kind": "unknown",
            "text": _("抱歉，已公开的办事指南和政策文件中没有找到可靠的答案。您的问题已转人工，工作人员将尽快答复。"),
            "citations": [],
            "confidence": round(confidence, 3),
            "department_id": hits[0].passage.extra.get("department_id") if hits and confidence > 0.3 else None,
            "hits": ranked,
        }
    best = hits[0]
    cited, titles = [], set()
    for hit in hits:  # one citation per title: the same item of two districts is one source for the reader
        if hit.score >= 0.5 * best.score and hit.coverage >= threshold() and hit.passage.title not in titles:
            cited.append(hit)
            titles.add(hit.passage.title)
    cited = cited[:3]
    return {
        "kind": "answer",
        "text": _extract(best),
        "citations": [_citation(h) for h in cited],
        "confidence": round(confidence, 3),
        "department_id": best.passage.extra.get("department_id"),
        "hits": ranked,
    }


def ask(text: str, *, user: Any = None, contact: str = "") -> Question:
    """Answer a question and keep it; one below the threshold waits for a person (转人工)."""
    question = text.strip()
    if len(question) < 2:
        raise ValidationFailed(_("请输入您的问题"), field="text")
    if len(question) > 300:
        raise ValidationFailed(_("问题请不超过300字"), field="text")
    result = answer(question, user=user)
    asker = user if getattr(user, "is_authenticated", False) else None
    handed_off = result["kind"] == "unknown"
    if handed_off and asker is None and not contact.strip():
        raise ValidationFailed(_("转人工答复需要联系方式：请登录或留下手机号码"), field="contact")
    department_id = result.pop("department_id", None)
    department_id = _hand_off_to(question, asker, department_id) if handed_off else None
    with transaction.atomic():
        return Question.objects.create(
            text=question,
            asker=asker,
            contact=contact.strip(),
            answer=result,
            confidence=result["confidence"],
            status=Question.Status.HANDED_OFF if handed_off else Question.Status.ANSWERED,
            department_id=department_id,
        )


def _hand_off_to(question: str, asker: User | None, closest: int | None) -> int | None:
    """The department a handed-off question goes to: the complaint model's, at the asker's address; else the
    department whose published text came closest; else nobody (any official may take it)."""
    division = ""
    if asker is not None and asker.id_number:
        person = Person.objects.with_id_number(asker.id_number).first()
        division = person.division_id if person else ""
    routed = route(text=question, division_code=division)
    return routed.department.pk if routed.department is not None else closest


@transaction.atomic
def reply_question(question: Question, *, actor: User, reply: str) -> Question:
    """A person's answer to a handed-off question (by the department it went to, or any official if none)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    require_acts_for(actor, question.department, message=_("该问题已分派给其他部门"))
    if question.status != Question.Status.HANDED_OFF:
        raise Conflict(_("该问题已答复"), field="reply")
    if len(reply.strip()) < 4:
        raise ValidationFailed(_("请填写答复内容"), field="reply")
    question.reply, question.replied_by, question.replied_at = reply.strip(), actor, timezone.now()
    question.status = Question.Status.REPLIED
    question.save(update_fields=["reply", "replied_by", "replied_at", "status"])
    audit.record("disclosure.question.reply", actor=actor, obj=question)
    if question.asker is not None:
        notify(
            question.asker,
            _("您的咨询已有人工答复"),
            question.reply,
            url=reverse("disclosure:question", args=[question.pk]),
            dedupe_key=f"disclosure.question.reply:{question.pk}",
            obj=question,
        )
    return question


# --- recommendations (智能推荐) -----------------------------------------------------------------------------------


def recommend(*, user: Any = None, life_event: str = "", limit: int = 6) -> dict[str, list[ServiceItem]]:
    """Items by life event, and what applicants of the same items applied for next (co-occurrence)."""
    published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    by_event: list[ServiceItem] = []
    if life_event in LifeEvent.values:
        by_event = list(published.filter(life_events_key__contains=f"|{life_event}|").order_by("item_code")[:limit])
    next_steps: list[ServiceItem] = []
    if getattr(user, "is_authenticated", False):
        mine = list(
            Application.objects.filter(submitted_by=user)
            .order_by("-submitted_at")
            .values_list("item_id", flat=True)[:5]
        )
        if mine:
            peers = (
                Application.objects.filter(item_id__in=mine)
                .exclude(submitted_by=user)
                .values_list("submitted_by_id", flat=True)
                .distinct()[:2000]
            )
            counts = Counter(
                Application.objects.filter(submitted_by_id__in=list(peers))
                .exclude(item_id__in=mine)
                .values_list("item_id", flat=True)
            )
            ids = [item_id for item_id, _n in counts.most_common(limit)]
            found = {i.pk: i for i in published.filter(pk__in=ids)}
            next_steps = [found[i] for i in ids if i in found]
    return {"by_event": by_event, "next_steps": next_steps}
