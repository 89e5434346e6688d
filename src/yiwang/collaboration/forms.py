"""Forms for every POST of 一网协同's pages."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.collaboration.models import Member, OrgUnit, Task


class Styled(forms.Form):
    """Bootstrap classes on every widget (form-control, form-select, form-check-input)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class InstructionForm(Styled):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    department = forms.ModelChoiceField(label=_("发送部门"), queryset=Department.objects.none())
    roots = forms.ModelMultipleChoiceField(
        label=_("接收范围（组织树上的单位，含其全部下级）"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    levels = forms.TypedMultipleChoiceField(
        label=_("接收层级"),
        choices=OrgUnit.Level.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[OrgUnit.Level.VILLAGE],
    )
    days_3 = forms.IntegerField(label=_("县级签收时限（工作日）"), min_value=1, max_value=60, initial=3)
    days_4 = forms.IntegerField(label=_("乡镇（街道）签收时限（工作日）"), min_value=1, max_value=60, initial=2)
    days_5 = forms.IntegerField(label=_("村（社区）及网格签收时限（工作日）"), min_value=1, max_value=60, initial=1)
    requires_report = forms.BooleanField(label=_("需反馈落实情况"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, departments=None, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        roots_field = self.fields["roots"]
        assert isinstance(department_field, forms.ModelChoiceField) and isinstance(roots_field, forms.ModelChoiceField)
        department_field.queryset = departments if departments is not None else Department.objects.none()
        roots_field.queryset = units if units is not None else OrgUnit.objects.none()
        roots_field.label_from_instance = lambda u: f"{'　' * (u.level - 1)}{u.name}"  # type: ignore[method-assign,assignment]
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def deadline_days(self) -> dict[int, int]:
        return {level: self.cleaned_data.get(f"days_{level}") or 1 for level in (1, 2, 3, 4, 5)}


class ReceiptActionForm(Styled):
    receipt = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("read", _("已阅")), ("acknowledge", _("签收")), ("report", _("反馈"))])
    report = forms.CharField(label=_("落实情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskStateForm(Styled):
    task = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(choices=[(Task.State.DOING, _("推进中")), (Task.State.DONE, _("已完成"))])


class ProblemForm(Styled):
    task = forms.IntegerField(widget=forms.HiddenInput)
    problem = forms.CharField(label=_("需要攻关的问题"), max_length=1000)


class PublishLeagueForm(Styled):
    publish = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class TaskForceForm(Styled):
    """成立专班: the lead department, the leader (an official of it) and the goal."""

    name = forms.CharField(label=_("专班名称"), max_length=120)
    goal = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("牵头部门"), queryset=Department.objects.none())
    leader = forms.ModelChoiceField(label=_("牵头领导"), queryset=User.objects.none())

    def __init__(self, *args, departments=None, leaders=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        department_field, leader_field = self.fields["department"], self.fields["leader"]
        assert isinstance(department_field, forms.ModelChoiceField) and isinstance(leader_field, forms.ModelChoiceField)
        department_field.queryset = departments if departments is not None else Department.objects.none()
        leader_field.queryset = leaders if leaders is not None else User.objects.none()
        leader_field.label_from_instance = lambda u: f"{u.full_name or u.username}（{u.department or ''}）"  # type: ignore[method-assign,assignment]


class MemberForm(Styled):
    name = forms.CharField(label=_("姓名"), max_length=64)
    department = forms.ModelChoiceField(label=_("所在部门"), queryset=Department.objects.all(), required=False)
    is_expert = forms.BooleanField(label=_("外部专家"), required=False)
    duty = forms.CharField(label=_("职责"), max_length=120, required=False)


class AssignTaskForm(Styled):
    title = forms.CharField(label=_("任务"), max_length=200)
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=Member.objects.none())
    working_days = forms.IntegerField(label=_("时限（工作日）"), min_value=1, max_value=250, initial=10)

    def __init__(self, *args, task_force=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = task_force.members.all() if task_force is not None else Member.objects.none()
