from django import forms

from core.forms import Form
from orders import rules


class OrderForm(Form):
    """The resident's order: every field checked again by ``services.order_place``."""

    item = forms.ModelChoiceField(label="服务项目", queryset=None, empty_label="请选择")
    name = forms.CharField(label="联系人", max_length=20)
    phone = forms.CharField(label="手机号或电话", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    address = forms.CharField(label="服务地址", max_length=100, help_text="如：朝阳里3号楼2门201")
    need = forms.CharField(label="需求描述", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    captcha = forms.CharField(label="验证码", max_length=4, help_text="请输入图中的4位数字",
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    captcha_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class LookupForm(Form):
    number = forms.CharField(label="订单号", max_length=20)
    phone = forms.CharField(label="点单时的手机号或电话", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))


class CancelForm(Form):
    reason = forms.CharField(label="撤销原因（可选）", max_length=200, required=False)


class RateForm(Form):
    stars = forms.TypedChoiceField(label="满意度", coerce=int, widget=forms.RadioSelect,
                                   choices=[(s, f"{'★' * s} {s}星") for s in reversed(rules.STARS)])
    comment = forms.CharField(label="评价（可选）", max_length=200, required=False)


class ItemForm(Form):
    name = forms.CharField(label="服务项目", max_length=30, help_text="如：代买代办、助老陪诊、家电维修")
    description = forms.CharField(label="说明", max_length=200, required=False)
    days = forms.IntegerField(label="承诺办结天数", min_value=1, max_value=rules.MAX_ITEM_DAYS, initial=3)
    active = forms.BooleanField(label="接受点单", required=False, initial=True)


class DispatchForm(Form):
    checkin = forms.ModelChoiceField(label="派给报到党员", queryset=None, required=False, empty_label="（不派给个人）")
    team = forms.ModelChoiceField(label="或派给服务队", queryset=None, required=False, empty_label="（不派给服务队）")

    def __init__(self, *args, checkins, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkin"].queryset = checkins
        self.fields["checkin"].label_from_instance = lambda c: f"{c.member.name}（{c.team.name if c.team else '未加入服务队'}）"
        self.fields["team"].queryset = teams


class ReasonForm(Form):
    reason = forms.CharField(label="理由", max_length=200)


class CompleteForm(Form):
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=4, decimal_places=1, min_value=0.1,
                               max_value=rules.MAX_HOURS)
    result = forms.CharField(label="办理情况", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
