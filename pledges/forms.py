from django import forms

from core.forms import DateField, Form
from pledges import rules
from pledges.models import PostKind


class PledgeForm(Form):
    text = forms.CharField(label="承诺内容", min_length=rules.TEXT_MIN, max_length=rules.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text="如：每月走访联系户不少于2户")


class PledgeRecordForm(Form):
    day = DateField(label="日期")
    text = forms.CharField(label="践诺情况", min_length=rules.TEXT_MIN, max_length=rules.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label="佐证（可选）", max_length=200, required=False, help_text="如：活动照片编号、服务对象签字")


class ReviewForm(Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "通过"), ("return", "退回")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="审核意见（退回时必填）", max_length=200, required=False)

    def service_kwargs(self) -> dict:
        return {"approve": self.cleaned_data["decision"] == "approve", "note": self.cleaned_data["note"]}


class DutyPostForm(Form):
    kind = forms.ChoiceField(label="类别", choices=PostKind.choices)
    name = forms.CharField(label="岗位名称", max_length=50, help_text="如：社区环境整治先锋岗、3号楼责任区")
    duties = forms.CharField(label="岗位职责", min_length=rules.TEXT_MIN, max_length=rules.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
    holder = forms.ModelChoiceField(label="上岗党员", queryset=None)
    started_on = DateField(label="上岗日期")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = candidates
        self.fields["holder"].label_from_instance = lambda m: f"{m.name}（{m.org.name}）"
