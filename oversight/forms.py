"""Oversight forms. Orgs are named by code or name (``selectors.orgs_named``), never by id; every
value is checked again by the services."""

from django import forms
from django.utils import timezone

from core.forms import DateField, Form
from orgs.models import Sector
from oversight import rules
from oversight.models import QUARTERS, InspectionKind, InspectionNotice, InspectionTiming

TARGETS_HELP = "每行一个党组织代码或全称（也可用逗号、空格分隔），须是本单位的下级党组织"


def _year_field():
    return forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)


class PlanForm(Form):
    sector = forms.ChoiceField(label="领域", choices=Sector.choices)
    year = _year_field()
    title = forms.CharField(label="方案名称", max_length=100)
    items = forms.CharField(label="检查事项", widget=forms.Textarea(attrs={"rows": 8}), max_length=10000,
                            help_text=f"每行一项，最多{rules.MAX_CHECKLIST}项")

    def clean_items(self):
        return self.cleaned_data["items"].splitlines()


class TeamForm(Form):
    name = forms.CharField(label="督导组名称", max_length=50, help_text="如：第一督导组")
    leader = forms.CharField(label="组长", max_length=20)
    members = forms.CharField(label="成员", max_length=200, required=False)
    formed_on = DateField(label="组建日期", initial=timezone.localdate)
    targets = forms.CharField(label="督导对象", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                              help_text=TARGETS_HELP)


class InspectionForm(Form):
    title = forms.CharField(label="巡查名称", max_length=100, help_text="如：2026年下半年基层党建综合巡查")
    year = _year_field()
    half = forms.TypedChoiceField(label="半年", coerce=int, choices=[(1, "上半年"), (2, "下半年")])
    kind = forms.ChoiceField(label="类型", choices=InspectionKind.choices)
    timing = forms.ChoiceField(label="方式", choices=InspectionTiming.choices)
    notice = forms.ChoiceField(label="形式", choices=InspectionNotice.choices)
    started_on = DateField(label="开始日期", initial=timezone.localdate)
    focus = forms.CharField(label="巡查重点", max_length=200, required=False)
    targets = forms.CharField(label="巡查对象", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                              help_text=TARGETS_HELP)


class ItemForm(Form):
    """A problem found (问题清单的一项) at one of the inspection's targets."""

    org = forms.TypedChoiceField(label="整改单位", coerce=int, choices=[])
    problem = forms.CharField(label="发现的问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.CharField(label="整改责任人", max_length=20)
    deadline = DateField(label="整改时限")
    evidence_required = forms.CharField(label="佐证要求", max_length=200, help_text="如：整改后的会议记录照片")
    found_on = DateField(label="发现日期", initial=timezone.localdate)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "请选择")] + [(o.pk, o.name) for o in targets]


class EvidenceForm(Form):
    text = forms.CharField(label="整改情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label="佐证材料（照片或 PDF）", required=False,
                           help_text="按文件内容检查，只接受 PDF、PNG、JPEG，最大 10 MB")


class ReturnForm(Form):
    comment = forms.CharField(label="退回理由", max_length=200)
    deadline = DateField(label="新的整改时限（可选）", required=False)


class AcceptForm(Form):
    comment = forms.CharField(label="验收意见（可选）", max_length=200, required=False)


class VisitForm(Form):
    """A visit: each checklist item met or not, with a note (fields ``met_<id>``, ``note_<id>``)."""

    day = DateField(label="督导日期", initial=timezone.localdate)
    findings = forms.CharField(label="发现的问题", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label="现场照片（可选）", required=False, help_text="PDF、PNG、JPEG，最大 10 MB")

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for item in checklist:
            self.fields[f"met_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                choices=[("yes", "符合"), ("no", "不符合")])
            self.fields[f"note_{item.pk}"] = forms.CharField(label="说明", max_length=200, required=False)
        # On the phone: the date, then item by item, then what was found and the photo.
        self.order_fields(["day", *(f"{kind}_{item.pk}" for item in checklist for kind in ("met", "note")),
                           "findings", "file"])

    def checks(self) -> dict[int, tuple[bool, str]]:
        return {item.pk: (self.cleaned_data[f"met_{item.pk}"], self.cleaned_data[f"note_{item.pk}"])
                for item in self.checklist}


class BulletinForm(Form):
    """The quarter a bulletin is generated for (the last one by default)."""

    year = _year_field()
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=QUARTERS)


class BulletinEditForm(Form):
    """A draft's words: title, opening, one text per section (``text_<key>``), requirements."""

    title = forms.CharField(label="标题", max_length=100)
    intro = forms.CharField(label="导语", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    closing = forms.CharField(label="下步要求", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"text_{section['key']}"] = forms.CharField(
                label=section["title"], max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                help_text="数据以系统记录为准，只修改文字")
        self.order_fields(["title", "intro", *(f"text_{s['key']}" for s in sections), "closing"])

    def texts(self) -> dict[str, str]:
        return {section["key"]: self.cleaned_data[f"text_{section['key']}"] for section in self.sections}


class BulletinRegenerateForm(Form):
    """No field: regenerating a draft is confirmed by the button."""


class BulletinPublishForm(Form):
    on_portal = forms.BooleanField(label="同时在门户网站“党务公开”栏目发布", required=False)
