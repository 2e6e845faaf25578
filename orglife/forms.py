from django.core.exceptions import ValidationError
from django.utils import timezone

from core import forms
from orglife import rules, services
from orglife.models import AttendanceStatus, MeetingKind
from orglife.selectors import recording_orgs
from orgs.models import Org

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrgPickForm(forms.Form):
    org = forms.ModelChoiceField(label="党组织", queryset=Org.objects.none(), help_text="党支部或党小组")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = recording_orgs(user)


class MemberChoices(forms.ModelMultipleChoiceField):
    # core/static/core/app.js puts 全选 / 全不选 beside a list marked "select-all".
    widget = forms.CheckboxSelectMultiple(attrs={"class": "select-all"})

    def label_from_instance(self, obj):
        return obj.name


# Fields of 党课 only. With script (core/static/core/app.js) they show only while the kind is 党课
# and are disabled otherwise, so nothing hidden is sent; without it they all show and
# orglife.services refuses them on another kind with a message.
LECTURE_ONLY = {"data-only-kind": MeetingKind.LECTURE.value}


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="类别")
    also_kind = forms.ChoiceField(
        label="同时作为（合并召开）", required=False,
        choices=[("", "—（不合并）")] + [(k, MeetingKind(k).label) for k in MeetingKind.values
                                     if any(k in kinds for kinds in rules.COMBINED.values())],
        help_text="组织生活会以党员大会、支委会或党小组会形式召开，或民主评议党员结合组织生活会进行的，分别计入两类"
                  "（《支部工作条例》第十七条、第十九条）")
    held_on = forms.DateField(label="日期", initial=timezone.localdate)
    start_time = forms.TimeField(label="开始时间", widget=TIME, initial="09:00")
    place = forms.CharField(label="地点", max_length=100)
    host = forms.CharField(label="主持人", max_length=50)
    recorder = forms.CharField(label="记录人", max_length=50)
    topic = forms.CharField(label="主题", max_length=200)
    attendees = MemberChoices(label="出席党员", queryset=None, required=False,
                              help_text="也可在会上扫码签到，或稍后在“出席情况”中登记请假和缺席")
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 10}))
    decisions = forms.CharField(label="决定事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lecturer = forms.CharField(label="授课人（党课）", max_length=50, required=False,
                               widget=forms.TextInput(attrs=LECTURE_ONLY))
    lecturer_unit = forms.CharField(label="授课人单位（党课）", max_length=100, required=False,
                                    widget=forms.TextInput(attrs=LECTURE_ONLY))
    by_secretary = forms.BooleanField(label="书记讲党课", required=False,
                                      widget=forms.CheckboxInput(attrs=LECTURE_ONLY))
    travelling = forms.BooleanField(label="流动党课（授课人送学上门）", required=False,
                                    widget=forms.CheckboxInput(attrs=LECTURE_ONLY))
    signin_opens = forms.DateTimeField(label="签到开始", widget=DATETIME, required=False,
                                       help_text="默认会前30分钟")
    signin_closes = forms.DateTimeField(label="签到截止", widget=DATETIME, required=False,
                                        help_text="默认会议开始后2小时")

    def __init__(self, *args, org: Org, with_attendees: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = rules.allowed_kinds(org.kind, services.full_member_count(org))
        self.fields["kind"].choices = [(k, MeetingKind(k).label) for k in kinds]
        if with_attendees:
            self.fields["attendees"].queryset = services.org_members(org).order_by("name", "pk")
        else:
            del self.fields["attendees"]

    def clean(self):
        data = super().clean()
        if bool(data.get("signin_opens")) != bool(data.get("signin_closes")):
            raise ValidationError("请同时填写签到开始和截止时间，或都不填（使用默认时间）")
        return data


class AttendanceForm(forms.Form):
    """One status and reason per member of the org."""

    def __init__(self, *args, members, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            row = current.get(member.pk)
            # One row per member in a table: the controls carry their own accessible names.
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=member.name, choices=[("", "未登记"), *AttendanceStatus.choices], required=False,
                initial=row.status if row else "",
                widget=forms.Select(attrs={"aria-label": f"{member.name}的出席情况"}))
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label="原因", max_length=200, required=False, initial=row.reason if row else "",
                widget=forms.TextInput(attrs={"aria-label": f"{member.name}请假或缺席的原因"}))

    def rows(self):
        return [(m, self[f"status_{m.pk}"], self[f"reason_{m.pk}"]) for m in self.members]

    def entries(self):
        return [(m, self.cleaned_data[f"status_{m.pk}"], self.cleaned_data[f"reason_{m.pk}"])
                for m in self.members if self.cleaned_data.get(f"status_{m.pk}")]


class AttachmentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100, help_text="如：签到表、会议照片")
    file = forms.FileField(label="文件", help_text="PDF、PNG 或 JPEG，不超过 10 MB")


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="我已核对会议记录，确认提交", required=True,
                                 error_messages={"required": "请勾选确认"})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "通过"), ("return", "退回修改")],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回时必填，说明需要修改的内容")


class TopicForm(forms.Form):
    title = forms.CharField(label="希望讲授的题目", max_length=100)
    description = forms.CharField(label="说明", max_length=300, required=False)


class ScheduleForm(forms.Form):
    held_on = forms.DateField(label="日期")
    start_time = forms.TimeField(label="开始时间", widget=TIME, initial="09:00")
    place = forms.CharField(label="地点", max_length=100)
    host = forms.CharField(label="主持人", max_length=50)
    recorder = forms.CharField(label="记录人", max_length=50)
    lecturer = forms.CharField(label="授课人", max_length=50)
    lecturer_unit = forms.CharField(label="授课人单位", max_length=100, required=False)
    by_secretary = forms.BooleanField(label="书记讲党课", required=False)
    travelling = forms.BooleanField(label="流动党课（授课人送学上门）", required=False)
