from core import forms
from orgs.models import Org, OrgKind, OrgLevel, Post, Sector


class OrgForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    code = forms.CharField(label="组织代码", max_length=32)
    kind = forms.ChoiceField(label="组织类别", choices=OrgKind.choices)
    sector = forms.ChoiceField(label="领域", choices=[("", "—")] + Sector.choices, required=False)
    level = forms.ChoiceField(label="层级", choices=OrgLevel.choices, initial=OrgLevel.UNIT)
    unit_name = forms.CharField(label="所在单位", max_length=100, required=False)
    founded = forms.DateField(label="成立日期")


class OrgMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label="新上级党组织", queryset=Org.objects.none(),
                                        help_text="只列出您有权调整的党组织")
    reason = forms.CharField(label="调整原因", max_length=200)
    changed_on = forms.DateField(label="调整日期")

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        # The dropdown goes through the same scope as every other read.
        self.fields["new_parent"].queryset = (
            Org.objects.visible_to(user, "move")
            .exclude(kind=OrgKind.GROUP)
            .exclude(path__startswith=org.path)
            .order_by("path")
        )


class TermForm(forms.Form):
    started = forms.DateField(label="任期开始")
    ends = forms.DateField(label="任期届满", required=False,
                     help_text="不填则按规定年限计算（党委5年，党总支、党支部3年，村和社区的党组织含其党支部5年）")
    approval = forms.CharField(label="批准文件", max_length=200, required=False,
                               help_text="提前换届，或任期长短与规定年限不同，须经上级党组织批准，最多一年：填写批准文件的名称和文号")
    secretary = forms.CharField(label=Post.SECRETARY.label, max_length=50)
    deputy = forms.CharField(label=Post.DEPUTY.label, max_length=50, required=False)
    organization = forms.CharField(label=Post.ORGANIZATION.label, max_length=50, required=False)
    propaganda = forms.CharField(label=Post.PROPAGANDA.label, max_length=50, required=False)
    discipline = forms.CharField(label=Post.DISCIPLINE.label, max_length=50, required=False)

    def members(self):
        return [(post, self.cleaned_data.get(post, "") or "") for post in
                ("secretary", "deputy", "organization", "propaganda", "discipline")]
