from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import get_scope
from core import forms
from core.paging import paginate
from core.views import ObjectListView, form_errors_from
from members import services
from members.filters import MemberFilterSet
from members.forms import RECORD_FORMS, CorrectionForm, DecisionForm, DocumentForm, MemberForm
from members.import_views import MemberXlsxExport
from members.models import (
    ACTIVE_LABEL,
    CorrectionRequest,
    Member,
    MemberDocument,
    MemberEvent,
    MemberStatus,
)
from members.tables import MemberTable


class IdLookupForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)


class MemberListView(MemberXlsxExport, ObjectListView):
    model = Member
    filterset_class = MemberFilterSet
    table = MemberTable
    title = "党员"
    export_action = "export"
    breadcrumbs = [("党员", None)]
    default_order = ("org__path", "name", "pk")

    template_name = "members/member_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_extra_context(self):
        # The total names what it counts: by default the figure of the home page and org tree.
        return {"can_export_unmasked": get_scope(self.request.user).has_any_org_perm("member.unmask"),
                "total_label": "" if self.request.GET.get("status") else ACTIVE_LABEL, "total_unit": "人"}


def _visible_member(request, pk, action="view") -> Member:
    return get_object_or_404(Member.objects.visible_to(request.user, action).select_related("org", "group"), pk=pk)


# The archive's sections, in the order of the national member information system's archive.
TABS = [
    ("basic", "基本信息"), ("party", "党籍信息"), ("position", "任职经历"), ("reward", "奖惩情况"),
    ("family", "家庭成员"), ("travel", "出国出境"), ("hardship", "困难情况"), ("appraisal", "民主评议"),
    ("documents", "档案材料"), ("timeline", "记实"),
]
RECORD_COLUMNS = {
    "position": ("title", "unit", "started", "ended"),
    "reward": ("kind", "name", "decided", "issuer", "note"),
    "family": ("relation", "name", "unit_post", "political_status"),
    "travel": ("destination", "purpose", "departed", "returned"),
    "hardship": ("kind", "description", "since", "resolved"),
    "appraisal": ("year", "result"),
}


def _cell(record, name: str) -> str:
    field = record._meta.get_field(name)
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _record_tab(request, member, kind) -> dict:
    model = services.RECORD_MODELS[kind]
    columns = RECORD_COLUMNS[kind]
    records = model.objects.visible_to(request.user).filter(member=member)
    headers = [model._meta.get_field(name).verbose_name for name in columns]
    return {
        "headers": headers,
        "rows": [(record, [(h, _cell(record, name)) for h, name in zip(headers, columns, strict=True)])
                 for record in records],
    }


def _tab_context(request, member, tab) -> dict:
    if tab in services.RECORD_MODELS:
        return _record_tab(request, member, tab)
    if tab == "documents":
        return {"documents": MemberDocument.objects.visible_to(request.user).filter(member=member)
                .select_related("uploaded_by")}
    if tab == "timeline":
        corrections = list(CorrectionRequest.objects.visible_to(request.user).filter(member=member)
                           .select_related("decided_by"))
        for correction in corrections:
            correction.field_name_label = services.correction_label(correction.field_name)
        page = paginate(request, MemberEvent.objects.visible_to(request.user).filter(member=member)
                        .select_related("actor"))
        return {"page": page, "events": page.object_list, "corrections": corrections}
    if tab == "party":
        return {"standing": member.standing_years()}
    return {}


def _detail(request, member, revealed=None):
    scope = get_scope(request.user)
    tab = request.GET.get("tab", "basic")
    if tab not in dict(TABS):
        tab = "basic"
    crumbs = [("党员", reverse("members:list"))] if scope.has_any_org_perm("member.view") else []
    context = {
        "member": member,
        "revealed": revealed or {},
        "number": (revealed or {}).get("id_number"),
        "phone": (revealed or {}).get("phone"),
        "title": member.name,
        "breadcrumbs": crumbs + [(member.name, None)],
        "tabs": TABS,
        "tab": tab,
        "tab_label": dict(TABS)[tab],
        "can_unmask": scope.covers(member.org.path, "member.unmask"),
        "can_change": scope.covers(member.org.path, "member.change"),
        "is_self": scope.member_id == member.pk,
        "org_visible": scope.covers(member.org.path, "org.view") or scope.member_org_id == member.org_id,
        "moved_out_letter": _moved_out_letter(request.user, member),
        **_tab_context(request, member, tab),
    }
    template = "members/_archive_panel.html" if request.htmx and not request.htmx.boosted else \
        "members/member_detail.html"
    return render(request, template, context)


def _moved_out_letter(user, member):
    """The letter that took a member "已转出" out of the platform (transfers depends on members,
    so the import is here, not at the top)."""
    if member.status != MemberStatus.MOVED_OUT:
        return None
    from transfers.selectors import moved_out_letter

    return moved_out_letter(user, member)


@login_required
@require_POST
def member_lookup(request):
    """按身份证号查找: a POST, so the number never stands in a URL or an access log."""
    form = IdLookupForm(request.POST)
    if form.is_valid():
        try:
            member = services.member_lookup(actor=request.user, id_number=form.cleaned_data["id_number"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if member is not None:
                return redirect("members:detail", pk=member.pk)
            messages.info(request, "未找到该身份证号对应的党员，或该党员不在您的管理范围内")
    else:
        messages.error(request, "请输入18位身份证号")
    return redirect("members:list")


@login_required
def member_detail(request, pk):
    return _detail(request, _visible_member(request, pk))


@login_required
@require_POST
def member_unmask(request, pk):
    """查看完整号码 (ID number or phone): audited by the service, shown once, never cached."""
    member = _visible_member(request, pk)
    field = request.POST.get("field", "id_number")
    if field not in services.SENSITIVE_FIELDS:
        raise Http404
    value = services.member_unmask(actor=request.user, member=member, field=field)
    if request.htmx:
        template = "members/_id_number.html" if field == "id_number" else "members/_phone.html"
        return render(request, template, {"member": member, "number": value if field == "id_number" else None,
                                          "phone": value if field == "phone" else None, "can_unmask": True})
    return _detail(request, member, {field: value})


def _form_page(request, form, title, member, *, submit_label="保存", multipart=False, help_text=""):
    return render(request, "members/form.html", {
        "form": form, "title": title, "member": member, "submit_label": submit_label, "multipart": multipart,
        "help_text": help_text, "cancel_url": reverse("members:detail", args=[member.pk]),
        "breadcrumbs": [("党员", reverse("members:list")), (member.name, reverse("members:detail", args=[member.pk])),
                        (title, None)],
    })


def _back(member, tab):
    return redirect(reverse("members:detail", args=[member.pk]) + f"?tab={tab}")


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _visible_member(request, pk, "change")
    form = MemberForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, changes=form.changes())
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "档案已保存")
            return _back(member, "basic")
    return _form_page(request, form, "编辑档案", member)


def _kind(kind: str) -> str:
    if kind not in services.RECORD_MODELS:
        raise Http404
    return kind


def _visible_record(request, pk, kind, record_pk):
    model = services.RECORD_MODELS[_kind(kind)]
    return get_object_or_404(model.objects.visible_to(request.user, "change").select_related("member__org"),
                             pk=record_pk, member_id=pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request, pk, kind):
    kind = _kind(kind)
    member = _visible_member(request, pk, "change")
    form = RECORD_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_add(actor=request.user, member=member, kind=kind, data=form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "已添加")
            return _back(member, kind)
    return _form_page(request, form, f"添加{dict(TABS)[kind]}", member)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk, kind, record_pk):
    record = _visible_record(request, pk, kind, record_pk)
    form = RECORD_FORMS[kind](request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(actor=request.user, record=record, data=form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "已保存")
            return _back(record.member, kind)
    return _form_page(request, form, f"修改{dict(TABS)[kind]}", record.member)


def _confirm_page(request, member, what, cancel_url):
    return render(request, "members/confirm_delete.html", {
        "title": f"删除{what}", "what": what, "member": member, "cancel_url": cancel_url,
        "breadcrumbs": [("党员", reverse("members:list")), (member.name, reverse("members:detail", args=[member.pk])),
                        ("删除", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, pk, kind, record_pk):
    """GET asks for confirmation; POST deletes."""
    record = _visible_record(request, pk, kind, record_pk)
    if request.method == "POST":
        services.record_delete(actor=request.user, record=record)
        messages.success(request, "已删除")
        return _back(record.member, kind)
    return _confirm_page(request, record.member, f"{record._meta.verbose_name}“{record}”",
                         reverse("members:detail", args=[pk]) + f"?tab={kind}")


# --- documents ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    member = _visible_member(request, pk, "change")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add(actor=request.user, member=member, upload=form.cleaned_data["file"],
                                  title=form.cleaned_data["title"], kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "材料已上传")
            return _back(member, "documents")
    return _form_page(request, form, "上传档案材料", member, submit_label="上传", multipart=True)


@login_required
def document_download(request, doc_pk):
    """Found only through visible_to (404 out of scope); served as an attachment, nosniff."""
    document = get_object_or_404(MemberDocument.objects.visible_to(request.user), pk=doc_pk)
    return services.document_open(actor=request.user, document=document)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, doc_pk):
    document = get_object_or_404(
        MemberDocument.objects.visible_to(request.user, "change").select_related("member__org"), pk=doc_pk)
    if request.method == "POST":
        services.document_delete(actor=request.user, document=document)
        messages.success(request, "材料已删除")
        return _back(document.member, "documents")
    return _confirm_page(request, document.member, f"档案材料“{document.title}”",
                         reverse("members:detail", args=[document.member_id]) + "?tab=documents")


# --- correction requests -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def correction_create(request, pk):
    """A member's own request; nobody else files one for them (404)."""
    member = _visible_member(request, pk)
    if get_scope(request.user).member_id != member.pk:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_create(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "更正申请已提交，党支部处理后会在记实中显示结果")
            return _back(member, "timeline")
    return _form_page(request, form, "申请更正档案", member, submit_label="提交申请",
                      help_text="身份证号、联系电话的更正请携带证件到党支部办理。")


@login_required
def correction_list(request):
    """Pending requests of the members the user may change (the branch secretary's inbox)."""
    if not get_scope(request.user).has_any_org_perm("member.change"):
        raise Http404
    pending = (CorrectionRequest.objects.visible_to(request.user, "change")
               .filter(status=CorrectionRequest.Status.PENDING).select_related("member__org")
               .order_by("created", "pk"))
    page = paginate(request, pending)
    return render(request, "members/correction_list.html", {
        "title": "档案更正申请", "breadcrumbs": [("档案更正申请", None)],
        "page": page, "requests": [(r, services.correction_label(r.field_name)) for r in page.object_list],
        "decision_form": DecisionForm(),
    })


@login_required
@require_POST
def correction_decide(request, cr_pk):
    correction = get_object_or_404(CorrectionRequest.objects.visible_to(request.user, "change"), pk=cr_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择采纳或不采纳")
        return redirect("members:corrections")
    decide = services.correction_approve if form.cleaned_data["decision"] == "approve" else \
        services.correction_decline
    try:
        decide(actor=request.user, request=correction, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已处理，结果已记入该党员的记实")
    return redirect("members:corrections")
