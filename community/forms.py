from django import forms

from community.rules import RATINGS
from core.forms import DateField, Form


class CheckInForm(Form):
    community = forms.ModelChoiceField(label="居住地社区", queryset=None)
    address = forms.CharField(label="居住地址", max_length=100, help_text="如：朝阳里3号楼2门201")

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class DecideForm(Form):
    decision = forms.ChoiceField(label="确认结果", choices=[("confirm", "确认报到"), ("refuse", "不予确认")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="意见（不予确认时必填）", max_length=200, required=False)

    def service_kwargs(self) -> dict:
        return {"confirm": self.cleaned_data["decision"] == "confirm", "note": self.cleaned_data["note"]}


class AssignForm(Form):
    team = forms.ModelChoiceField(label="服务队", queryset=None, required=False, empty_label="（不加入服务队）")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TeamForm(Form):
    name = forms.CharField(label="服务队名称", max_length=50, help_text="如：环境整治服务队、助老服务队")


class ServiceRecordForm(Form):
    day = DateField(label="日期")
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=4, decimal_places=1, min_value=0.1, max_value=12)
    content = forms.CharField(label="服务内容", max_length=200)


class RatingForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    grade = forms.ChoiceField(label="评价", choices=RATINGS, widget=forms.RadioSelect)
    comment = forms.CharField(label="评语（可选）", max_length=200, required=False)
