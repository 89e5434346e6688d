"""政务公开: policy documents and their interpretations, disclosure requests, the 民生实事 loop, questions.

Legal time limits cited here come from 《中华人民共和国政府信息公开条例》(2019 修订): 第二十六条 (主动公开: within
20 working days of the information being formed or changed) and 第三十三条 (依申请公开: reply within 20 working
days of receipt, extendable once by at most 20 working days with the approval of the head of the office).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division


class PolicyDocument(models.Model):
    """A policy document (政策文件) with its number (文号), issuer, dates, validity and full text."""

    class Kind(models.TextChoices):
        NORMATIVE = "normative", _("行政规范性文件")
        POLICY = "policy", _("其他政策文件")
        PLAN = "plan", _("规划计划")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待发布")
        PUBLISHED = "published", _("已发布")
        REPEALED = "repealed", _("已废止")

    number = models.CharField(_("文号"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("文件类别"), max_length=16, choices=Kind.choices, default=Kind.POLICY)
    issuer = models.ForeignKey(Department, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("成文日期"))
    effective_from = models.DateField(_("施行日期"))
    effective_until = models.DateField(_("有效期至"), null=True, blank=True)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    publication_due_on = models.DateField(_("法定公开期限"), editable=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True, editable=False)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True, editable=False)
    policies = models.ManyToManyField(
        "policies.Policy", verbose_name=_("落实的免申即享政策"), blank=True, related_name="documents"
    )
    items = models.ManyToManyField(
        "catalog.ServiceItem", verbose_name=_("落实的政务服务事项"), blank=True, related_name="documents"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=models.F("effective_from")),
                name="disclosure_document_validity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def is_in_force(self, on) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.effective_from <= on
            and (self.effective_until is None or on <= self.effective_until)
        )

    @property
    def published_late(self) -> bool:
        return self.published_on is not None and self.published_on > self.publication_due_on


class DocumentClause(models.Model):
    """One article (条款) of a document's text, linked to what implements it; cited by the Q&A."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("条款"), max_length=32)
    text = models.TextField(_("条文"))
    policy = models.ForeignKey(
        "policies.Policy",
        verbose_name=_("落实政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("落实事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("文件条款")
        verbose_name_plural = _("文件条款")
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="disclosure_clause_position")]

    def __str__(self) -> str:
        return f"{self.document.number} {self.label}"


class Interpretation(models.Model):
    """A 政策解读 of a document: text, a chart (label/value pairs) or questions and answers."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字解读")
        CHART = "chart", _("图表解读")
        QA = "qa", _("问答解读")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="interpretations")
    kind = models.CharField(_("解读形式"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("解读内容"), blank=True)
    chart = models.JSONField(_("图表数据"), default=list, blank=True, help_text=_("[[标签, 数值], …]"))
    qa = models.JSONField(_("问答"), default=list, blank=True, help_text=_("问答列表，每项含 q（问）与 a（答）"))
    author = models.ForeignKey(Department, verbose_name=_("解读机关"), on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("发布日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")
        ordering = ["document", "published_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DisclosureRequest(models.Model):
    """依申请公开: a request for government information, answered within its working-day limit."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("办理中")
        EXTENDED = "extended", _("已延期")
        REPLIED = "replied", _("已答复")

    class Outcome(models.TextChoices):
        DISCLOSED = "disclosed", _("予以公开")
        PARTIAL = "partial", _("部分公开")
        REFUSED = "refused", _("不予公开")
        NOT_EXIST = "not_exist", _("本机关不掌握相关政府信息")
        NOT_OURS = "not_ours", _("非本机关负责公开")
        ALREADY_PUBLIC = "already_public", _("已主动公开")

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    department = models.ForeignKey(Department, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requester_name = models.CharField(_("申请人姓名或名称"), max_length=128)
    contact = models.CharField(_("联系方式"), max_length=128)
    description = models.TextField(_("所需信息的名称、文号或便于查询的其他特征性描述"))
    form_of_delivery = models.CharField(_("获取信息的方式"), max_length=32, default="online")
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    received_on = models.DateField(_("收到申请日期"))
    due_on = models.DateField(_("答复期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    outcome = models.CharField(_("答复结果"), max_length=16, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    legal_basis = models.CharField(_("答复依据"), max_length=300, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("依申请公开")
        verbose_name_plural = _("依申请公开")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "idempotency_key"], name="disclosure_request_idempotent")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def replied_late(self) -> bool:
        return self.replied_on is not None and self.replied_on > self.due_on


# --- 民生实事: 群众提、政协商、部门研、人大定、政府办、群众评 ----------------------------------------------------


class LivelihoodRound(models.Model):
    """One year's 民生实事 list of one division, from proposals to the citizens' rating of delivery."""

    class Stage(models.TextChoices):
        PROPOSING = "proposing", _("群众提")
        CONSULTING = "consulting", _("政协商")
        STUDYING = "studying", _("部门研")
        VOTING = "voting", _("人大定")
        DELIVERING = "delivering", _("政府办")
        RATING = "rating", _("群众评")
        CLOSED = "closed", _("已结束")

    year = models.PositiveSmallIntegerField(_("年度"))
    division = models.ForeignKey(Division, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(Department, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("拟票决产生项目数"))
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.PROPOSING, editable=False)
    tally = models.JSONField(_("计票结果"), default=dict, blank=True, editable=False)
    tally_sm3 = models.CharField(_("选票摘要（SM3）"), max_length=64, blank=True, editable=False)
    representativeness = models.JSONField(_("代表性分析（差分隐私）"), default=dict, blank=True, editable=False)
    previous = models.ForeignKey(
        "self", verbose_name=_("上一年度"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("民生实事年度")
        verbose_name_plural = _("民生实事年度")
        ordering = ["-year", "division_id"]
        constraints = [models.UniqueConstraint(fields=["year", "division"], name="disclosure_round_year")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """A candidate project (候选项目): similar proposals grouped, consulted, studied, put on the ballot."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("待研究")
        FEASIBLE = "feasible", _("可行")
        INFEASIBLE = "infeasible", _("不可行")

    round = models.ForeignKey(LivelihoodRound, on_delete=models.CASCADE, related_name="candidates")
    code = models.CharField(_("编号"), max_length=32, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    summary = models.TextField(_("项目内容"))
    department = models.ForeignKey(Department, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    feasibility = models.CharField(
        _("可行性"), max_length=16, choices=Feasibility.choices, default=Feasibility.PENDING, editable=False
    )
    cost = models.DecimalField(_("估算投资（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    study_note = models.TextField(_("部门研究意见"), blank=True)
    on_ballot = models.BooleanField(_("列入票决"), default=False, editable=False)
    votes = models.PositiveIntegerField(_("得票数"), default=0, editable=False)
    chosen = models.BooleanField(_("票决当选"), default=False, editable=False)
    item = models.OneToOneField(
        "supervision.Item",
        verbose_name=_("督查事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="livelihood_candidate",
        editable=False,
    )
    carried_from = models.ForeignKey(
        "self", verbose_name=_("承接上年项目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("候选项目")
        verbose_name_plural = _("候选项目")
        ordering = ["round", "code"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """群众提: one citizen's proposal, grouped with similar ones into a candidate."""

    round = models.ForeignKey(LivelihoodRound, on_delete=models.CASCADE, related_name="proposals")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    title = models.CharField(_("建议标题"), max_length=120)
    body = models.TextField(_("建议内容"))
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("归入候选项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    similarity = models.FloatField(_("与候选项目相似度"), default=0.0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众建议")
        verbose_name_plural = _("群众建议")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposer", "idempotency_key"], name="disclosure_proposal_idempotent")
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationComment(models.Model):
    """政协商: a CPPCC member's comment on a candidate, recorded from the consultation meeting."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="comments")
    STANCES = (("support", _("赞成")), ("revise", _("建议修改")), ("oppose", _("不赞成")))

    member = models.CharField(_("政协委员"), max_length=64)
    stance = models.CharField(_("意见"), max_length=8, choices=STANCES)
    body = models.TextField(_("协商意见"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政协协商意见")
        verbose_name_plural = _("政协协商意见")
        ordering = ["candidate", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.member}: {self.body[:20]}"


class Ballot(models.Model):
    """人大定: one deputy's ballot of the competitive vote (差额票决); the count is recomputed from these rows."""

    class Source(models.TextChoices):
        ELECTRONIC = "electronic", _("电子表决")
        PAPER = "paper", _("纸质选票")

    round = models.ForeignKey(LivelihoodRound, on_delete=models.CASCADE, related_name="ballots")
    serial = models.CharField(_("选票编号"), max_length=32)
    deputy = models.CharField(_("人大代表编号"), max_length=32)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    choices = models.JSONField(_("赞成的候选项目编号"), default=list)
    valid = models.BooleanField(_("有效票"), default=True)
    invalid_reason = models.CharField(_("无效原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("票决选票")
        verbose_name_plural = _("票决选票")
        ordering = ["round", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["round", "serial"], name="disclosure_ballot_serial"),
            models.UniqueConstraint(fields=["round", "deputy"], name="disclosure_ballot_deputy"),
        ]

    def __str__(self) -> str:
        return self.serial


class DeliveryRating(models.Model):
    """群众评: a citizen's 1–5 rating of a delivered project; low ratings are carried into next year's list."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实事评价")
        verbose_name_plural = _("实事评价")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "rater"], name="disclosure_rating_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="disclosure_rating_score"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.score}"


# --- 智能问答 ------------------------------------------------------------------------------------------------------


class Question(models.Model):
    """A question asked of the Q&A, with the answer it got; below the confidence threshold a person replies."""

    class Status(models.TextChoices):
        ANSWERED = "answered", _("已自动答复")
        HANDED_OFF = "handed_off", _("待人工答复")
        REPLIED = "replied", _("已人工答复")

    text = models.CharField(_("问题"), max_length=300)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.CharField(_("联系方式"), max_length=128, blank=True)
    answer = models.JSONField(_("自动答复"), default=dict)
    confidence = models.FloatField(_("置信度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("分派部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("人工答复"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("咨询问题")
        verbose_name_plural = _("咨询问题")
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.text
