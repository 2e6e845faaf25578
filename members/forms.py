"""Archive forms. They only shape input; the rules live in members.services, whose
ValidationErrors come back onto the form field by field (core.views.form_errors_from)."""

from core import forms
from members import services
from members.models import (
    Appraisal,
    CorrectionRequest,
    Education,
    FamilyMember,
    Hardship,
    Member,
    MemberCategory,
    MemberDocument,
    MemberStatus,
    Observation,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.models import Org, OrgKind


class MemberForm(forms.Form):
    """The archive's own fields. ID number and phone are never shown in clear here: left empty,
    they stay as they are."""

    name = forms.CharField(label="姓名", max_length=50)
    former_name = forms.CharField(label="曾用名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=30, required=False,
                                help_text="不修改请留空；修改后性别和出生日期按新号码重新确定")
    phone = forms.CharField(label="联系电话", max_length=30, required=False, help_text="不修改请留空")
    clear_phone = forms.BooleanField(label="删除联系电话", required=False)
    ethnicity = forms.CharField(label="民族", max_length=20)
    native_place = forms.CharField(label="籍贯", max_length=50, required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + Education.choices, required=False)
    degree = forms.CharField(label="学位", max_length=20, required=False)
    occupation = forms.CharField(label="职业", max_length=50, required=False)
    title = forms.CharField(label="专业技术职务", max_length=50, required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    work_post = forms.CharField(label="单位职务", max_length=50, required=False)
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    applied = forms.DateField(label="申请入党日期", required=False)
    joined = forms.DateField(label="入党日期")
    converted = forms.DateField(label="转正日期", required=False,
                          help_text="预备党员不填")
    category = forms.ChoiceField(label="人员类别", choices=MemberCategory.choices)
    status = forms.ChoiceField(label="党员状态", choices=MemberStatus.choices)
    group = forms.ModelChoiceField(label="所在党小组", queryset=Org.objects.none(), required=False,
                                   empty_label="—（不在党小组）")

    PLAIN = ("name", "former_name", "ethnicity", "native_place", "education", "degree", "occupation",
             "title", "work_unit", "work_post", "address", "applied", "joined", "converted", "category",
             "status", "group")

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("initial", {name: getattr(member, name) for name in self.PLAIN})
        super().__init__(*args, **kwargs)
        # Only the groups under the member's own org, which the user already sees.
        self.fields["group"].queryset = Org.objects.filter(
            kind=OrgKind.GROUP, depth=member.org.depth + 1, path__startswith=member.org.path,
        ).order_by("path")
        if member.status != MemberStatus.MOVED_OUT:  # set by the transfer's receipt, not here
            self.fields["status"].choices = [c for c in MemberStatus.choices if c[0] != MemberStatus.MOVED_OUT]
        self.member = member

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.PLAIN}
        data["group"] = data["group"].pk if data["group"] else None
        if self.cleaned_data["id_number"].strip():
            data["id_number"] = self.cleaned_data["id_number"]
        if self.cleaned_data["clear_phone"]:
            data["phone"] = ""
        elif self.cleaned_data["phone"].strip():
            data["phone"] = self.cleaned_data["phone"]
        return data


class RecordForm(forms.ModelForm):
    """Shapes input only: the model checks and the archive rules run in the service
    (members.services.record_add/record_update), whose messages come back field by field."""

    def _post_clean(self):
        pass


def _record_form(model, field_names, widgets=None):
    return forms.modelform_factory(model, form=RecordForm, fields=field_names, widgets=widgets or {})


RECORD_FORMS = {
    "position": _record_form(PositionHeld, ["title", "unit", "started", "ended"],
                             {"started": forms.DateInput(), "ended": forms.DateInput()}),
    "reward": _record_form(RewardPunishment, ["kind", "name", "decided", "issuer", "note"],
                           {"decided": forms.DateInput()}),
    "family": _record_form(FamilyMember, ["relation", "name", "unit_post", "political_status"]),
    "travel": _record_form(TravelAbroad, ["destination", "purpose", "departed", "returned"],
                           {"departed": forms.DateInput(), "returned": forms.DateInput()}),
    "hardship": _record_form(Hardship, ["kind", "description", "since", "resolved"],
                             {"since": forms.DateInput(), "resolved": forms.DateInput()}),
    "appraisal": _record_form(Appraisal, ["year", "result"]),
    "observation": _record_form(Observation, ["starts_on", "ends_on", "issuer", "document", "note"],
                                {"starts_on": forms.DateInput(), "ends_on": forms.DateInput()}),
}
assert set(RECORD_FORMS) == set(services.RECORD_MODELS)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=MemberDocument.Kind.choices,
                             initial=MemberDocument.Kind.OTHER)
    title = forms.CharField(label="标题", max_length=100)
    file = forms.FileField(label="文件", help_text="PDF、PNG 或 JPEG，最大 10 MB；按文件内容判断类型",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))


class CorrectionForm(forms.Form):
    field_name = forms.ChoiceField(label="需更正的项目", choices=())
    requested_value = forms.CharField(label="应更正为", max_length=200,
                                      help_text="日期请写成 2020-07-01 的格式")
    reason = forms.CharField(label="理由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_name"].choices = services.correction_field_choices()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "采纳"), ("decline", "不采纳")], error_messages={
        "required": "请选择采纳或不采纳", "invalid_choice": "请选择采纳或不采纳"})
    note = forms.CharField(label="处理意见", max_length=300, required=False)


__all__ = ["MemberForm", "RECORD_FORMS", "DocumentForm", "CorrectionForm", "DecisionForm", "CorrectionRequest"]
