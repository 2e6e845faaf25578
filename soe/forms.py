"""SOE ledger forms. Committees are named by code or name (``oversight.selectors.orgs_named``);
every value is checked again by the services."""

from django import forms
from django.utils import timezone

from core.forms import DateField, Form
from oversight.models import QUARTERS
from soe.models import Progress


class TaskForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    title = forms.CharField(label="任务", max_length=100, help_text="如：推进党建工作要求写入公司章程")
    detail = forms.CharField(label="工作要求", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    due_on = DateField(label="完成时限")
    shares = forms.CharField(label="责任党组织", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                             help_text="每行一个国有企业党组织的代码或全称（也可用逗号、空格分隔），须是本单位的下级")


class ReportForm(Form):
    """A quarter's progress on one share, filled on a phone."""

    period = forms.ChoiceField(label="季度")
    progress = forms.ChoiceField(label="进展", choices=Progress.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="工作进展", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题和下步打算", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.CharField(label="牵头负责人", max_length=20, required=False)

    def __init__(self, *args, periods: list[tuple[int, int]], **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(QUARTERS)
        self.fields["period"].choices = [(f"{y}-{q}", f"{y}年{names[q]}") for y, q in periods]

    def clean_period(self) -> tuple[int, int]:
        year, quarter = self.cleaned_data["period"].split("-")
        return int(year), int(quarter)
