"""五好党支部 forms. A standard's dimensions and items are typed as lines ("# 维度", then
"条目内容 | 分值"), parsed with per-line errors by the service; every value is checked again there."""

from django import forms
from django.utils import timezone

from core.forms import Form
from fivegood import rules
from fivegood.models import ASSESSED_KINDS
from orgs.models import OrgKind, Sector

ITEMS_HELP = ("每个维度一行“# 维度名称”，其下每行一条“条目内容 | 分值”；默认五个维度：" + "、".join(rules.DEFAULT_DIMENSIONS))


def _year_field():
    return forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)


def default_items() -> str:
    return "\n".join(f"# {name}\n" for name in rules.DEFAULT_DIMENSIONS)


class StandardForm(Form):
    title = forms.CharField(label="标准名称", max_length=100, help_text="如：2026年农村五好党支部创建标准")
    year = _year_field()
    sector = forms.ChoiceField(label="领域", choices=[("", "全部领域"), *Sector.choices], required=False)
    org_kind = forms.ChoiceField(label="适用组织类型", choices=ASSESSED_KINDS, initial=OrgKind.BRANCH)
    items = forms.CharField(label="维度和条目", widget=forms.Textarea(attrs={"rows": 16}), max_length=20000,
                            help_text=ITEMS_HELP, initial=default_items)


class StartForm(Form):
    year = _year_field()


class SelfScoreForm(Form):
    """The branch's self-assessment, item by item on a phone: a score, the evidence, a file
    (fields ``score_<id>``, ``evidence_<id>``, ``file_<id>``)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            item = row.item
            self.fields[f"score_{item.pk}"] = forms.IntegerField(
                label=f"{item.dimension.name}·{item.text}（{item.points}分）", min_value=0, max_value=item.points,
                required=False, initial=row.self_score, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label="佐证说明", max_length=2000, required=False, initial=row.evidence,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"file_{item.pk}"] = forms.FileField(
                label="佐证材料（照片或 PDF，可选）", required=False,
                help_text=f"已上传：{row.file_name}" if row.file else "PDF、PNG、JPEG，最大 10 MB")

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {row.item_id: (self.cleaned_data[f"score_{row.item_id}"], self.cleaned_data[f"evidence_{row.item_id}"])
                for row in self.rows}

    def uploads(self) -> dict:
        return {row.item_id: self.cleaned_data[f"file_{row.item_id}"] for row in self.rows
                if self.cleaned_data.get(f"file_{row.item_id}")}


class AssessForm(Form):
    """The upper level's scores and notes, item by item (``score_<id>``, ``note_<id>``)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            item = row.item
            self.fields[f"score_{item.pk}"] = forms.IntegerField(
                label=f"{item.dimension.name}·{item.text}（{item.points}分，自评{row.self_score}分）",
                min_value=0, max_value=item.points, initial=row.upper_score if row.upper_score is not None
                else row.self_score, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            self.fields[f"note_{item.pk}"] = forms.CharField(label="考评意见", max_length=200, required=False,
                                                             initial=row.upper_note)

    def scores(self) -> dict[int, tuple[int, str]]:
        return {row.item_id: (self.cleaned_data[f"score_{row.item_id}"], self.cleaned_data[f"note_{row.item_id}"])
                for row in self.rows}


class ReasonForm(Form):
    reason = forms.CharField(label="理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class ExemplarForm(Form):
    title = forms.CharField(label="标题", max_length=100, help_text="如：朝阳里社区第一党支部：党建引领网格治理")
    story = forms.CharField(label="典型事迹", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
