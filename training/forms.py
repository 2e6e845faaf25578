"""Group study and training forms. The member checkboxes are filled by the views with who may be
recorded (training.selectors); the services check the same again."""

from django import forms

from core.forms import DateField, Form
from orglife.forms import MemberChoices
from training import rules
from training.models import GroupStudyKind, Target

HOURS = {"min_value": rules.MIN_HOURS, "max_value": rules.MAX_HOURS, "max_digits": 3, "decimal_places": 1}


class GroupStudyForm(Form):
    kind = forms.ChoiceField(label="类别", choices=GroupStudyKind.choices)
    held_on = DateField(label="日期")
    topic = forms.CharField(label="学习主题", max_length=100)
    materials = forms.CharField(label="学习材料", max_length=500, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}), help_text="篇目、文件名称等")
    hours = forms.DecimalField(label="学时", initial=2, help_text="计入每位出席党员的年度学时（45分钟为1学时）", **HOURS)
    attendees = MemberChoices(label="出席党员", queryset=None, help_text="本组织在册党员和本组织班子成员")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = candidates


class ClassForm(Form):
    title = forms.CharField(label="培训班名称", max_length=100, help_text="如：2026年度全区党支部书记轮训班（第一期）")
    target = forms.ChoiceField(label="培训对象", choices=Target.choices)
    cycle_start = forms.IntegerField(label="轮训周期起（年）", min_value=2000, max_value=2100)
    cycle_end = forms.IntegerField(label="轮训周期止（年）", min_value=2000, max_value=2100,
                                   help_text="结业学员计为本周期已轮训")
    starts = DateField(label="开班日期")
    ends = DateField(label="结业日期")
    place = forms.CharField(label="培训地点", max_length=100, required=False)


class EnrolForm(Form):
    members = MemberChoices(label="报名学员", queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].label_from_instance = lambda m: f"{m.name}（{m.org.name}）"


class SessionForm(Form):
    held_on = DateField(label="日期")
    topic = forms.CharField(label="课程内容", max_length=100)
    hours = forms.DecimalField(label="学时", initial=3, **HOURS)
    present = MemberChoices(label="出席学员", queryset=None)

    def __init__(self, *args, enrolled, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = enrolled
