"""Exams forms: a question, an exam. The answer sheets are read by the views (one field per
question, named by its position)."""

from django import forms

from core.forms import DateField, Form
from exams import rules
from exams.models import QuestionKind


class QuestionForm(Form):
    topic = forms.CharField(label="专题", max_length=50, help_text="如：党章党规、党史、二十届三中全会精神")
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    text = forms.CharField(label="题干", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(label="选项（每行一个，按 A、B、C… 排列；判断题不填）", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label="答案（选项字母，如 B 或 ACD；判断题填 T 或 F）", max_length=8)
    explanation = forms.CharField(label="解析", max_length=300, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = [line for line in data["options"].splitlines() if line.strip()]
        return data


class ExamForm(Form):
    title = forms.CharField(label="考试名称", max_length=100)
    topic = forms.CharField(label="专题（留空：不限专题）", max_length=50, required=False)
    questions = forms.IntegerField(label="题目数", min_value=1, max_value=rules.MAX_QUESTIONS, initial=10)
    minutes = forms.IntegerField(label="限时（分钟）", min_value=1, max_value=rules.MAX_MINUTES, initial=20)
    pass_score = forms.IntegerField(label="及格分", min_value=0, max_value=100, initial=60)
    attempts = forms.IntegerField(label="允许作答次数", min_value=1, max_value=rules.MAX_ATTEMPTS, initial=1)
    opens = DateField(label="开始日期")
    closes = DateField(label="截止日期")
