"""Lagging forms; every value is checked again by the services."""

from django import forms
from django.utils import timezone

from core.forms import DateField, Form
from lagging.models import GRADE_RANK, Grade

FILE_HELP = "按文件内容检查，只接受 PDF、PNG、JPEG，最大 10 MB"


class LaggingOpenForm(Form):
    """列为后进: the records' reasons are shown and taken by the service; the admin may add its own."""

    note = forms.CharField(label="排查发现的其他原因（可选）", max_length=200, required=False,
                           help_text="系统记录没有提示时必填")
    found_on = DateField(label="认定日期", initial=timezone.localdate)


class LaggingPlanForm(Form):
    responsible = forms.CharField(label="整顿责任人", max_length=20, help_text="本党组织书记或负责人")
    contact = forms.CharField(label="上级联系领导", max_length=20)
    measures = forms.CharField(label="整顿措施", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    deadline = DateField(label="整顿时限")


class LaggingTaskForm(Form):
    text = forms.CharField(label="任务", max_length=200)
    responsible = forms.CharField(label="责任人", max_length=20)
    due = DateField(label="完成时限")


class LaggingTaskDoneForm(Form):
    note = forms.CharField(label="完成情况", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    done_on = DateField(label="完成日期", initial=timezone.localdate)
    file = forms.FileField(label="照片或材料（可选）", required=False, help_text=FILE_HELP)


class LaggingCloseForm(Form):
    grade_after = forms.ChoiceField(label="整顿后等次", choices=[
        ("", "请选择"), *((g.value, g.label) for g in Grade if GRADE_RANK[g] > 0)])
    text = forms.CharField(label="整顿验收材料", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="验收情况：整顿成效、群众评议、上级验收意见")
    file = forms.FileField(label="验收材料附件（可选）", required=False, help_text=FILE_HELP)
    closed_on = DateField(label="销号日期", initial=timezone.localdate)
