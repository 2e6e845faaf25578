"""述职评议 forms. Orgs are named by code or name, reviewers by account name, never by id; every
value is checked again by the services."""

from django import forms
from django.utils import timezone

from core.forms import DateField, Form
from reviews import rules
from reviews.models import Grade

FOLLOWUP_ROWS = 3


class ReportRoundForm(Form):
    title = forms.CharField(label="名称", max_length=100, help_text="如：2026年度党组织书记抓基层党建工作述职评议")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    meeting_day = DateField(label="述职会议日期", required=False)
    subjects = forms.CharField(label="述职对象", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
                               help_text="每行一个党组织代码或全称（也可用逗号、空格分隔），须是本单位的直接下级党组织")


class ReviewerGroupForm(Form):
    name = forms.CharField(label="评议组名称", max_length=30, help_text="如：市委常委、党代表、基层党组织书记、群众代表")
    weight = forms.IntegerField(label="权重（%）", min_value=1, max_value=rules.TOTAL_WEIGHT,
                                help_text=f"各评议组权重合计须为{rules.TOTAL_WEIGHT}%")
    reviewers = forms.CharField(label="评议人账号", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                                help_text="每行一个登录账号（也可用逗号、空格分隔）；一人只能在一个评议组")

    def clean_reviewers(self):
        import re

        return [name for name in re.split(r"[\s,，、;；]+", self.cleaned_data["reviewers"]) if name]


class ReportTextForm(Form):
    report = forms.CharField(label="述职报告", max_length=20000, required=False,
                             widget=forms.Textarea(attrs={"rows": 12}))
    file = forms.FileField(label="述职报告文件（PDF 或 Word）", required=False,
                           help_text="按文件内容检查，只接受 PDF、Word（.docx），最大 20 MB")


class ReportRatingForm(Form):
    grade = forms.ChoiceField(label="评议等次", choices=Grade.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见建议（可选）", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReportFeedbackForm(Form):
    """The feedback and up to three follow-ups (a requirement and its due day each)."""

    feedback = forms.CharField(label="反馈意见", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    followup_1 = forms.CharField(label="整改要求1", max_length=300, required=False)
    due_1 = DateField(label="完成时限1", required=False)
    followup_2 = forms.CharField(label="整改要求2", max_length=300, required=False)
    due_2 = DateField(label="完成时限2", required=False)
    followup_3 = forms.CharField(label="整改要求3", max_length=300, required=False)
    due_3 = DateField(label="完成时限3", required=False)

    def clean(self):
        data = super().clean()
        for n in range(1, FOLLOWUP_ROWS + 1):
            if data.get(f"followup_{n}") and not data.get(f"due_{n}"):
                self.add_error(f"due_{n}", "请填写完成时限")
        return data

    def followups(self):
        data = self.cleaned_data
        return [(data[f"followup_{n}"], data[f"due_{n}"]) for n in range(1, FOLLOWUP_ROWS + 1)
                if data.get(f"followup_{n}") and data.get(f"due_{n}")]


class ReportFollowUpDoneForm(Form):
    note = forms.CharField(label="完成情况", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    done_on = DateField(label="完成日期", initial=timezone.localdate)
