"""互联网+监管: item lists, the two rosters, plans, verifiable draws, inspections and enforcement cases.

State fields (a draw's commitment and result, an inspection's status, a case's step) change only through
``regulation.services``; admin shows them read-only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.registries.models import LegalEntity, Person


class ItemKind(models.TextChoices):
    GENERAL = "general", _("一般检查事项")
    KEY = "key", _("重点检查事项")


class ObjectType(models.TextChoices):
    ENTITY = "entity", _("市场主体")
    PREMISES = "premises", _("场所")
    PRODUCT = "product", _("产品")
    PROJECT = "project", _("工程项目")


class RegulatoryItem(models.Model):
    """A line of the inspection list (监管事项 / 随机抽查事项清单) of one department."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="regulatory_items"
    )
    legal_basis = models.CharField(_("法律依据"), max_length=500)
    object_type = models.CharField(_("检查对象类型"), max_length=16, choices=ObjectType.choices)
    kind = models.CharField(_("事项类别"), max_length=16, choices=ItemKind.choices, default=ItemKind.GENERAL)
    check_content = models.TextField(_("检查内容"), blank=True)
    documents = models.TextField(_("需准备的材料"), blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("监管事项")
        verbose_name_plural = _("监管事项")
        ordering = ["department_id", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InspectionObject(models.Model):
    """An entry of the roster of inspected objects (检查对象名录库): an entity or its premises, product, project."""

    code = models.CharField(_("对象编码"), max_length=64, unique=True, help_text=_("市场主体为统一社会信用代码"))
    object_type = models.CharField(_("对象类型"), max_length=16, choices=ObjectType.choices)
    entity = models.ForeignKey(
        LegalEntity, verbose_name=_("所属市场主体"), on_delete=models.PROTECT, related_name="inspection_objects"
    )
    name = models.CharField(_("名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["code"]
        indexes = [models.Index(fields=["object_type", "division"])]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    """An entry of the roster of law-enforcement officers (执法检查人员名录库)."""

    certificate_no = models.CharField(_("执法证号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        User, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="inspector"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人口库记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    qualifications = models.ManyToManyField(
        RegulatoryItem, verbose_name=_("执法资质（可检查事项）"), blank=True, related_name="qualified_inspectors"
    )
    specialties = models.CharField(_("业务专长"), max_length=200, blank=True)
    available = models.BooleanField(_("可参加抽查"), default=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["certificate_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


class InspectorRelation(models.Model):
    """A declared relation of an officer that requires recusal (回避): a relative, a former employer."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("近亲属")
        FORMER_EMPLOYER = "former_employer", _("曾任职单位")
        OTHER = "other", _("其他利害关系")

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("关系"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("关系人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entity = models.ForeignKey(
        LegalEntity, verbose_name=_("关系单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(entity__isnull=False), name="regulation_relation_has_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} {self.get_kind_display()}"


class SamplingRatio(models.Model):
    """Sampling ratio (抽查比例) and yearly frequency limit by year, division, item kind and credit-risk class."""

    year = models.PositiveIntegerField(_("年度"))
    division = models.ForeignKey(Division, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    item_kind = models.CharField(_("事项类别"), max_length=16, choices=ItemKind.choices)
    risk_class = models.CharField(_("信用风险分类"), max_length=1, choices=[(c, c) for c in "ABCD"])
    ratio_bp = models.PositiveIntegerField(_("抽查比例（万分比）"), help_text=_("500 即 5%"))
    max_per_year = models.PositiveIntegerField(
        _("每年最多检查次数"), null=True, blank=True, help_text=_("空为不限；投诉举报、线索除外")
    )

    class Meta:
        verbose_name = _("抽查比例")
        verbose_name_plural = _("抽查比例")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "division", "item_kind", "risk_class"], name="regulation_ratio_once"
            ),
            models.CheckConstraint(condition=Q(ratio_bp__lte=10000), name="regulation_ratio_at_most_100pct"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.item_kind} {self.risk_class} {self.ratio_bp / 100:g}%"


class InspectionPlan(models.Model):
    """An annual or special sampling plan (抽查计划), of one department or joint (several departments' tasks)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度计划")
        SPECIAL = "special", _("专项计划")

    code = models.CharField(_("计划编号"), max_length=64, unique=True)
    name = models.CharField(_("计划名称"), max_length=200)
    kind = models.CharField(_("计划类型"), max_length=16, choices=Kind.choices, default=Kind.ANNUAL)
    year = models.PositiveIntegerField(_("年度"))
    division = models.ForeignKey(Division, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey(
        Department, verbose_name=_("发起部门"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("检查期间起"))
    period_end = models.DateField(_("检查期间止"))
    created_by = models.ForeignKey(User, verbose_name=_("制定人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="regulation_plan_period")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_joint(self) -> bool:
        return self.tasks.values("department").distinct().count() > 1


class PlanTask(models.Model):
    """One department's part of a plan: its items and, for a targeted (定向) task, the industries sampled."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(RegulatoryItem, verbose_name=_("检查事项"), related_name="+")
    industries = models.JSONField(_("定向抽查行业代码"), default=list, blank=True, help_text=_("空为不定向"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("计划任务")
        verbose_name_plural = _("计划任务")
        ordering = ["plan_id", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} / {self.department}"


class InspectionDraw(models.Model):
    """A verifiable 双随机 draw: commitment first, then a named future randomness, then the deterministic result.

    Never deleted: a re-draw is a new draw with ``redraw_of`` and a reason.
    """

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已公布承诺，待随机数")
        DRAWN = "drawn", _("已抽取")
        SUPERSEDED = "superseded", _("已被重新抽取取代")

    class Source(models.TextChoices):
        BEACON = "beacon", _("公共随机信标轮次（drand）")
        LOTTERY = "lottery", _("公开开奖结果（RFC 3797）")

    number = models.CharField(_("抽取编号"), max_length=32, unique=True)
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="draws")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.COMMITTED)
    algorithm = models.CharField(_("算法版本"), max_length=32)
    plan_json = models.TextField(_("计划快照"))
    targets_tsv = models.TextField(_("检查对象名录快照"))
    officers_tsv = models.TextField(_("执法人员名录快照"))
    commitment = models.CharField(_("承诺值（SM3）"), max_length=64)
    source = models.CharField(_("随机数来源"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(
        _("随机数来源说明"), max_length=200, help_text=_("信标轮次号，或开奖的彩种与期号")
    )
    randomness = models.TextField(_("随机数取值"), blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    result_json = models.TextField(_("抽取结果"), blank=True)
    result_hash = models.CharField(_("结果摘要（SM3）"), max_length=64, blank=True)
    redraw_of = models.ForeignKey(
        "self", verbose_name=_("重新抽取自"), null=True, blank=True, on_delete=models.PROTECT, related_name="redraws"
    )
    redraw_reason = models.CharField(_("重新抽取原因"), max_length=500, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"))
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-committed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(redraw_of__isnull=True) | ~Q(redraw_reason=""), name="regulation_redraw_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Lead(models.Model):
    """A complaint (投诉举报) or a lead (线索, e.g. from risk monitoring) about an entity."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉举报")
        LEAD = "lead", _("线索")

    entity = models.ForeignKey(LegalEntity, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    summary = models.CharField(_("内容摘要"), max_length=500)
    received_on = models.DateField(_("收到日期"))
    open = models.BooleanField(_("未办结"), default=True)

    class Meta:
        verbose_name = _("投诉举报与线索")
        verbose_name_plural = _("投诉举报与线索")
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return self.summary


class Inspection(models.Model):
    """One visit to one object (进一次门、查多项事): one or several departments' parts, with its 行政行为码."""

    class Status(models.TextChoices):
        DRAWN = "drawn", _("已抽取")
        NOTIFIED = "notified", _("已告知")
        IN_PROGRESS = "in_progress", _("检查中")
        SUBMITTED = "submitted", _("待审核")
        PUBLISHED = "published", _("已公示")

    class Result(models.TextChoices):
        PASS = "pass", _("未发现问题")
        ISSUES = "issues", _("发现问题已责令改正")
        VIOLATION = "violation", _("发现问题待后续处理")
        ABSENT = "absent", _("通过登记的住所（经营场所）无法联系")

    code = models.CharField(_("行政行为码"), max_length=32, unique=True)
    target = models.ForeignKey(
        InspectionObject, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="inspections"
    )
    year = models.PositiveIntegerField(_("年度"))
    period_start = models.DateField(_("检查期间起"))
    period_end = models.DateField(_("检查期间止"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAWN)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    result = models.CharField(_("检查结果"), max_length=16, choices=Result.choices, blank=True)
    result_summary = models.TextField(_("结果说明"), blank=True)
    publish_due_on = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-period_start", "code"]
        indexes = [models.Index(fields=["target", "year"])]

    def __str__(self) -> str:
        return f"{self.code} {self.target}"

    def active_parts(self) -> models.QuerySet[InspectionPart]:
        return self.parts.filter(active=True).select_related("department", "draw")

    def officer_list(self) -> list[Inspector]:
        return list(Inspector.objects.filter(parts__inspection=self, parts__active=True).distinct())


class InspectionPart(models.Model):
    """One department's share of a visit, from one draw; several parts make a joint visit (综合查一次)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="parts")
    draw = models.ForeignKey(InspectionDraw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="parts")
    department = models.ForeignKey(Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(RegulatoryItem, verbose_name=_("检查事项"), related_name="+")
    officers = models.ManyToManyField(Inspector, verbose_name=_("检查人员"), related_name="parts")
    active = models.BooleanField(_("有效"), default=True, help_text=_("重新抽取后原抽取的部分失效，不删除"))

    class Meta:
        verbose_name = _("检查部分")
        verbose_name_plural = _("检查部分")

    def __str__(self) -> str:
        return f"{self.inspection.code} {self.department}"


class ChecklistEntry(models.Model):
    """The officers' finding on one item of a visit, with evidence."""

    class Outcome(models.TextChoices):
        OK = "ok", _("符合")
        ISSUE = "issue", _("不符合")
        NOT_APPLICABLE = "na", _("不适用")

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(RegulatoryItem, verbose_name=_("检查事项"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("检查情况"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    evidence = models.FileField(_("证据"), upload_to="regulation/evidence/%Y/", blank=True)
    filled_by = models.ForeignKey(Inspector, verbose_name=_("填写人"), on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField(_("填写时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="regulation_entry_once")]

    def __str__(self) -> str:
        return f"{self.inspection.code} {self.item.code}"


class OfficerRating(models.Model):
    """The firm's rating of the officers of a visit (查后用码评价), and an objection if any."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    objection = models.TextField(_("异议"), blank=True)
    rated_by = models.ForeignKey(User, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查评价")
        verbose_name_plural = _("检查评价")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="regulation_score_1_5")]

    def __str__(self) -> str:
        return f"{self.inspection.code} {self.score}"


class EnforcementCase(models.Model):
    """An administrative penalty or coercion case (行政处罚 / 行政强制), step by step within legal time limits."""

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("行政处罚")
        COERCION = "coercion", _("行政强制")

    class Origin(models.TextChoices):
        INSPECTION = "inspection", _("检查发现")
        COMPLAINT = "complaint", _("投诉举报")
        LEAD = "lead", _("线索移送")

    class Step(models.TextChoices):
        FILED = "filed", _("立案")
        INVESTIGATION = "investigation", _("调查取证")
        NOTIFICATION = "notification", _("告知（陈述申辩、听证）")
        LEGAL_REVIEW = "legal_review", _("法制审核")
        DECISION = "decision", _("决定")
        SERVICE = "service", _("送达")
        EXECUTION = "execution", _("执行")
        CLOSED = "closed", _("结案")

    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    kind = models.CharField(_("案件类型"), max_length=16, choices=Kind.choices, default=Kind.PENALTY)
    department = models.ForeignKey(Department, verbose_name=_("办案部门"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(LegalEntity, verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("案件来源"), max_length=16, choices=Origin.choices)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("来源检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("来源线索"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    facts = models.TextField(_("违法事实"))
    legal_basis = models.CharField(_("处罚依据"), max_length=500, blank=True)
    step = models.CharField(_("当前环节"), max_length=16, choices=Step.choices, default=Step.FILED)
    step_due_on = models.DateField(_("本环节期限"), null=True, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=64, blank=True)
    penalty = models.CharField(_("处罚内容"), max_length=500, blank=True)
    fine = models.DecimalField(_("罚款（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    filed_on = models.DateField(_("立案日期"))

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering = ["-filed_on", "number"]

    def __str__(self) -> str:
        return self.number


class CaseStep(models.Model):
    """One step of a case: when it started, its legal deadline in working days, when it ended, its signed document."""

    case = models.ForeignKey(EnforcementCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=16, choices=EnforcementCase.Step.choices)
    started_on = models.DateField(_("开始日期"))
    limit_working_days = models.PositiveIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("办理意见"), blank=True)
    document_title = models.CharField(_("文书名称"), max_length=100, blank=True)
    document_pdf = models.BinaryField(_("文书（PDF）"), null=True, blank=True, editable=False)
    document_sm3 = models.CharField(_("文书摘要（SM3）"), max_length=64, blank=True)
    signature = models.CharField(_("部门 SM2 签名"), max_length=128, blank=True)
    signing_key = models.CharField(_("签名密钥"), max_length=64, blank=True)
    actor = models.ForeignKey(User, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("案件环节")
        verbose_name_plural = _("案件环节")
        ordering = ["case_id", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_step_display()}"
