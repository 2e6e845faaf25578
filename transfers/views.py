from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.access import get_scope
from core.paging import paginate
from core.views import (
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from members.models import Member
from transfers import selectors, services
from transfers.filters import CertificateFilterSet, LetterFilterSet
from transfers.forms import (
    CertificateCloseForm,
    CertificateForm,
    CertificateRenewForm,
    LetterActionForm,
    LetterIssueForm,
    LetterReceiveExternalForm,
)
from transfers.models import Letter, LetterKind, LetterState, MobileCertificate
from transfers.tables import CertificateTable, LetterTable

CRUMB = ("组织关系转接", "/transfers/")


class LetterListView(ObjectListView):
    """Outgoing and incoming letters of the user's scope (``direction`` filters them)."""

    model = Letter
    filterset_class = LetterFilterSet
    table = LetterTable
    title = "组织关系转接"
    template_name = "transfers/letter_list.html"
    export_action = "export"
    breadcrumbs = [("组织关系转接", None)]
    default_order = ("-issued_on", "-pk")

    def get_queryset(self):
        return super().get_queryset().select_related("member")

    def get_extra_context(self):
        return {"can_issue": get_scope(self.request.user).has_any_org_perm("member.change")}


class CertificateListView(ObjectListView):
    model = MobileCertificate
    filterset_class = CertificateFilterSet
    table = CertificateTable
    title = "流动党员活动证"
    template_name = "transfers/certificate_list.html"
    breadcrumbs = [CRUMB, ("流动党员", None)]
    default_order = ("valid_until", "pk")

    def get_queryset(self):
        return super().get_queryset().select_related("member", "member__org")

    def get_extra_context(self):
        return {"can_issue": get_scope(self.request.user).has_any_org_perm("member.change")}


# What each action on the detail page does: its label, who may, whether it needs a reason, the
# service, and what the confirmation says.
ACTIONS = {
    "accept": ("接收", "receiver", False, services.letter_accept,
               "接收后，{member}的组织关系转入“{to}”（原党小组不再保留），回执返回“{source}”。"),
    "return": ("退回", "receiver", True, services.letter_return, "退回后，{member}仍在“{source}”。"),
    "cancel": ("撤销", "sender", True, services.letter_cancel, "撤销后介绍信作废，{member}仍在“{source}”。"),
    "complete": ("登记回执", "sender", False, services.letter_complete,
                 "登记平台外接收党组织寄回的回执：{member}的组织关系已转出平台，此后由档案管理办理归档。"),
    "expire": ("标记过期", "either", False, services.letter_expire, "将超过有效期仍未接收的介绍信标记为过期。"),
}


def available_actions(letter: Letter, sides: dict) -> list[str]:
    """The buttons shown; the services decide again (and refuse in Chinese) on submission."""
    found = []
    expired = letter.is_expired()
    if letter.state == LetterState.ISSUED and sides["receiver"] and not expired:
        found += ["accept", "return"]
    if letter.state == LetterState.ISSUED and sides["sender"]:
        found.append("cancel")
    if letter.kind == LetterKind.OUTGOING and sides["sender"] and letter.state in (
            LetterState.ISSUED, LetterState.EXPIRED):
        found.append("complete")
    if letter.state == LetterState.ISSUED and expired and (sides["sender"] or sides["receiver"]):
        found.append("expire")
    return found


def _letter_context(request, letter: Letter) -> dict:
    scope = get_scope(request.user)
    sides = selectors.letter_sides(request.user, letter)
    member_visible = Member.objects.visible_to(request.user).filter(pk=letter.member_id).exists()
    return {
        "letter": letter,
        "member": letter.member,
        "sides": sides,
        "actions": [(name, ACTIONS[name][0]) for name in available_actions(letter, sides)],
        "member_visible": member_visible,
        "from_org_visible": bool(letter.from_org and scope.covers(letter.from_org.path, "org.view")),
        "to_org_visible": bool(letter.to_org and scope.covers(letter.to_org.path, "org.view")),
        "expired": letter.is_expired(),
    }


class LetterDetailView(ObjectDetailView):
    template_name = "transfers/letter_detail.html"

    def get_queryset(self):
        return selectors.letters(self.request.user)

    def get_title(self):
        return f"介绍信 {self.object.number}"

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.number, None)]

    def get_extra_context(self):
        return _letter_context(self.request, self.object)


class LetterPrintView(LetterDetailView):
    """The printable letter (介绍信): stub, letter and receipt on one A4 page."""

    template_name = "transfers/letter_print.html"


class LetterActionView(ServiceActionView):
    """An action on a letter (the URL names it): a confirmation with the letter's details, then
    its service; the services decide who may."""

    confirm = True
    form_class = LetterActionForm
    summary_template = "transfers/_letter_props.html"

    def prepare(self):
        self.letter = get_object_or_404(selectors.letters(self.request.user), pk=self.kwargs["pk"])
        self.label, _side, self.needs_reason, self.service, self.says = ACTIONS[self.kwargs["action"]]

    def get_form_kwargs(self):
        return {"needs_reason": self.needs_reason}

    def call_service(self, form):
        reason = {"reason": form.cleaned_data["reason"]} if self.needs_reason else {}
        return self.service(actor=self.request.user, letter=self.letter, **reason)

    def get_title(self):
        return f"{self.label}介绍信 {self.letter.number}"

    def get_intro(self):
        letter = self.letter
        return self.says.format(member=letter.member.name, to=letter.to_org_name, source=letter.from_org_name)

    @property
    def submit_label(self):
        return f"确认{self.label}"

    def get_success_message(self, result):
        return f"介绍信 {self.letter.number} 已{self.label}"

    def get_cancel_url(self):
        return self.letter.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, (self.letter.number, self.letter.get_absolute_url()), (self.label, None)]

    def get_extra_context(self):
        return _letter_context(self.request, self.letter)


class LetterIssueView(ServiceFormView):
    required_perm = "member.change"
    form_class = LetterIssueForm
    title = "开具组织关系介绍信"
    submit_label = "开具"
    breadcrumbs = [CRUMB, ("开具介绍信", None)]
    success_message = "已开具介绍信 {result.number}"
    error_field_names = {"to_org": "to_org_code"}  # the form names the receiving org by its code

    def get_form_kwargs(self):
        wanted = self.request.GET.get("member", "")
        return {"user": self.request.user, "initial": {"member": wanted} if wanted.isdigit() else {}}

    def call_service(self, form):
        return services.letter_issue(actor=self.request.user, **form.service_kwargs())

    def get_cancel_url(self):
        return reverse("transfers:list")


class LetterReceiveExternalView(ServiceFormView):
    required_perm = "member.change"
    form_class = LetterReceiveExternalForm
    service = services.letter_receive_external
    title = "登记平台外转入的介绍信"
    submit_label = "登记"
    breadcrumbs = [CRUMB, ("平台外转入", None)]
    success_message = "已登记平台外转入的介绍信 {result.number}，并建立党员档案"

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_cancel_url(self):
        return reverse("transfers:list")


@not_generic("the warnings page: four kinds of warning across the user's scope, about no one object")
@login_required
def warnings(request):
    """Expired letters, members not reported within 6 months, expiring certificates, and members
    transferred outside the platform waiting to be archived."""
    return render(request, "transfers/warnings.html", {
        "title": "转接预警", "breadcrumbs": [CRUMB, ("预警", None)],
        "warnings": selectors.warnings(request.user),
        "page": paginate(request, selectors.pending_archive_letters(request.user)),
    })


CERTIFICATES = ("流动党员", "/transfers/mobile/")


class CertificatePage(ServiceFormView):
    """The certificate forms: back to the certificate list, whatever happens."""

    def get_success_url(self, result):
        return reverse("transfers:certificates")

    def get_cancel_url(self):
        return reverse("transfers:certificates")

    def get_breadcrumbs(self):
        return [CRUMB, CERTIFICATES, (self.get_title(), None)]


class CertificateCreateView(CertificatePage):
    required_perm = "member.change"
    form_class = CertificateForm
    service = services.certificate_issue
    title = "发放流动党员活动证"
    submit_label = "发放"
    success_message = "已发放流动党员活动证 {result.number}"

    def get_form_kwargs(self):
        wanted = self.request.GET.get("member", "")
        return {"user": self.request.user, "initial": {"member": wanted} if wanted.isdigit() else {}}


class CertificateActionPage(CertificatePage):
    """An action on a certificate of a member the user may change (404 otherwise)."""

    def prepare(self):
        self.certificate = get_object_or_404(
            MobileCertificate.objects.visible_to(self.request.user, "change").select_related("member__org"),
            pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"certificate": self.certificate, **form.cleaned_data}


class CertificateRenewView(CertificateActionPage):
    form_class = CertificateRenewForm
    service = services.certificate_renew
    submit_label = "确认换发"
    success_message = "流动党员活动证 {result.number} 已换发，有效期至 {result.valid_until:%Y-%m-%d}"

    def get_title(self):
        return f"换发流动党员活动证 {self.certificate.number}"

    def get_intro(self):
        c = self.certificate
        return (f"{c.member.name}，流入地：{c.city}{c.unit}，原有效期至 {c.valid_until:%Y-%m-%d}"
                f"（{c.display_state()}）。换发后沿用原编号，原有效期记入记实。")


class CertificateCloseView(CertificateActionPage):
    form_class = CertificateCloseForm
    service = services.certificate_close
    submit_label = "确认收回"
    success_message = "流动党员活动证 {result.number} 已收回"

    def get_title(self):
        return f"收回流动党员活动证 {self.certificate.number}"

    def get_intro(self):
        c = self.certificate
        return (f"{c.member.name}，流入地：{c.city}{c.unit}，有效期至 {c.valid_until:%Y-%m-%d}。"
                "收回后该活动证不再有效，记录保留；党员的组织关系不变。")
