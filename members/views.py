from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import forms
from core.access import get_scope
from core.paging import paginate
from core.registry import member_context
from core.views import (
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
    require_perm,
)
from members import selectors, services
from members.filters import MemberFilterSet
from members.forms import RECORD_FORMS, CorrectionForm, DecisionForm, DocumentForm, MemberForm
from members.import_views import MemberXlsxExport
from members.models import (
    ACTIVE_LABEL,
    CorrectionRequest,
    Member,
    MemberDocument,
)
from members.tables import MemberTable


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

    total_from_summary = True

    def get_total(self, filterset):
        return selectors.listed_total(self.request.user, filterset.form.cleaned_data)

    def get_extra_context(self):
        # The total names what it counts: by default the figure of the home page and org tree.
        return {"can_export_unmasked": get_scope(self.request.user).has_any_org_perm("member.unmask"),
                "total_label": "" if self.request.GET.get("status") else ACTIVE_LABEL, "total_unit": "人"}


# The archive's sections, in the order of the national member information system's archive.
TABS = [
    ("basic", "基本信息"), ("party", "党籍信息"), ("position", "任职经历"), ("reward", "奖惩情况"),
    ("family", "家庭成员"), ("travel", "出国出境"), ("hardship", "困难情况"), ("appraisal", "民主评议"),
    ("observation", "留党察看"), ("documents", "档案材料"), ("timeline", "记实"),
]
RECORD_COLUMNS = {
    "position": ("title", "unit", "started", "ended"),
    "reward": ("kind", "name", "decided", "issuer", "note"),
    "family": ("relation", "name", "unit_post", "political_status"),
    "travel": ("destination", "purpose", "departed", "returned"),
    "hardship": ("kind", "description", "since", "resolved"),
    "appraisal": ("year", "result"),
    "observation": ("starts_on", "ends_on", "issuer", "document", "note"),
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
    records = selectors.member_records(request.user, member, model)
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
        return {"documents": selectors.documents(request.user, member)}
    if tab == "timeline":
        corrections = list(selectors.corrections(request.user, member))
        for correction in corrections:
            correction.field_name_label = services.correction_label(correction.field_name)
        page = paginate(request, selectors.events(request.user, member))
        return {"page": page, "events": page.object_list, "corrections": corrections}
    if tab == "party":
        return {"standing": member.standing_years()}
    return {}


class IdLookupForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30,
                                error_messages={"required": "请输入18位身份证号", "max_length": "请输入18位身份证号"})


class MemberLookupView(ServiceActionView):
    """按身份证号查找: a POST, so the number never stands in a URL or an access log."""

    form_class = IdLookupForm
    service = services.member_lookup

    def get_service_kwargs(self, form):
        return form.cleaned_data

    def get_back_url(self):
        return reverse("members:list")

    def succeeded(self, member):
        if member is not None:
            return redirect("members:detail", pk=member.pk)
        messages.info(self.request, "未找到该身份证号对应的党员，或该党员不在您的管理范围内")
        return redirect(self.get_back_url())


class MemberDetailView(ObjectDetailView):
    """The archive: one tab at a time (an htmx request gets the tab's panel alone)."""

    model = Member
    template_name = "members/member_detail.html"
    partial_template = "members/_archive_panel.html"
    revealed: dict = {}

    def get_queryset(self):
        return super().get_queryset().select_related("org", "group")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        listed = get_scope(self.request.user).has_any_org_perm("member.view")
        return ([("党员", reverse("members:list"))] if listed else []) + [(self.object.name, None)]

    def get_extra_context(self):
        member, user = self.object, self.request.user
        scope = get_scope(user)
        tab = self.request.GET.get("tab", "basic")
        if tab not in dict(TABS):
            tab = "basic"
        return {
            "member": member,
            "revealed": self.revealed,
            "number": self.revealed.get("id_number"),
            "phone": self.revealed.get("phone"),
            "tabs": TABS,
            "tab": tab,
            "tab_label": dict(TABS)[tab],
            "can_unmask": scope.covers(member.org.path, "member.unmask"),
            "can_change": scope.covers(member.org.path, "member.change"),
            "is_self": scope.member_id == member.pk,
            "org_visible": scope.covers(member.org.path, "org.view") or scope.member_org_id == member.org_id,
            "observation": selectors.observation_on(member, timezone.localdate()),
            **member_context(user, member),  # other apps' parts (transfers: the moved-out letter)
            **_tab_context(self.request, member, tab),
        }


class MemberUnmaskView(ServiceActionView):
    """查看完整号码 (ID number or phone): audited by the service, shown once, never cached: the
    answer is the archive page (or, for htmx, the number's fragment) with the number in it."""

    service = services.member_unmask

    def prepare(self):
        self.member = get_object_or_404(
            Member.objects.visible_to(self.request.user).select_related("org", "group"), pk=self.kwargs["pk"])
        self.field = self.request.POST.get("field", "id_number")
        if self.field not in services.SENSITIVE_FIELDS:
            raise Http404

    def get_service_kwargs(self, form):
        return {"member": self.member, "field": self.field}

    def get_back_url(self):
        return self.member.get_absolute_url()

    def succeeded(self, value):
        member, field = self.member, self.field
        if self.request.htmx:
            template = "members/_id_number.html" if field == "id_number" else "members/_phone.html"
            return render(self.request, template, {
                "member": member, "number": value if field == "id_number" else None,
                "phone": value if field == "phone" else None, "can_unmask": True})
        page = MemberDetailView(request=self.request, kwargs=self.kwargs, object=member, revealed={field: value})
        return page.get(self.request)


class MemberFormView(ServiceFormView):
    """A form on one member's archive (found among those the user may change), back to a tab."""

    template_name = "members/form.html"
    tab = "basic"
    help_text = ""

    def prepare(self):
        self.member = get_object_or_404(
            Member.objects.visible_to(self.request.user, "change").select_related("org", "group"),
            pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"member": self.member, **form.cleaned_data}

    def get_success_url(self, result):
        return _tab_url(self.member, self.tab)

    def get_cancel_url(self):
        return reverse("members:detail", args=[self.member.pk])

    def get_breadcrumbs(self):
        return [("党员", reverse("members:list")), (self.member.name, self.get_cancel_url()), (self.get_title(), None)]

    def get_extra_context(self):
        return {"member": self.member, "help_text": self.help_text}


def _tab_url(member, tab: str) -> str:
    return reverse("members:detail", args=[member.pk]) + f"?tab={tab}"


class MemberEditView(MemberFormView):
    form_class = MemberForm
    service = services.member_update
    title = "编辑档案"
    success_message = "档案已保存"

    def get_form_kwargs(self):
        return {"member": self.member}

    def get_service_kwargs(self, form):
        return {"member": self.member, "changes": form.changes()}


def _kind(kind: str) -> str:
    if kind not in services.RECORD_MODELS:
        raise Http404
    return kind


class RecordAddView(MemberFormView):
    service = services.record_add
    success_message = "已添加"

    def prepare(self):
        self.tab = _kind(self.kwargs["kind"])
        self.form_class = RECORD_FORMS[self.tab]
        super().prepare()

    def get_title(self):
        return f"添加{dict(TABS)[self.tab]}"

    def get_service_kwargs(self, form):
        return {"member": self.member, "kind": self.tab, "data": form.cleaned_data}


class RecordMixin:
    """One record of an archive's tab, among those the user may change (404 otherwise)."""

    def prepare(self):
        self.tab = _kind(self.kwargs["kind"])
        model = services.RECORD_MODELS[self.tab]
        self.record = get_object_or_404(model.objects.visible_to(self.request.user, "change")
                                        .select_related("member__org"),
                                        pk=self.kwargs["record_pk"], member_id=self.kwargs["pk"])
        self.member = self.record.member


class RecordEditView(RecordMixin, MemberFormView):
    service = services.record_update
    success_message = "已保存"

    def prepare(self):
        super().prepare()
        self.form_class = RECORD_FORMS[self.tab]

    def get_title(self):
        return f"修改{dict(TABS)[self.tab]}"

    def get_form_kwargs(self):
        return {"instance": self.record}

    def get_service_kwargs(self, form):
        return {"record": self.record, "data": form.cleaned_data}


class ArchiveDeleteView(ServiceActionView):
    """Delete a record or a document of an archive, after a confirmation page."""

    confirm = True
    submit_label = "确认删除"
    success_message = "已删除"

    def get_title(self):
        return f"删除{self.what()}"

    def get_intro(self):
        return f"确定要从 {self.member.name} 的档案中删除{self.what()}吗？删除将记入记实和审计日志。"

    def get_cancel_url(self):
        return _tab_url(self.member, self.tab)

    def get_breadcrumbs(self):
        return [("党员", reverse("members:list")), (self.member.name, reverse("members:detail", args=[self.member.pk])),
                ("删除", None)]


class RecordDeleteView(RecordMixin, ArchiveDeleteView):
    service = services.record_delete

    def what(self):
        return f"{self.record._meta.verbose_name}“{self.record}”"

    def get_service_kwargs(self, form):
        return {"record": self.record}


# --- documents ---------------------------------------------------------------------------------


class DocumentUploadView(MemberFormView):
    form_class = DocumentForm
    service = services.document_add
    title = "上传档案材料"
    submit_label = "上传"
    success_message = "材料已上传"
    tab = "documents"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        return {"member": self.member, "upload": data["file"], "title": data["title"], "kind": data["kind"]}


@not_generic("a file download: the answer is the file (found through visible_to, audited)")
@login_required
def document_download(request, doc_pk):
    """Found only through visible_to (404 out of scope); served as an attachment, nosniff."""
    document = get_object_or_404(MemberDocument.objects.visible_to(request.user), pk=doc_pk)
    return services.document_open(actor=request.user, document=document)


class DocumentDeleteView(ArchiveDeleteView):
    service = services.document_delete
    success_message = "材料已删除"
    tab = "documents"

    def prepare(self):
        self.document = get_object_or_404(
            MemberDocument.objects.visible_to(self.request.user, "change").select_related("member__org"),
            pk=self.kwargs["doc_pk"])
        self.member = self.document.member

    def what(self):
        return f"档案材料“{self.document.title}”"

    def get_service_kwargs(self, form):
        return {"document": self.document}


# --- correction requests -----------------------------------------------------------------------


class CorrectionCreateView(MemberFormView):
    """A member's own request; nobody else files one for them (404)."""

    form_class = CorrectionForm
    service = services.correction_create
    title = "申请更正档案"
    submit_label = "提交申请"
    success_message = "更正申请已提交，党支部处理后会在记实中显示结果"
    help_text = "身份证号、联系电话的更正请携带证件到党支部办理。"
    tab = "timeline"

    def prepare(self):
        self.member = get_object_or_404(Member.objects.visible_to(self.request.user).select_related("org"),
                                        pk=self.kwargs["pk"])
        if get_scope(self.request.user).member_id != self.member.pk:
            raise Http404


@not_generic("the correction inbox: pending requests, each with its decision form; no filters or table")
@login_required
def correction_list(request):
    """Pending requests of the members the user may change (the branch secretary's inbox)."""
    require_perm(request.user, "member.change")
    page = paginate(request, selectors.pending_corrections(request.user))
    return render(request, "members/correction_list.html", {
        "title": "档案更正申请", "breadcrumbs": [("档案更正申请", None)],
        "page": page, "requests": [(r, services.correction_label(r.field_name)) for r in page.object_list],
        "decision_form": DecisionForm(),
    })


class CorrectionDecideView(ServiceActionView):
    form_class = DecisionForm
    success_message = "已处理，结果已记入该党员的记实"

    def prepare(self):
        self.correction = get_object_or_404(CorrectionRequest.objects.visible_to(self.request.user, "change"),
                                            pk=self.kwargs["cr_pk"])

    def call_service(self, form):
        data = form.cleaned_data
        decide = services.correction_approve if data["decision"] == "approve" else services.correction_decline
        return decide(actor=self.request.user, request=self.correction, note=data["note"])

    def get_back_url(self):
        return reverse("members:corrections")
