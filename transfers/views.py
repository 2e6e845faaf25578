from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.scope import get_scope
from core.paging import paginate
from core.views import ObjectListView, ServiceFormView, form_errors_from
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


def _visible_letter(request, pk) -> Letter:
    return get_object_or_404(selectors.letters(request.user), pk=pk)


def _require_change_somewhere(user) -> None:
    if not get_scope(user).has_any_org_perm("member.change"):
        raise Http404


# What each action on the detail page does: its label, who may, whether it needs a reason.
ACTIONS = {
    "accept": ("接收", "receiver", False),
    "return": ("退回", "receiver", True),
    "cancel": ("撤销", "sender", True),
    "complete": ("登记回执", "sender", False),
    "expire": ("标记过期", "either", False),
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
        "title": f"介绍信 {letter.number}",
        "breadcrumbs": [CRUMB, (letter.number, None)],
    }


@login_required
def letter_detail(request, pk):
    letter = _visible_letter(request, pk)
    return render(request, "transfers/letter_detail.html", _letter_context(request, letter))


@login_required
def letter_print(request, pk):
    """The printable letter (介绍信): stub, letter and receipt on one A4 page."""
    letter = _visible_letter(request, pk)
    return render(request, "transfers/letter_print.html", _letter_context(request, letter))


@login_required
@require_http_methods(["GET", "POST"])
def letter_action(request, pk, action):
    """GET: the confirmation page; POST: the action, through its service."""
    letter = _visible_letter(request, pk)
    label, _side, needs_reason = ACTIONS[action]
    form = LetterActionForm(request.POST if request.method == "POST" else None, needs_reason=needs_reason)
    if request.method == "POST" and form.is_valid():
        try:
            _perform(action, request.user, letter, form.cleaned_data.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            messages.success(request, f"介绍信 {letter.number} 已{label}")
        return redirect(letter)
    context = _letter_context(request, letter)
    context.update(form=form, action=action, action_label=label, title=f"{label}介绍信 {letter.number}",
                   breadcrumbs=[CRUMB, (letter.number, letter.get_absolute_url()), (label, None)])
    return render(request, "transfers/letter_confirm.html", context)


def _perform(action: str, actor, letter: Letter, reason: str) -> None:
    if action == "accept":
        services.letter_accept(actor=actor, letter=letter)
    elif action == "return":
        services.letter_return(actor=actor, letter=letter, reason=reason)
    elif action == "cancel":
        services.letter_cancel(actor=actor, letter=letter, reason=reason)
    elif action == "complete":
        services.letter_complete(actor=actor, letter=letter)
    else:
        services.letter_expire(actor=actor, letter=letter)


@login_required
@require_http_methods(["GET", "POST"])
def letter_issue(request):
    _require_change_somewhere(request.user)
    initial = {"member": request.GET.get("member")} if request.GET.get("member", "").isdigit() else {}
    form = LetterIssueForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_issue(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _attach(exc, form)
        else:
            messages.success(request, f"已开具介绍信 {letter.number}")
            return redirect(letter)
    return render(request, "core/form.html", {
        "form": form, "title": "开具组织关系介绍信", "submit_label": "开具",
        "cancel_url": reverse("transfers:list"), "breadcrumbs": [CRUMB, ("开具介绍信", None)],
    })


def _attach(exc: ValidationError, form) -> None:
    """Service errors name ``to_org``; the form's field is the code."""
    if hasattr(exc, "error_dict") and "to_org" in exc.error_dict:
        exc.error_dict["to_org_code"] = exc.error_dict.pop("to_org")
    form_errors_from(exc, form)


@login_required
@require_http_methods(["GET", "POST"])
def letter_receive_external(request):
    _require_change_somewhere(request.user)
    form = LetterReceiveExternalForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_receive_external(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, f"已登记平台外转入的介绍信 {letter.number}，并建立党员档案")
            return redirect(letter)
    return render(request, "core/form.html", {
        "form": form, "title": "登记平台外转入的介绍信", "submit_label": "登记",
        "cancel_url": reverse("transfers:list"), "breadcrumbs": [CRUMB, ("平台外转入", None)],
    })


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
    form_class = CertificateForm
    service = services.certificate_issue
    title = "发放流动党员活动证"
    submit_label = "发放"
    success_message = "已发放流动党员活动证 {result.number}"

    def prepare(self):
        _require_change_somewhere(self.request.user)

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
