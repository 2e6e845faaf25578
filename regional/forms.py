"""Regional forms: a unit of a building, an instructor, an org served without changing affiliation."""

from django import forms

from core.forms import Form
from regional.models import UnitKind


class UnitForm(Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices)
    members = forms.IntegerField(label="党员人数", min_value=0, max_value=100000, initial=0)
    party_org_code = forms.CharField(label="本单位党组织代码", max_length=32, required=False,
                                     help_text="有党员并已建立党组织的单位填写")
    joint_branch_code = forms.CharField(label="所在联合党支部代码", max_length=32, required=False,
                                        help_text="没有党员的单位纳入楼宇联合党支部时填写")
    reached = forms.BooleanField(label="楼宇党委工作已覆盖", required=False)


class InstructorForm(Form):
    member_id = forms.IntegerField(label="指导员（党员编号）", min_value=1, max_value=2**62)


class ServeForm(Form):
    org_code = forms.CharField(label="服务的党组织代码", max_length=32,
                               help_text="隶属关系不变（服务不转隶）")


class ReportForm(Form):
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    task = forms.TypedChoiceField(label="对应任务", coerce=int, required=False, empty_value=None, choices=[])
    done = forms.BooleanField(label="该任务已完成", required=False)
    file = forms.FileField(label="佐证材料（照片或 PDF）", required=False,
                           help_text="按文件内容检查，只接受 PDF、PNG、JPEG，最大 10 MB")

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = village.tasks.filter(done_on__isnull=True) if village is not None else []
        self.fields["task"].choices = [("", "（不对应具体任务）")] + [(t.pk, t.title) for t in tasks]


class AssessForm(Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2999)
    grade = forms.ChoiceField(label="等次", choices=[])

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, g) for g in grades]


class SeatForm(Form):
    partner_unit = forms.CharField(label="共建单位", max_length=100)
    member_id = forms.IntegerField(label="兼职委员（党员编号）", min_value=1, max_value=2**62)
    post = forms.CharField(label="职务", max_length=50, initial="兼职委员")


class ItemForm(Form):
    kind = forms.ChoiceField(label="清单", choices=[("need", "需求清单"), ("resource", "资源清单"), ("project", "项目清单")])
    title = forms.CharField(label="内容", max_length=200)
    partner_unit = forms.CharField(label="共建单位", max_length=100, required=False)
