from django.core.exceptions import ValidationError
from django.utils import timezone

from core import forms
from core.registry import dues_paid_up_to
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from orgs.models import MEMBERSHIP_KINDS, Org
from transfers import rules
from transfers.models import CertificateClose


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.name}）"


def transferable_members(user):
    """The issue form's dropdown: active members the user may change, through visible_to."""
    return (Member.objects.visible_to(user, "change").filter(status__in=ACTIVE_STATUSES)
            .select_related("org").order_by("org__path", "name", "pk"))


class LetterIssueForm(forms.Form):
    member = MemberChoiceField(label="党员", queryset=Member.objects.none(),
                               help_text="只列出您有权办理的正式党员和预备党员")
    outside = forms.BooleanField(label="转往平台外党组织（开具纸质介绍信）", required=False)
    to_org_code = forms.CharField(label="接收党组织代码", max_length=32, required=False,
                                  help_text="平台内转接：填写接收党支部的组织代码（可在本人管理范围之外）")
    to_org_name = forms.CharField(label="平台外接收党组织名称", max_length=100, required=False)
    issued_on = forms.DateField(label="开具日期", initial=timezone.localdate)
    valid_until = forms.DateField(label="有效期至",
                            help_text="最长3个月（组通字〔2006〕45号）")
    dues_paid_until = forms.MonthField(label="党费交至（月份）", required=False,
                                 help_text="留空则按本平台党费记录填写")
    reason = forms.CharField(label="转接原因", max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = transferable_members(user)
        member = self.initial.get("member")
        if member and not self.is_bound:
            self.initial.setdefault("dues_paid_until", dues_paid_up_to(member))

    def clean(self):
        data = super().clean()
        if data.get("member") is not None and not data.get("dues_paid_until"):
            # Filled from the dues kept here (dues.services); a member not yet in them: by hand.
            data["dues_paid_until"] = dues_paid_up_to(data["member"])
            if data["dues_paid_until"] is None:
                self.add_error("dues_paid_until", "本平台没有该党员的党费记录，请填写党费交至的月份")
        if data.get("outside"):
            if not (data.get("to_org_name") or "").strip():
                self.add_error("to_org_name", "请填写平台外接收党组织的名称")
            data["to_org"] = None
        else:
            code = (data.get("to_org_code") or "").strip()
            if not code:
                self.add_error("to_org_code", "请填写接收党组织的组织代码")
            else:
                org = Org.objects.filter(code=code.upper()).first()
                if org is None:
                    self.add_error("to_org_code", f"组织代码“{code}”不存在，请核对")
                data["to_org"] = org
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"member": data["member"], "to_org": data.get("to_org"), "to_org_name": data.get("to_org_name", ""),
                "issued_on": data["issued_on"], "valid_until": data["valid_until"],
                "dues_paid_until": data["dues_paid_until"], "reason": data["reason"]}


class LetterReceiveExternalForm(forms.Form):
    """A paper letter from outside the platform, and the member it brings."""

    to_org = forms.ModelChoiceField(label="接收党组织", queryset=Org.objects.none())
    number = forms.CharField(label="介绍信编号", max_length=40)
    from_org_name = forms.CharField(label="开具介绍信的党组织", max_length=100)
    issued_on = forms.DateField(label="开具日期")
    valid_until = forms.DateField(label="有效期至")
    dues_paid_until = forms.MonthField(label="党费交至（月份）")
    reason = forms.CharField(label="转接原因", max_length=200)
    received_on = forms.DateField(label="接收日期", initial=timezone.localdate)
    name = forms.CharField(label="党员姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30)
    status = forms.ChoiceField(label="党员状态", choices=[(s.value, s.label) for s in ACTIVE_STATUSES],
                               initial=MemberStatus.FULL)
    joined = forms.DateField(label="入党日期")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Branches where the user may create members (member.change), as members.services asks.
        self.fields["to_org"].queryset = (
            Org.objects.granting(user, "member.change").filter(kind__in=MEMBERSHIP_KINDS).order_by("path"))


class LetterActionForm(forms.Form):
    """Confirmation of an action on the detail page; return and cancel need a reason."""

    confirm = forms.BooleanField(label="我已核对介绍信内容，确认办理", required=True)
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args, needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        if not needs_reason:
            del self.fields["reason"]

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if self.needs_reason and not reason:
            raise ValidationError("请填写原因")
        return reason


class CertificateForm(forms.Form):
    member = MemberChoiceField(label="党员", queryset=Member.objects.none())
    number = forms.CharField(label="活动证编号", max_length=40)
    issued_on = forms.DateField(label="发证日期", initial=timezone.localdate)
    valid_until = forms.DateField(label="有效期至")
    city = forms.CharField(label="流入地（城市）", max_length=50)
    unit = forms.CharField(label="流入单位", max_length=100, required=False)
    contact = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = transferable_members(user)


class CertificateRenewForm(forms.Form):
    valid_until = forms.DateField(label="新的有效期至",
                            help_text=f"每次换发最长延续{rules.CERTIFICATE_MAX_RENEWAL_MONTHS}个月（自换发之日起）")


class CertificateCloseForm(forms.Form):
    closed_on = forms.DateField(label="收回日期", initial=timezone.localdate)
    close_kind = forms.ChoiceField(label="收回情形", choices=CertificateClose.choices)
    close_reason = forms.CharField(label="收回说明", max_length=200, help_text="如：务工结束返乡，已交回活动证")
