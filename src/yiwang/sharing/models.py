"""数据共享开放: the resource catalogue (一体化数字资源系统), grants, reads, alerts, thematic registries, data return,
export fingerprints, open datasets with their privacy-loss ledger, joint statistics and 授权运营 agreements."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.registries.models import DataElement


class Grade(models.TextChoices):
    """GB/T 43697-2024 数据安全技术 数据分类分级规则: 一般 / 重要 / 核心."""

    GENERAL = "general", _("一般数据")
    IMPORTANT = "important", _("重要数据")
    CORE = "core", _("核心数据")


class SharingType(models.TextChoices):
    """政务数据共享类型 (国务院《政务信息资源共享管理暂行办法》第九条)."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NOT_SHARED = "not_shared", _("不予共享")


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    NOT_OPEN = "not_open", _("不予开放")


class Resource(models.Model):
    """One entry of the resource catalogue: a system, a component or API, or a data resource (政务数据资源目录)."""

    class Kind(models.TextChoices):
        SYSTEM = "system", _("信息系统")
        APPLICATION = "application", _("应用")
        COMPONENT = "component", _("组件")
        API = "api", _("接口")
        DATA = "data", _("数据资源")

    class UpdateCycle(models.TextChoices):
        REALTIME = "realtime", _("实时")
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        YEARLY = "yearly", _("每年")
        IRREGULAR = "irregular", _("不定期")

    code = models.CharField(_("资源代码"), max_length=64, unique=True)
    kind = models.CharField(_("资源类型"), max_length=16, choices=Kind.choices, default=Kind.DATA)
    name = models.CharField(_("资源名称"), max_length=128)
    classification = models.CharField(
        _("资源分类"), max_length=64, help_text=_("基础信息资源 / 主题信息资源 / 部门信息资源")
    )
    provider = models.ForeignKey(Department, verbose_name=_("资源提供方"), on_delete=models.PROTECT, related_name="+")
    abstract = models.TextField(_("资源摘要"), blank=True)
    format = models.CharField(_("资源格式"), max_length=32, default="数据库")
    sharing_type = models.CharField(_("共享类型"), max_length=16, choices=SharingType.choices)
    sharing_conditions = models.CharField(_("共享条件"), max_length=500, blank=True)
    open_type = models.CharField(_("开放属性"), max_length=16, choices=OpenType.choices, default=OpenType.NOT_OPEN)
    update_cycle = models.CharField(
        _("更新周期"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.REALTIME
    )
    grade = models.CharField(_("数据分级"), max_length=16, choices=Grade.choices, default=Grade.GENERAL)
    #: ``person``, ``entity``, ``credit`` for a base registry; ``thematic:<code>`` for a thematic database.
    registry = models.CharField(_("数据来源库"), max_length=80, blank=True)
    synced_from = models.CharField(_("同步来源"), max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("编目时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数字资源")
        verbose_name_plural = _("数字资源")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sharing_type="conditional") | ~Q(sharing_conditions=""),
                name="sharing_conditional_has_conditions",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DataItem(models.Model):
    """A data item (信息项) of a data resource: its name, type, source element and grade."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("信息项编码"), max_length=64)
    name = models.CharField(_("信息项名称"), max_length=64)
    data_type = models.CharField(_("数据类型"), max_length=16, choices=DataElement.DataType.choices)
    element = models.ForeignKey(
        DataElement, verbose_name=_("数据元"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_kind = models.CharField(_("权威来源部门类别"), max_length=32, choices=Department.Kind.choices, blank=True)
    grade = models.CharField(_("数据分级"), max_length=16, choices=Grade.choices, default=Grade.GENERAL)
    sensitivity = models.CharField(
        _("个人信息敏感程度"), max_length=16, choices=DataElement.Sensitivity.choices, default="none"
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["resource", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["resource", "code"], name="uniq_sharing_item")]

    def __str__(self) -> str:
        return f"{self.resource.code}.{self.code}"


class Grant(models.Model):
    """A department's request for a resource and, once approved, its enforced right to read (共享申请与授权)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已授权")
        REFUSED = "refused", _("未通过")
        REVOKED = "revoked", _("已撤销")

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="grants")
    consumer = models.ForeignKey(Department, verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("使用用途"), max_length=500)
    legal_basis = models.CharField(_("法律依据"), max_length=500)
    fields = models.JSONField(_("申请信息项"), default=list)
    row_scope = models.CharField(_("数据范围（区划代码前缀）"), max_length=12, blank=True)
    valid_from = models.DateField(_("使用期限自"))
    valid_until = models.DateField(_("使用期限至"))
    daily_volume = models.PositiveIntegerField(_("每日调用量上限（条）"), default=1000)
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限（次）"), default=60)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED, editable=False
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    due_on = models.DateField(_("答复期限"), editable=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decision_reason = models.CharField(_("审核意见"), max_length=500, blank=True, editable=False)
    credential_prefix = models.CharField(_("凭证前缀"), max_length=12, blank=True, editable=False, db_index=True)
    credential_hash = models.CharField(max_length=64, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="grant_period_ordered"),
            models.UniqueConstraint(
                fields=["credential_hash"], condition=~Q(credential_hash=""), name="uniq_grant_credential"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource.name} → {self.consumer.name}"


class ReadLog(models.Model):
    """One read through a grant (共享调用日志): which rows and fields, when, by which channel."""

    class Channel(models.TextChoices):
        API = "api", _("接口单条")
        BULK = "bulk", _("接口批量")
        EXPORT = "export", _("导出")

    grant = models.ForeignKey(Grant, verbose_name=_("授权"), on_delete=models.PROTECT, related_name="reads")
    at = models.DateTimeField(_("调用时间"), db_index=True)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    record_key = models.CharField(_("记录标识"), max_length=64, blank=True)
    fields = models.JSONField(_("信息项"), default=list)
    rows = models.PositiveIntegerField(_("条数"), default=1)
    refused = models.CharField(_("拒绝原因"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("调用日志")
        verbose_name_plural = _("调用日志")
        ordering = ["-at"]
        indexes = [models.Index(fields=["grant", "at"])]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.at:%Y-%m-%d %H:%M} {self.rows}"


class Alert(models.Model):
    """A usage anomaly raised by supervision (用数监管) and sent to the resource's owner."""

    class Kind(models.TextChoices):
        VOLUME_SPIKE = "volume_spike", _("调用量突增")
        OFF_HOURS_BULK = "off_hours_bulk", _("非工作时间批量调用")
        FIELD_OUTSIDE_PURPOSE = "field_outside_purpose", _("请求超出授权用途的信息项")

    grant = models.ForeignKey(Grant, verbose_name=_("授权"), on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    day = models.DateField(_("日期"))
    detail = models.JSONField(_("详情"), default=dict)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用数告警")
        verbose_name_plural = _("用数告警")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["grant", "kind", "day"], name="uniq_alert_per_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.grant}"


class Export(models.Model):
    """A watermarked export to one recipient: its number is what each surviving row of a leaked file votes for."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"
        JSON = "json", "JSON"
        PARQUET = "parquet", "Parquet"
        API = "api", _("接口批量")

    grant = models.ForeignKey(
        Grant, verbose_name=_("授权"), null=True, blank=True, on_delete=models.PROTECT, related_name="exports"
    )
    #: an open-data download: the dataset downloaded (the recipient names the requester)
    dataset = models.ForeignKey(
        "OpenDataset", verbose_name=_("开放数据集"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(_("接收方"), max_length=200)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("导出人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("导出水印")
        verbose_name_plural = _("导出水印")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.recipient}"


class ThematicRegistry(models.Model):
    """A thematic database (主题库/专题库) a department defines by schema: fields, types, sources, grade."""

    code = models.SlugField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    department = models.ForeignKey(Department, verbose_name=_("建设部门"), on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("数据分级"), max_length=16, choices=Grade.choices, default=Grade.GENERAL)
    #: ``[{"name", "title", "type", "source_kind", "grade", "mask"}]``; the first field is the record key.
    schema = models.JSONField(_("字段定义"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("主题库")
        verbose_name_plural = _("主题库")

    def __str__(self) -> str:
        return self.name


class ThematicRow(models.Model):
    """The current version of one record of a thematic database."""

    registry = models.ForeignKey(ThematicRegistry, on_delete=models.PROTECT, related_name="rows")
    record_key = models.CharField(_("记录标识"), max_length=64)
    division = models.ForeignKey(Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("数据"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("主题库记录")
        verbose_name_plural = _("主题库记录")
        constraints = [models.UniqueConstraint(fields=["registry", "record_key"], name="uniq_thematic_row")]

    def __str__(self) -> str:
        return f"{self.registry_id}:{self.record_key} v{self.version}"


class ThematicRowVersion(models.Model):
    """Every version of a thematic record, kept (history as in the base registries)."""

    row = models.ForeignKey(ThematicRow, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    data = models.JSONField(_("快照"))
    changed = models.JSONField(_("变更字段"), default=list)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("来源"), max_length=16, default="form")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["row", "version"], name="uniq_thematic_version")]

    def __str__(self) -> str:
        return f"{self.row_id} v{self.version}"


class ReturnSchedule(models.Model):
    """数据回流: a scheduled extract of a division's own records of a resource, delivered to that division."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, verbose_name=_("回流区划"), on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Department, verbose_name=_("接收部门"), on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(_("信息项"), default=list)
    every_days = models.PositiveIntegerField(_("周期（天）"), default=7)
    next_run_on = models.DateField(_("下次回流日期"))

    class Meta:
        verbose_name = _("回流计划")
        verbose_name_plural = _("回流计划")

    def __str__(self) -> str:
        return f"{self.resource_id} → {self.division_id}"


class ReturnExtract(models.Model):
    """One delivered extract with its receipt: row count and SM3 digest of the exact bytes delivered."""

    schedule = models.ForeignKey(ReturnSchedule, on_delete=models.PROTECT, related_name="extracts")
    created_at = models.DateTimeField(_("回流时间"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("行数"))
    sm3_digest = models.CharField(_("SM3 摘要"), max_length=64)
    content = models.BinaryField(_("内容"))
    export = models.ForeignKey(Export, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回流回执")
        verbose_name_plural = _("回流回执")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.row_count} {self.sm3_digest[:12]}"


class OpenDataset(models.Model):
    """A dataset of the open-data portal (公共数据开放), published as a table with its DCAT/CKAN metadata."""

    name = models.SlugField(_("标识"), max_length=100, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    notes = models.TextField(_("说明"), blank=True)
    publisher = models.ForeignKey(Department, verbose_name=_("开放主体"), on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey(
        Resource, verbose_name=_("目录资源"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    open_type = models.CharField(_("开放属性"), max_length=16, choices=OpenType.choices)
    license = models.CharField(_("许可协议"), max_length=64, default="CC-BY-4.0")
    tags = models.JSONField(_("标签"), default=list, blank=True)
    columns = models.JSONField(_("字段"), default=list)
    rows = models.JSONField(_("数据"), default=list)
    #: For DP statistics: ``{"source": "entity", "group_by": [...], "sum_of": [...]}``.
    statistics = models.JSONField(_("统计口径"), default=dict, blank=True)
    epsilon_budget = models.DecimalField(_("隐私预算 ε"), max_digits=6, decimal_places=3, default=1)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    modified_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("开放数据集")
        verbose_name_plural = _("开放数据集")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title


class PrivacyQuery(models.Model):
    """The public privacy-loss ledger: each DP answer and the ε it spent."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.PROTECT, related_name="privacy_queries")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    query = models.JSONField(_("查询"))
    epsilon = models.DecimalField(_("消耗 ε"), max_digits=6, decimal_places=3)
    answer = models.FloatField(_("发布值"))

    class Meta:
        verbose_name = _("隐私损耗记录")
        verbose_name_plural = _("隐私损耗记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.dataset_id} ε={self.epsilon}"


class DatasetApplication(models.Model):
    """An application for a conditionally open dataset, approved with an agreement (有条件开放)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已通过")
        REFUSED = "refused", _("未通过")

    dataset = models.ForeignKey(OpenDataset, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("用途"), max_length=500)
    agreement_no = models.CharField(_("协议编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("开放数据申请")
        verbose_name_plural = _("开放数据申请")

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.applicant_id} {self.status}"


class JointStatistic(models.Model):
    """A joint count or sum between two departments computed without exchanging lists (隐私计算)."""

    class Method(models.TextChoices):
        PSI_COUNT = "psi_count", _("隐私求交计数")
        SHARED_SUM = "shared_sum", _("秘密分享求和")

    method = models.CharField(_("方法"), max_length=16, choices=Method.choices)
    party_a = models.ForeignKey(Department, verbose_name=_("甲方"), on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Department, verbose_name=_("乙方"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("说明"), max_length=200)
    result = models.DecimalField(_("结果"), max_digits=20, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("联合统计")
        verbose_name_plural = _("联合统计")

    def __str__(self) -> str:
        return f"{self.description} = {self.result}"


class OperationAgreement(models.Model):
    """授权运营: an operator builds a product on conditional data; only models or answers leave, never rows."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        ACTIVE = "active", _("运营中")
        REFUSED = "refused", _("未通过")
        ENDED = "ended", _("已终止")

    class Output(models.TextChoices):
        MODEL = "model", _("模型")
        VERIFICATION = "verification", _("核验结果")

    operator_name = models.CharField(_("运营单位"), max_length=128)
    operator_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="+")
    product = models.CharField(_("产品名称"), max_length=128)
    output = models.CharField(_("输出形式"), max_length=16, choices=Output.choices)
    fee_yuan = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, default=0)
    agreement_no = models.CharField(_("协议编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    calls = models.PositiveIntegerField(_("调用次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("授权运营协议")
        verbose_name_plural = _("授权运营协议")

    def __str__(self) -> str:
        return f"{self.operator_name} · {self.product}"


class SecureSum(models.Model):
    """A joint sum among departments by additive secret sharing (秘密分享求和): no figure is kept, only the total."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("收集中")
        PUBLISHED = "published", _("已出结果")

    initiator = models.ForeignKey(Department, verbose_name=_("发起部门"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("统计口径"), max_length=200)
    unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.COLLECTING, editable=False
    )
    result = models.DecimalField(_("合计"), max_digits=40, decimal_places=2, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    created_by = models.ForeignKey(User, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("出结果时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("秘密分享求和")
        verbose_name_plural = _("秘密分享求和")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description


class SecureSumParty(models.Model):
    """A department taking part in a joint sum: when it contributed and, once all have, its published partial sum."""

    session = models.ForeignKey(SecureSum, on_delete=models.CASCADE, related_name="parties")
    department = models.ForeignKey(Department, verbose_name=_("参与部门"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    contributed_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    contributed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    #: The sum modulo the prime of the shares this party received: uniformly random on its own.
    partial = models.CharField(_("部分和"), max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("求和参与方")
        verbose_name_plural = _("求和参与方")
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "department"], name="uniq_secure_sum_party")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.department_id}"


class SecureSumShare(models.Model):
    """One share from one party to another, held until every party has contributed, then erased."""

    sender = models.ForeignKey(SecureSumParty, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(SecureSumParty, on_delete=models.CASCADE, related_name="received")
    share = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "recipient"], name="uniq_secure_sum_share")]

    def __str__(self) -> str:
        return f"{self.sender_id}→{self.recipient_id}"
