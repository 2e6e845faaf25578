"""Pages of organizational life. Every object is found through visible_to (out of scope is 404);
every write goes through orglife.services."""

import io
from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import get_scope
from core.paging import paginate
from core.views import ObjectListView, form_errors_from
from orglife import copydetect, rules, selectors, services
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
from orgs.models import BRANCH_KINDS, Org
from orgs.selectors import with_branch_names

CRUMB = ("组织生活", "/orglife/")


def _can(user, perm: str) -> bool:
    return get_scope(user).has_any_org_perm(perm)


def _require(user, perm: str) -> None:
    if not _can(user, perm):
        raise Http404


def _visible(request, pk, action="view") -> Meeting:
    return get_object_or_404(selectors.meetings(request.user, action), pk=pk)


def _crumbs(*more):
    return [CRUMB, *more]


def _saved(request, form, write, success: str):
    """POST: run ``write(cleaned_data)`` (a service); its ValidationError lands on the form.
    Returns the redirect to the written object, or None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        written = write(form.cleaned_data)
    except ValidationError as exc:
        form_errors_from(exc, form)
        return None
    messages.success(request, success)
    return redirect(written)


def _refusal(request, exc) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))


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

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_extra_context(self):
        user = self.request.user
        return {"can_record": _can(user, "orglife.change"), "can_review": _can(user, "orglife.review"),
                "reminders": selectors.reminders(user, limit=10) if _can(user, "orglife.change") else []}


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


@login_required
def meeting_detail(request, pk):
    meeting = _visible(request, pk)
    return render(request, "orglife/meeting_detail.html", _detail_context(request, meeting))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    _require(request.user, "orglife.change")
    orgs = recording_orgs(request.user)
    org = orgs.filter(pk=request.GET["org"]).first() if request.GET.get("org", "").isdigit() else None
    if org is None and orgs.count() == 1:
        org = orgs.first()
    if org is None:
        return render(request, "orglife/org_pick.html", {
            "form": OrgPickForm(request.GET or None, user=request.user), "title": "录入会议记录",
            "breadcrumbs": _crumbs(("录入会议记录", None))})
    form = MeetingForm(request.POST if request.method == "POST" else None, org=org,
                       initial={"kind": request.GET.get("kind")})
    done = _saved(request, form, lambda data: services.meeting_create(actor=request.user, org=org, **data),
                  "会议记录已保存为草稿；会上可展示签到二维码，会后提交审核")
    if done:
        return done
    return render(request, "orglife/meeting_form.html", {
        "form": form, "org": org, "title": f"录入会议记录：{org.name}",
        "breadcrumbs": _crumbs(("录入会议记录", None)), "cancel_url": reverse("orglife:list")})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _visible(request, pk, "change")
    fields = services.EDIT_FIELDS
    initial = {name: getattr(meeting, name) for name in fields}
    initial["signin_opens"] = timezone.localtime(meeting.signin_opens)
    initial["signin_closes"] = timezone.localtime(meeting.signin_closes)
    form = MeetingForm(request.POST if request.method == "POST" else None, org=meeting.org,
                       with_attendees=False, initial=initial)

    def update(data):
        changes = {k: v for k, v in data.items() if k in fields and (v or k not in ("signin_opens", "signin_closes"))}
        return services.meeting_update(actor=request.user, meeting=meeting, **changes)

    done = _saved(request, form, update, "会议记录已保存")
    if done:
        return done
    return render(request, "orglife/meeting_form.html", {
        "form": form, "org": meeting.org, "title": f"修改会议记录：{meeting.topic}",
        "breadcrumbs": _crumbs((meeting.topic, meeting.get_absolute_url()), ("修改", None)),
        "cancel_url": meeting.get_absolute_url()})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = _visible(request, pk, "change")
    current = {a.member_id: a for a in meeting.attendances.all()}
    members = services.org_members(meeting.org).order_by("name", "pk")
    form = AttendanceForm(request.POST if request.method == "POST" else None, members=members, current=current)
    done = _saved(request, form, lambda _data: services.attendance_record(
        actor=request.user, meeting=meeting, entries=form.entries()), "出席情况已保存")
    if done:
        return done
    return render(request, "orglife/attendance_form.html", {
        "form": form, "meeting": meeting, "title": f"出席情况：{meeting.topic}",
        "breadcrumbs": _crumbs((meeting.topic, meeting.get_absolute_url()), ("出席情况", None))})


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request, pk):
    meeting = _visible(request, pk, "change")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    done = _saved(request, form, lambda data: services.attachment_add(
        actor=request.user, meeting=meeting, upload=data["file"], title=data["title"]).meeting, "附件已上传")
    if done:
        return done
    return render(request, "orglife/upload.html", {
        "form": form, "meeting": meeting, "title": "上传附件",
        "breadcrumbs": _crumbs((meeting.topic, meeting.get_absolute_url()), ("上传附件", None))})


@login_required
def attachment_download(request, attachment_pk):
    """Found only through visible_to (404 out of scope); served as an attachment, nosniff."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=attachment_pk)
    return services.attachment_open(actor=request.user, attachment=attachment)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_submit(request, pk):
    """GET: the confirmation; POST: submit a draft, or resubmit a returned record."""
    meeting = _visible(request, pk, "change")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        service = services.meeting_resubmit if meeting.state == MeetingState.RETURNED else services.meeting_submit
        try:
            service(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, "会议记录已提交上级党组织审核")
        return redirect(meeting)
    context = _detail_context(request, meeting)
    context.update(form=form, title=f"提交审核：{meeting.topic}",
                   breadcrumbs=_crumbs((meeting.topic, meeting.get_absolute_url()), ("提交审核", None)))
    return render(request, "orglife/submit_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_review(request, pk):
    """The reviewer's page: the record, its copy flags beside their sources, approve or return."""
    meeting = _visible(request, pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if approve:
                services.meeting_review_approve(actor=request.user, meeting=meeting,
                                                comment=form.cleaned_data["comment"])
            else:
                services.meeting_review_return(actor=request.user, meeting=meeting,
                                               comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        except PermissionDenied as exc:
            _refusal(request, exc)
            return redirect(meeting)
        else:
            messages.success(request, "审核通过" if approve else "已退回修改")
            return redirect(meeting)
    context = _detail_context(request, meeting)
    context.update(form=form, title=f"审核会议记录：{meeting.topic}",
                   breadcrumbs=_crumbs(("待审核", reverse("orglife:reviews")), (meeting.topic, None)))
    return render(request, "orglife/review.html", context)


@login_required
def copy_compare(request, flag_pk):
    """The flagged minutes beside their source, overlapping sentences marked; a source outside
    the user's scope is 404 here (its existence is shown on the record, its text is not)."""
    flag = get_object_or_404(CopyFlag.objects.visible_to(request.user).select_related("meeting", "source"),
                             pk=flag_pk)
    meeting, source = flag.meeting, flag.source
    if not Meeting.objects.visible_to(request.user).filter(pk=source.pk).exists():
        raise Http404
    names = services.names_for(meeting) + services.names_for(source)
    own = copydetect.normalize(meeting.minutes, names)
    other = copydetect.normalize(source.minutes, names)
    return render(request, "orglife/compare.html", {
        "flag": flag, "meeting": meeting, "source": source, "title": "会议记录雷同比对",
        "left": copydetect.marked_sentences(meeting.minutes, other, names),
        "right": copydetect.marked_sentences(source.minutes, own, names),
        "breadcrumbs": _crumbs((meeting.topic, meeting.get_absolute_url()), ("雷同比对", None))})


@login_required
def meeting_qr(request, pk):
    """The sign-in QR code as SVG, rendered here (no external service): the absolute sign-in URL."""
    meeting = _visible(request, pk)
    url = request.build_absolute_uri(reverse("orglife:sign_in", args=[meeting.signin_token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- QR sign-in -----------------------------------------------------------------------------------


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
        except ValidationError as exc:
            error = "；".join(exc.messages)
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


@login_required
def calendar_view(request):
    """A server-rendered month grid of the meetings in scope (``within`` narrows it)."""
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
        "within": request.GET.get("within", ""), "breadcrumbs": _crumbs(("日历", None))})


def _compliance_root(request) -> Org:
    root = selectors.compliance_root(request.user, request.GET.get("org", ""))
    if root is None:
        raise Http404
    return root


@login_required
def compliance(request):
    """Required against held per kind and period, green / yellow / red, rolled up the tree with
    the worst children first; for a branch, its own table."""
    root = _compliance_root(request)
    month = _month_param(request)
    if not 2000 <= month.year <= 2100:
        raise Http404
    result = selectors.rollup(root, month=month, today=timezone.localdate())
    # Last month's overdue items beside this month's: ended periods are where red shows.
    before = selectors.rollup(root, month=_shift(month, -1), today=timezone.localdate())
    overdue_before = {t.org.pk: t.counts[rules.RED] if t.colour != rules.NO_DATA else None for t in before.children}
    visible_parent = (Org.objects.get_parent(root) if root.depth > 1 else None)
    if visible_parent and not get_scope(request.user).covers(visible_parent.path, "orglife.view"):
        visible_parent = None
    own = [(result.holders[pk], items) for pk, items in result.items.items() if pk == root.pk
           or (root.kind in BRANCH_KINDS and pk in result.holders)]
    with_branch_names([t.org for t in result.worst] + [org for org, _ in own], request.user)
    return render(request, "orglife/compliance.html", {
        "title": f"组织生活完成情况：{root.name}", "root": root, "result": result, "month": month,
        "own": own, "parent": visible_parent, "previous": f"{_shift(month, -1):%Y-%m}",
        "before": before.total, "overdue_before": overdue_before, "previous_month": _shift(month, -1),
        # Early in a month nothing of it is overdue yet: the last complete period stands beside it.
        "month_open": month >= timezone.localdate().replace(day=1),
        "next": f"{_shift(month, 1):%Y-%m}", "requirements": rules.REQUIREMENTS,
        "breadcrumbs": _crumbs(("完成情况", None))})


class ReviewQueueView(ObjectListView):
    """The record review queue (纪实报告检查) of the orgs below the user's review grants: oldest
    submission first, filtered, counted and paged, so a fresh submission is always reachable."""

    model = Meeting
    filterset_class = ReviewFilterSet
    table = ReviewTable
    title = "待审核的会议记录（纪实报告检查）"
    breadcrumbs = _crumbs(("待审核", None))

    def get(self, request):
        _require(request.user, "orglife.review")
        return super().get(request)

    def get_base_queryset(self):
        return selectors.review_queue(self.request.user)


@login_required
def mine(request):
    """The member's own view: my meetings, my attendance rate, my sign-ins, lectures I gave."""
    member = services.member_of(request.user)
    if member is None:
        raise Http404
    record = selectors.my_record(member)
    return render(request, "orglife/mine.html", {
        "title": "我的组织生活", "member": member, "record": record, "page": paginate(request, record.attendances),
        "breadcrumbs": _crumbs(("我的组织生活", None))})


# --- requested lectures (点题党课) ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def topics(request):
    """Open topics with their votes; members propose (POST) and vote."""
    member = services.member_of(request.user)
    visible = Topic.objects.visible_to(request.user).select_related("org", "proposed_by")
    if not (member or _can(request.user, "orglife.view")):
        raise Http404
    form = TopicForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        org = member.org if member else None
        if org is None:
            raise Http404
        try:
            services.topic_propose(actor=request.user, org=org, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                form_errors_from(exc, form)
            else:
                _refusal(request, exc)
        else:
            messages.success(request, "点题已提交，欢迎大家投票")
            return redirect("orglife:topics")
    listed = paginate(request, visible.annotate(n=Count("votes")).order_by("state", "-n", "-pk"))
    voted = set(member.topic_votes.values_list("topic_id", flat=True)) if member else set()
    return render(request, "orglife/topics.html", {
        "title": "点题党课", "page": listed, "form": form if member else None, "voted": voted, "member": member,
        "can_schedule": _can(request.user, "orglife.change"), "open_state": TopicState.OPEN,
        "breadcrumbs": _crumbs(("点题党课", None))})


@login_required
@require_POST
def topic_vote(request, topic_pk):
    topic = get_object_or_404(Topic.objects.visible_to(request.user), pk=topic_pk)
    try:
        services.topic_vote(actor=request.user, topic=topic)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, f"已为“{topic.title}”投票")
    return redirect("orglife:topics")


@login_required
@require_http_methods(["GET", "POST"])
def topic_schedule(request, topic_pk):
    topic = get_object_or_404(Topic.objects.visible_to(request.user, "change").select_related("org"), pk=topic_pk)
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    done = _saved(request, form, lambda data: services.lecture_schedule(actor=request.user, topic=topic, **data),
                  "已安排点题党课")
    if done:
        return done
    return render(request, "core/form.html", {
        "form": form, "title": f"安排点题党课：{topic.title}", "submit_label": "安排",
        "cancel_url": reverse("orglife:topics"),
        "breadcrumbs": _crumbs(("点题党课", reverse("orglife:topics")), ("安排党课", None))})

