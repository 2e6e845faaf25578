"""Pages of organizational life. Every object is found through visible_to (out of scope is 404);
every write goes through orglife.services."""

import io
from datetime import date

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.access import get_scope
from core.paging import paginate
from core.views import (
    REFUSALS,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
    refusal_text,
    refuse,
)
from orglife import absence, copydetect, rules, selectors, services
from orglife.filters import MeetingFilterSet, ReviewFilterSet
from orglife.forms import (
    AttachmentForm,
    AttendanceForm,
    ConfirmForm,
    MeetingForm,
    OrgPickForm,
    ReviewForm,
    ScheduleForm,
    TopicForm,
    recording_orgs,
)
from orglife.models import Attachment, CopyFlag, Meeting, MeetingState, Topic, TopicState
from orglife.tables import MeetingTable, ReviewTable
from orgs.models import MEMBERSHIP_KINDS, Org, OrgKind
from orgs.selectors import org_param, with_branch_names

CRUMB = ("组织生活", "/orglife/")


def _can(user, perm: str) -> bool:
    return get_scope(user).has_any_org_perm(perm)


def _crumbs(*more):
    return [CRUMB, *more]


class MeetingListView(ObjectListView):
    """Meetings of the user's scope (and, for a member, the meetings they were listed for)."""

    model = Meeting
    filterset_class = MeetingFilterSet
    table = MeetingTable
    title = "组织生活（三会一课纪实）"
    template_name = "orglife/meeting_list.html"
    export_action = "view"
    breadcrumbs = [("组织生活", None)]
    default_order = ("-held_on", "-pk")
    tree_order = False  # by date: the city's admin reads the date index without the tree

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_extra_context(self):
        user = self.request.user
        can_record = _can(user, "orglife.change")
        return {"can_record": can_record, "can_review": _can(user, "orglife.review"),
                "reminders": selectors.reminders(user, limit=10) if can_record else [],
                "absent": absence.warnings_for(user, timezone.localdate()) if can_record else []}


# --- one meeting ----------------------------------------------------------------------------------


def _detail_context(request, meeting: Meeting) -> dict:
    user = request.user
    can_change = services.can_change(user, meeting)
    return {
        "meeting": meeting, "title": str(meeting), "breadcrumbs": _crumbs((meeting.topic, None)),
        "attendances": meeting.attendances.select_related("member").order_by("status", "member__name"),
        "attachments": meeting.attachments.all(),
        "rounds": meeting.review_rounds.select_related("submitted_by", "reviewer"),
        "flags": selectors.visible_flags(user, meeting),
        "can_change": can_change and meeting.editable,
        "can_submit": can_change and meeting.state in (MeetingState.DRAFT, MeetingState.RETURNED),
        "can_review": meeting.state == MeetingState.SUBMITTED and services.can_review(user, meeting),
        "show_qr": can_change and meeting.state == MeetingState.DRAFT,
        "sign_in_url": request.build_absolute_uri(reverse("orglife:sign_in", args=[meeting.signin_token])),
        "signin_open": meeting.signin_open(),
    }


class MeetingDetailView(ObjectDetailView):
    template_name = "orglife/meeting_detail.html"

    def get_queryset(self):
        return selectors.meetings(self.request.user)

    def get_extra_context(self):
        return _detail_context(self.request, self.object)


class MeetingCreateView(ServiceFormView):
    """A new record for a branch or group the user records for: ``?org=`` (id or code) names it,
    else the one org there is, else the page asks which."""

    required_perm = "orglife.change"
    form_class = MeetingForm
    service = services.meeting_create
    template_name = "orglife/meeting_form.html"
    breadcrumbs = _crumbs(("录入会议记录", None))
    success_message = "会议记录已保存为草稿；会上可展示签到二维码，会后提交审核"

    def prepare(self):
        orgs = recording_orgs(self.request.user)
        named = org_param(self.request.user, self.request.GET.get("org"), "orglife.change")
        self.org = orgs.filter(pk=named.pk).first() if named else None
        if self.org is None and orgs.count() == 1:
            self.org = orgs.first()

    def pick_page(self):
        return render(self.request, "orglife/org_pick.html", {
            "form": OrgPickForm(self.request.GET or None, user=self.request.user), "title": "录入会议记录",
            "breadcrumbs": self.breadcrumbs})

    def get(self, request, *args, **kwargs):
        return self.pick_page() if self.org is None else super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.pick_page() if self.org is None else super().post(request, *args, **kwargs)

    def get_title(self):
        return f"录入会议记录：{self.org.name}"

    def get_form_kwargs(self):
        return {"org": self.org, "initial": {"kind": self.request.GET.get("kind")}}

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_cancel_url(self):
        return reverse("orglife:list")

    def get_extra_context(self):
        return {"org": self.org}


class MeetingFormView(ServiceFormView):
    """A form on one meeting the user may change (404 otherwise), back to the meeting."""

    crumb = ""

    def prepare(self):
        self.meeting = get_object_or_404(selectors.meetings(self.request.user, self.action), pk=self.kwargs["pk"])

    action = "change"

    def get_success_url(self, result):
        return self.meeting.get_absolute_url()

    def get_cancel_url(self):
        return self.meeting.get_absolute_url()

    def get_breadcrumbs(self):
        return _crumbs((self.meeting.topic, self.meeting.get_absolute_url()), (self.crumb, None))

    def get_extra_context(self):
        return {"meeting": self.meeting, "org": self.meeting.org}


class MeetingEditView(MeetingFormView):
    form_class = MeetingForm
    service = services.meeting_update
    template_name = "orglife/meeting_form.html"
    crumb = "修改"
    success_message = "会议记录已保存"

    def get_title(self):
        return f"修改会议记录：{self.meeting.topic}"

    def get_form_kwargs(self):
        meeting = self.meeting
        initial = {name: getattr(meeting, name) for name in services.EDIT_FIELDS}
        initial["signin_opens"] = timezone.localtime(meeting.signin_opens)
        initial["signin_closes"] = timezone.localtime(meeting.signin_closes)
        return {"org": meeting.org, "with_attendees": False, "initial": initial}

    def get_service_kwargs(self, form):
        # An emptied sign-in window keeps the one there is.
        changes = {k: v for k, v in form.cleaned_data.items()
                   if k in services.EDIT_FIELDS and (v or k not in ("signin_opens", "signin_closes"))}
        return {"meeting": self.meeting, **changes}


class AttendanceView(MeetingFormView):
    form_class = AttendanceForm
    service = services.attendance_record
    template_name = "orglife/attendance_form.html"
    crumb = "出席情况"
    success_message = "出席情况已保存"

    def get_title(self):
        return f"出席情况：{self.meeting.topic}"

    def get_form_kwargs(self):
        current = {a.member_id: a for a in self.meeting.attendances.all()}
        members = services.org_members(self.meeting.org).order_by("name", "pk")
        return {"members": members, "current": current}

    def get_service_kwargs(self, form):
        return {"meeting": self.meeting, "entries": form.entries()}


class AttachmentUploadView(MeetingFormView):
    form_class = AttachmentForm
    service = services.attachment_add
    template_name = "orglife/upload.html"
    title = "上传附件"
    crumb = "上传附件"
    success_message = "附件已上传"

    def get_service_kwargs(self, form):
        return {"meeting": self.meeting, "upload": form.cleaned_data["file"], "title": form.cleaned_data["title"]}


@not_generic("a file download: the attachment (found through visible_to, audited)")
@login_required
def attachment_download(request, attachment_pk):
    """Found only through visible_to (404 out of scope); served as an attachment, nosniff."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=attachment_pk)
    return services.attachment_open(actor=request.user, attachment=attachment)


class MeetingSubmitView(ServiceActionView):
    """The confirmation, then submit a draft, or resubmit a returned record."""

    confirm = True
    form_class = ConfirmForm
    template_name = "orglife/submit_confirm.html"
    success_message = "会议记录已提交上级党组织审核"

    def prepare(self):
        self.meeting = get_object_or_404(selectors.meetings(self.request.user, "change"), pk=self.kwargs["pk"])

    def call_service(self, form):
        returned = self.meeting.state == MeetingState.RETURNED
        service = services.meeting_resubmit if returned else services.meeting_submit
        return service(actor=self.request.user, meeting=self.meeting)

    def get_title(self):
        return f"提交审核：{self.meeting.topic}"

    def get_back_url(self):
        return self.meeting.get_absolute_url()

    def get_breadcrumbs(self):
        return _crumbs((self.meeting.topic, self.meeting.get_absolute_url()), ("提交审核", None))

    def get_extra_context(self):
        return _detail_context(self.request, self.meeting)


class MeetingReviewView(MeetingFormView):
    """The reviewer's page: the record, its copy flags beside their sources, approve or return.
    A reviewer who may not decide on this record (PermissionDenied) is told so on the record."""

    action = "view"
    form_class = ReviewForm
    template_name = "orglife/review.html"

    def call_service(self, form):
        data = form.cleaned_data
        decide = services.meeting_review_approve if data["decision"] == "approve" else services.meeting_review_return
        return decide(actor=self.request.user, meeting=self.meeting, comment=data["comment"])

    def get_success_message(self, result):
        return "审核通过" if self.request.POST.get("decision") == "approve" else "已退回修改"

    def refused(self, exc, form):
        if isinstance(exc, PermissionDenied):
            refuse(self.request, exc)
            return redirect(self.meeting)
        return super().refused(exc, form)

    def get_title(self):
        return f"审核会议记录：{self.meeting.topic}"

    def get_breadcrumbs(self):
        return _crumbs(("待审核", reverse("orglife:reviews")), (self.meeting.topic, None))

    def get_extra_context(self):
        return _detail_context(self.request, self.meeting)


class CopyCompareView(ObjectDetailView):
    """The flagged minutes beside their source, overlapping sentences marked; a source outside
    the user's scope is 404 here (its existence is shown on the record, its text is not)."""

    model = CopyFlag
    pk_url_kwarg = "flag_pk"
    title = "会议记录雷同比对"
    template_name = "orglife/compare.html"

    def get_object(self):
        flag = get_object_or_404(self.get_base_queryset().select_related("meeting", "source"),
                                 pk=self.kwargs["flag_pk"])
        if not Meeting.objects.visible_to(self.request.user).filter(pk=flag.source_id).exists():
            raise Http404
        return flag

    def get_breadcrumbs(self):
        meeting = self.object.meeting
        return _crumbs((meeting.topic, meeting.get_absolute_url()), ("雷同比对", None))

    def get_extra_context(self):
        flag = self.object
        meeting, source = flag.meeting, flag.source
        names = services.names_for(meeting) + services.names_for(source)
        own = copydetect.normalize(meeting.minutes, names)
        other = copydetect.normalize(source.minutes, names)
        return {"flag": flag, "meeting": meeting, "source": source,
                "left": copydetect.marked_sentences(meeting.minutes, other, names),
                "right": copydetect.marked_sentences(source.minutes, own, names)}


@not_generic("an image: the sign-in QR code as SVG")
@login_required
def meeting_qr(request, pk):
    """The sign-in QR code as SVG, rendered here (no external service): the absolute sign-in URL."""
    meeting = get_object_or_404(selectors.meetings(request.user), pk=pk)
    url = request.build_absolute_uri(reverse("orglife:sign_in", args=[meeting.signin_token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- QR sign-in -----------------------------------------------------------------------------------


@not_generic("the QR sign-in: found by its token, not by scope; a refusal is a 422 page for the phone")
@login_required
@require_http_methods(["GET", "POST"])
def sign_in(request, token):
    """GET: the meeting and a big button (the phone page); POST: sign in. Logging in first
    brings the member back here (``next``)."""
    meeting = Meeting.objects.select_related("org").filter(signin_token=token[:64]).first()
    if meeting is None:
        raise Http404
    member = services.member_of(request.user)
    if not services.belongs_to(member, meeting.org) and not Meeting.objects.visible_to(request.user).filter(
            pk=meeting.pk).exists():
        raise Http404
    result, error = None, ""
    if request.method == "POST":
        try:
            row, new = services.attendance_sign_in(actor=request.user, token=token)
        except REFUSALS as exc:
            error = refusal_text(exc)
        else:
            result = ("签到成功" if new else "您已签到，无需重复签到", row)
    elif not services.belongs_to(member, meeting.org):
        error = f"您不是“{meeting.org.name}”的党员，不能在本次会议签到"
    return render(request, "orglife/sign_in.html", {
        "meeting": meeting, "member": member, "result": result, "error": error, "title": "会议签到",
        "signin_open": meeting.signin_open()}, status=422 if error and request.method == "POST" else 200)


# --- overview pages -----------------------------------------------------------------------------------


def _month_param(request) -> date:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def _shift(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


@not_generic("a month grid of the meetings in scope, filtered like the list; about no one object")
@login_required
def calendar_view(request):
    """A server-rendered month grid of the meetings in scope (``org`` narrows it)."""
    month = _month_param(request)
    if not 2000 <= month.year <= 2100:
        raise Http404
    queryset = selectors.meetings(request.user)
    filterset = MeetingFilterSet(request.GET, queryset=queryset, request=request)
    queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return render(request, "orglife/calendar.html", {
        "title": f"{month.year}年{month.month}月 组织生活日历", "month": month, "filterset": filterset,
        "weeks": selectors.calendar_weeks(queryset, month.year, month.month), "today": timezone.localdate(),
        "previous": f"{_shift(month, -1):%Y-%m}", "next": f"{_shift(month, 1):%Y-%m}",
        "org": request.GET.get("org") or request.GET.get("within", ""), "breadcrumbs": _crumbs(("日历", None))})


class ComplianceView(ObjectDetailView):
    """Required against held per kind and period, green / yellow / red, rolled up the tree with
    the worst children first; for a branch, its own table. About ``?org=`` (id or code) among the
    orgs granting orglife.view, by default the user's top one."""

    required_perm = "orglife.view"
    model = Org
    template_name = "orglife/compliance.html"
    breadcrumbs = _crumbs(("完成情况", None))

    def get_object(self):
        return selectors.compliance_root(self.request.user, self.request.GET.get("org"))

    def get_title(self):
        return f"组织生活完成情况：{self.object.name}"

    def get(self, request, *args, **kwargs):
        self.month = _month_param(request)
        if not 2000 <= self.month.year <= 2100:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        root, month, today = self.object, self.month, timezone.localdate()
        # Last month's overdue items beside this month's: ended periods are where red shows. One
        # read of the figures serves both months.
        result, before = selectors.rollups(root, months=[month, _shift(month, -1)], today=today)
        overdue_before = {t.org.pk: t.counts[rules.RED] if t.colour != rules.NO_DATA else None
                          for t in before.children}
        visible_parent = (Org.objects.get_parent(root) if root.depth > 1 else None)
        if visible_parent and not get_scope(self.request.user).covers(visible_parent.path, "orglife.view"):
            visible_parent = None
        # A branch's own items and its groups'; a group's own; above a branch, none (items are
        # computed holder by holder only when asked for: a small subtree's).
        own_pks = list(result.items) if root.kind in rules.HOLDER_KINDS else []
        own_items = [(pk, result.items[pk]) for pk in own_pks]
        own_orgs = selectors.as_orgs(pk for pk, _items in own_items)
        own = [(own_orgs[pk], items) for pk, items in own_items]
        with_branch_names([t.org for t in result.worst] + [org for org, _ in own], self.request.user)
        return {
            "root": root, "result": result, "month": month,
            "own": own, "parent": visible_parent, "previous": f"{_shift(month, -1):%Y-%m}",
            "before": before.total, "overdue_before": overdue_before, "previous_month": _shift(month, -1),
            # Early in a month nothing of it is overdue yet: the last complete period stands beside it.
            "month_open": month >= today.replace(day=1),
            "next": f"{_shift(month, 1):%Y-%m}", "requirements": rules.REQUIREMENTS,
            "cache_seconds": settings.ROLLUP_CACHE_SECONDS}


class ReviewQueueView(ObjectListView):
    """The record review queue (纪实报告检查) of the orgs below the user's review grants: oldest
    submission first, filtered, counted and paged, so a fresh submission is always reachable."""

    required_perm = "orglife.review"
    model = Meeting
    filterset_class = ReviewFilterSet
    table = ReviewTable
    title = "待审核的会议记录（纪实报告检查）"
    breadcrumbs = _crumbs(("待审核", None))

    def get_base_queryset(self):
        return selectors.review_queue(self.request.user)


class MineView(ObjectDetailView):
    """The member's own view: my meetings, my attendance rate, my sign-ins, lectures I gave."""

    title = "我的组织生活"
    breadcrumbs = _crumbs(("我的组织生活", None))
    template_name = "orglife/mine.html"

    def get_object(self):
        member = services.member_of(self.request.user)
        if member is None:
            raise Http404
        return member

    def get_extra_context(self):
        record = selectors.my_record(self.object)
        return {"member": self.object, "record": record, "page": paginate(self.request, record.attendances)}


# --- requested lectures (点题党课) ------------------------------------------------------------------


class TopicsView(ServiceFormView):
    """Open topics with their votes; members propose (the form) and vote."""

    form_class = TopicForm
    service = services.topic_propose
    title = "点题党课"
    breadcrumbs = _crumbs(("点题党课", None))
    template_name = "orglife/topics.html"
    success_message = "点题已提交，欢迎大家投票"

    def prepare(self):
        self.member = services.member_of(self.request.user)
        if not (self.member or _can(self.request.user, "orglife.view")):
            raise Http404
        if self.request.method == "POST" and self.member is None:
            raise Http404

    def get_service_kwargs(self, form):
        return {"org": self.member.org, **form.cleaned_data}

    def get_success_url(self, result):
        return reverse("orglife:topics")

    def render(self, form, status=200):
        return super().render(form if self.member else None, status)

    def get_extra_context(self):
        visible = Topic.objects.visible_to(self.request.user).select_related("org", "proposed_by")
        listed = paginate(self.request, visible.annotate(n=Count("votes")).order_by("state", "-n", "-pk"))
        voted = set(self.member.topic_votes.values_list("topic_id", flat=True)) if self.member else set()
        return {"page": listed, "voted": voted, "member": self.member,
                "can_schedule": _can(self.request.user, "orglife.change"), "open_state": TopicState.OPEN}


class TopicVoteView(ServiceActionView):
    service = services.topic_vote

    def prepare(self):
        self.topic = get_object_or_404(Topic.objects.visible_to(self.request.user), pk=self.kwargs["topic_pk"])

    def get_service_kwargs(self, form):
        return {"topic": self.topic}

    def get_success_message(self, result):
        return f"已为“{self.topic.title}”投票"

    def get_back_url(self):
        return reverse("orglife:topics")


class TopicScheduleView(ServiceFormView):
    form_class = ScheduleForm
    service = services.lecture_schedule
    submit_label = "安排"
    breadcrumbs = _crumbs(("点题党课", "/orglife/topics/"), ("安排党课", None))
    success_message = "已安排点题党课"

    def prepare(self):
        self.topic = get_object_or_404(Topic.objects.visible_to(self.request.user, "change").select_related("org"),
                                       pk=self.kwargs["topic_pk"])

    def get_title(self):
        return f"安排点题党课：{self.topic.title}"

    def get_service_kwargs(self, form):
        return {"topic": self.topic, **form.cleaned_data}

    def get_cancel_url(self):
        return reverse("orglife:topics")


class AbsenceView(ObjectDetailView):
    """Members without organizational life for four months or more (党章第九条), for a branch:
    ``?org=`` (id or code) among the orgs granting orglife.view, by default the user's top one;
    above a branch, its child orgs to choose from."""

    required_perm = "orglife.view"
    model = Org
    template_name = "orglife/absence.html"
    breadcrumbs = _crumbs(("长期未参加组织生活", None))

    def get_object(self):
        return selectors.compliance_root(self.request.user, self.request.GET.get("org"))

    def get_title(self):
        return f"长期未参加组织生活的党员：{self.object.name}"

    def get_extra_context(self):
        org, today = self.object, timezone.localdate()
        common = {"source": absence.SOURCE, "lapse": absence.LAPSE_MONTHS, "warn": absence.WARN_MONTHS}
        if org.kind in MEMBERSHIP_KINDS:
            return {**common, "branch": True, "rows": absence.absentees(org, today), "today": today}
        children = (Org.objects.visible_to(self.request.user).subtree(org)
                    .filter(depth=org.depth + 1).exclude(kind=OrgKind.GROUP).order_by("path"))
        return {**common, "branch": False, "children": children}
