"""述职评议 workflows, one transaction and one audit entry each.

- Preparing a round (draft): ``round_save`` (title, year, meeting day and the orgs reviewed, each
  with its current secretary), ``subject_secretary`` (the secretary, if the term lists another),
  ``group_save`` / ``group_delete`` (a reviewer group, its weight and its reviewers).
- ``subject_report``: the report (text and/or a document), by the reviewed or the convening org.
- ``round_open``: rating starts; ``rating_submit``: a reviewer rates a subject once.
- ``round_close``: every rating in, each subject's result computed (reviews.rules) and written to
  the secretary's timeline (记实).
- ``subject_feedback``: the feedback and the follow-ups it requires; ``followup_done``: the reviewed
  org records one done.

No summary table: every figure a page shows is of one round (its subjects, ratings and follow-ups,
a few hundred rows at most, read by their round's index), never a count over a subtree."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core import audit, files
from core.access import ROLE_PERMISSIONS, get_scope, subtree_q
from core.errors import NotFound
from core.text import clean_text
from members.models import Member
from members.services import record_event
from orgs.models import LeadershipMember, Org, OrgKind, Post
from reviews import rules
from reviews.models import (
    FollowUp,
    Grade,
    Rating,
    ReportRound,
    ReportSubject,
    Reviewer,
    ReviewerGroup,
    RoundState,
)

CHANGE = "oversight.change"


def _require(actor, org: Org, perm: str = CHANGE) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _locked(round: ReportRound) -> ReportRound:
    return ReportRound.objects.select_for_update().select_related("org").get(pk=round.pk)


def _draft(round: ReportRound) -> None:
    if round.state != RoundState.DRAFT:
        raise ValidationError(f"述职评议{round.get_state_display()}，不能再修改述职对象和评议组")


def current_secretary(org: Org) -> tuple[Member | None, str]:
    """The secretary (书记) of the org's current leadership term: the member, if linked, and the name."""
    post = (LeadershipMember.objects.filter(term__org=org, term__ended__isnull=True, post=Post.SECRETARY)
            .select_related("member").order_by("-term__started", "pk").first())
    if post is None:
        return None, ""
    # A post entered by name only (a district's secretary, whose archive is elsewhere) gives the
    # name; ``subject_secretary`` links the member where the archive is in the platform.
    return post.member, post.member.name if post.member else post.name


def _subjects(org: Org, orgs: list[Org]) -> list[Org]:
    if not orgs:
        raise ValidationError({"subjects": "请选择述职对象"})
    if len(orgs) > rules.MAX_SUBJECTS:
        raise ValidationError({"subjects": f"述职对象不能超过{rules.MAX_SUBJECTS}个"})
    wrong = [o.name for o in orgs if o.depth != org.depth + 1 or not o.path.startswith(org.path)]
    if wrong:
        raise ValidationError({"subjects": f"述职对象须是{org.name}的直接下级党组织：{'、'.join(wrong[:5])}"})
    groups = [o.name for o in orgs if o.kind == OrgKind.GROUP]
    if groups:
        raise ValidationError({"subjects": f"党小组不述职：{'、'.join(groups[:5])}"})
    return list({o.pk: o for o in orgs}.values())


def round_save(*, actor, org: Org, year: int, title: str, subjects: list[Org], meeting_day: date | None = None,
               round: ReportRound | None = None) -> ReportRound:
    """A new round of ``org`` for ``year``, or a draft's changes: the orgs reviewed (direct children
    of ``org``), each new one with its current term's secretary."""
    _require(actor, org)
    title = clean_text(title, max_length=100)
    errors = {}
    if not title:
        errors["title"] = "请填写名称"
    if not 2000 <= year <= 2100:
        errors["year"] = "年度须在2000至2100年之间"
    elif meeting_day is not None and meeting_day.year not in (year, year + 1):
        errors["meeting_day"] = f"述职会议日期须在{year}年或次年（年初述上一年度）"
    if errors:
        raise ValidationError(errors)
    orgs = _subjects(org, subjects)
    with transaction.atomic():
        if round is not None:
            round = _locked(round)
            _draft(round)
        same = ReportRound.objects.filter(org=org, year=year)
        if (same.exclude(pk=round.pk) if round else same).exists():
            raise ValidationError({"year": f"{org.name}已有{year}年度的述职评议"})
        before = round.audit_snapshot() if round else None
        round = round or ReportRound(org=org)
        round.year, round.title, round.meeting_day = year, title, meeting_day
        round.save()
        wanted = {o.pk: o for o in orgs}
        present = set(round.subjects.values_list("org_id", flat=True))
        round.subjects.exclude(org_id__in=wanted).delete()  # a draft has no ratings yet
        for pk in wanted.keys() - present:
            member, name = current_secretary(wanted[pk])
            ReportSubject.objects.create(round=round, org=wanted[pk], secretary=member,
                                         secretary_name=(member.name if member else name)[:50])
        audit.record("reviews.round_save", obj=round, user=actor,
                     changes={"before": before, "after": round.audit_snapshot(),
                              "subjects": sorted(o.code for o in orgs)})
    return round


def subject_secretary(*, actor, subject: ReportSubject, secretary: Member | None, name: str = "") -> ReportSubject:
    """The person who reports: a member of the reviewed org's subtree (their archive gets the
    result), or only a name (a department head whose archive is elsewhere)."""
    _require(actor, subject.round.org)
    name = clean_text(name, max_length=50)
    if secretary is not None and not secretary.org.path.startswith(subject.org.path):
        raise ValidationError({"secretary": f"述职人须是{subject.org.name}的党员"})
    if secretary is None and not name:
        raise ValidationError({"name": "请填写述职人姓名"})
    with transaction.atomic():
        round = _locked(subject.round)
        if round.closed:
            raise ValidationError("述职评议已完成，不能再更换述职人")
        if secretary is not None and secretary.user_id and Rating.objects.filter(
                subject=subject, reviewer__user_id=secretary.user_id).exists():
            raise ValidationError({"secretary": "该党员已评议过本述职对象，不能作为述职人"})
        before = [subject.secretary_id, subject.secretary_name]
        subject.secretary, subject.secretary_name = secretary, (secretary.name if secretary else name)[:50]
        subject.save(update_fields=["secretary", "secretary_name", "updated"])
        audit.record("reviews.subject_secretary", obj=subject, user=actor,
                     changes={"secretary": [before, [subject.secretary_id, subject.secretary_name]]})
    return subject


def _reviewer_users(org: Org, usernames: list[str]) -> list[User]:
    """Active users named by their account names, each holding a role that sees oversight on
    ``org``, above it or in its subtree, or a member there; unknown names are refused by name."""
    names = list(dict.fromkeys(n.strip() for n in usernames if n and n.strip()))
    if not names:
        raise ValidationError({"reviewers": "请填写评议人账号"})
    if len(names) > rules.MAX_REVIEWERS:
        raise ValidationError({"reviewers": f"一个评议组的评议人不能超过{rules.MAX_REVIEWERS}人"})
    # Whoever may be a reviewer can find the rating page in the menu (reviews.apps): a member, or
    # a role that sees oversight.
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if "oversight.view" in perms]
    held = subtree_q("grants__org__path", org.path) | Q(grants__org__path__in=org.ancestor_paths())
    within = (held & Q(grants__role__in=roles)) | subtree_q("member_records__org__path", org.path)
    found = {u.username: u for u in User.objects.filter(within, username__in=names, is_active=True).distinct()}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ValidationError({"reviewers": f"{org.name}及其下级中没有这些账号：{'、'.join(unknown[:10])[:200]}"})
    return [found[n] for n in names]


def group_save(*, actor, round: ReportRound, name: str, weight: int, reviewers: list[str],
               group: ReviewerGroup | None = None) -> ReviewerGroup:
    """A reviewer group of a draft round: its name, weight (%) and reviewers (account names); a
    user is in at most one group of a round."""
    _require(actor, round.org)
    name = clean_text(name, max_length=30)
    if not name:
        raise ValidationError({"name": "请填写评议组名称"})
    if not 1 <= weight <= rules.TOTAL_WEIGHT:
        raise ValidationError({"weight": f"权重须在1至{rules.TOTAL_WEIGHT}之间"})
    users = _reviewer_users(round.org, reviewers)
    with transaction.atomic():
        round = _locked(round)
        _draft(round)
        if group is not None and group.round_id != round.pk:
            raise NotFound
        same_name = round.groups.filter(name=name)
        if (same_name.exclude(pk=group.pk) if group else same_name).exists():
            raise ValidationError({"name": f"已有评议组“{name}”"})
        elsewhere = (Reviewer.objects.filter(round=round, user__in=users).exclude(group=group)
                     .select_related("group", "user"))
        taken = [f"{r.user.username}（{r.group.name}）" for r in elsewhere]
        if taken:
            raise ValidationError({"reviewers": f"一人只能在一个评议组：{'、'.join(taken[:10])}已在其他评议组"})
        before = {"group": group.audit_snapshot(), "reviewers": sorted(group.reviewers.values_list(
            "user__username", flat=True))} if group else None
        group = group or ReviewerGroup(round=round)
        group.name, group.weight = name, weight
        group.save()
        group.reviewers.exclude(user__in=users).delete()
        present = set(group.reviewers.values_list("user_id", flat=True))
        Reviewer.objects.bulk_create([Reviewer(group=group, round=round, user=u) for u in users
                                      if u.pk not in present])
        audit.record("reviews.group_save", obj=group, user=actor,
                     changes={"before": before, "after": {"group": group.audit_snapshot(),
                                                          "reviewers": sorted(u.username for u in users)}})
    return group


def group_delete(*, actor, group: ReviewerGroup) -> ReportRound:
    _require(actor, group.round.org)
    with transaction.atomic():
        round = _locked(group.round)
        _draft(round)
        snapshot = group.audit_snapshot()
        audit.record("reviews.group_delete", obj=group, user=actor, changes={"before": snapshot})
        group.delete()
    return round


def _store(upload):
    return files.store_optional(upload, allowed=rules.REPORT_KINDS, max_bytes=rules.REPORT_MAX_BYTES)


def subject_report(*, actor, subject: ReportSubject, report: str = "", upload=None) -> ReportSubject:
    """The report: its text and/or a document (PDF or Word), by the reviewed org's or the convening
    org's managers, until the round is closed."""
    scope = get_scope(actor)
    if not (scope.covers(subject.org.path, CHANGE) or scope.covers(subject.round.org.path, CHANGE)):
        raise NotFound
    report = clean_text(report, max_length=20000, multiline=True)
    if not report and upload is None and not subject.file:
        raise ValidationError({"report": "请填写述职报告或上传述职报告文件"})
    stored = _store(upload)
    try:
        with transaction.atomic():
            round = _locked(subject.round)
            if round.closed:
                raise ValidationError("述职评议已完成，不能再修改述职报告")
            old_file = subject.file
            subject.report = report
            if stored is not None:
                subject.file, subject.file_type = stored.stored_name, stored.content_type
                subject.file_name = (getattr(upload, "name", "") or "report")[-200:]
            subject.save(update_fields=["report", "file", "file_type", "file_name", "updated"])
            audit.record("reviews.subject_report", obj=subject, user=actor,
                         changes={"chars": len(report), "file": subject.file_name})
            if stored is not None and old_file:
                transaction.on_commit(lambda: files.delete(old_file))
    except BaseException:
        if stored is not None:
            files.delete(stored.stored_name)
        raise
    return subject


def round_open(*, actor, round: ReportRound) -> ReportRound:
    """Rating starts: the round has subjects, and reviewer groups, each with reviewers, whose
    weights add up to 100."""
    _require(actor, round.org)
    with transaction.atomic():
        round = _locked(round)
        _draft(round)
        if not round.subjects.exists():
            raise ValidationError("还没有述职对象，不能开始评议")
        groups = list(round.groups.all())
        if not groups:
            raise ValidationError("还没有评议组，不能开始评议")
        total = sum(g.weight for g in groups)
        if total != rules.TOTAL_WEIGHT:
            raise ValidationError(f"各评议组权重合计须为{rules.TOTAL_WEIGHT}%，现为{total}%")
        empty = [g.name for g in groups if not g.reviewers.exists()]
        if empty:
            raise ValidationError(f"评议组没有评议人：{'、'.join(empty)}")
        round.state, round.opened_at = RoundState.OPEN, timezone.now()
        round.save(update_fields=["state", "opened_at", "updated"])
        audit.record("reviews.round_open", obj=round, user=actor,
                     changes={"state": [RoundState.DRAFT, RoundState.OPEN]})
    return round


def rating_submit(*, actor, subject: ReportSubject, grade: str, comment: str = "") -> Rating:
    """A reviewer of the subject's round rates it, once, while the round is open; never a report
    of their own."""
    if grade not in Grade.values:
        raise ValidationError({"grade": "请选择好、较好、一般或差"})
    comment = clean_text(comment, max_length=500, multiline=True)
    with transaction.atomic():
        round = _locked(subject.round)
        reviewer = Reviewer.objects.filter(round=round, user=actor).select_related("group").first()
        if reviewer is None:
            raise ValidationError(rules.NOT_A_REVIEWER)
        if not round.open:
            raise ValidationError(rules.NOT_OPEN)
        if subject.secretary_id and Member.objects.filter(pk=subject.secretary_id, user=actor).exists():
            raise ValidationError(rules.OWN_REPORT)
        if Rating.objects.filter(subject=subject, reviewer=reviewer).exists():
            raise ValidationError(rules.RATED_ALREADY)
        rating = Rating.objects.create(subject=subject, reviewer=reviewer, grade=grade, comment=comment)
        audit.record("reviews.rating_submit", obj=rating, user=actor,
                     changes={"subject": subject.pk, "group": reviewer.group.name})
    return rating


def expected_ratings(round: ReportRound) -> tuple[int, int]:
    """(ratings due, ratings given) of a round: every reviewer rates every subject but their own."""
    subjects = list(round.subjects.values_list("pk", "secretary__user_id"))
    reviewers = list(Reviewer.objects.filter(round=round).values_list("user_id", flat=True))
    due = sum(1 for _pk, own in subjects for user in reviewers if user != own)
    given = Rating.objects.filter(subject__round=round).count()
    return due, given


def round_close(*, actor, round: ReportRound) -> ReportRound:
    """Every rating in: each subject's score and grade (reviews.rules), written to the secretary's
    timeline (记实); the round is closed."""
    _require(actor, round.org)
    with transaction.atomic():
        round = _locked(round)
        if not round.open:
            raise ValidationError("述职评议不在评议阶段，不能计算结果" if round.draft else "述职评议已完成")
        due, given = expected_ratings(round)
        if given < due:
            raise ValidationError(f"还有{due - given}项评议未完成，全部评议完成后方可计算结果")
        by_subject: dict[int, list[tuple[int, int, str]]] = {}
        for subject_id, group_id, weight, grade in Rating.objects.filter(subject__round=round).values_list(
                "subject_id", "reviewer__group_id", "reviewer__group__weight", "grade"):
            by_subject.setdefault(subject_id, []).append((group_id, weight, grade))
        results = {}
        for subject in round.subjects.select_related("secretary", "org"):
            value = rules.score(by_subject.get(subject.pk, []))
            subject.score = value
            subject.grade = rules.grade_for(value) if value is not None else ""
            subject.save(update_fields=["score", "grade", "updated"])
            results[subject.org.code] = [str(value) if value is not None else None, subject.grade]
            if subject.secretary is not None and value is not None:
                record_event(member=subject.secretary, kind="述职评议", actor=actor,
                             summary=(f"{round.year}年度{round.org.name}述职评议（{subject.org.name}）："
                                      f"综合得分{value}，等次“{subject.get_grade_display()}”"))
        round.state, round.closed_at, round.closed_by = RoundState.CLOSED, timezone.now(), actor
        round.save(update_fields=["state", "closed_at", "closed_by", "updated"])
        audit.record("reviews.round_close", obj=round, user=actor,
                     changes={"state": [RoundState.OPEN, RoundState.CLOSED], "results": results})
    return round


def subject_feedback(*, actor, subject: ReportSubject, feedback: str,
                     followups: list[tuple[str, date]] | None = None) -> ReportSubject:
    """The convening org's feedback on a closed round's subject, and the follow-ups it requires
    of the reviewed org (each a text and a due day within ``rules.MAX_FOLLOWUP_DAYS``)."""
    _require(actor, subject.round.org)
    feedback = clean_text(feedback, max_length=5000, multiline=True)
    today = timezone.localdate()
    steps = []
    for text, due in followups or []:
        text = clean_text(text, max_length=300)
        if not text:
            continue
        if not today < due <= today + timedelta(days=rules.MAX_FOLLOWUP_DAYS):
            raise ValidationError({"followups": f"整改时限须晚于今天，且在{rules.MAX_FOLLOWUP_DAYS}天以内"})
        steps.append((text, due))
    if not feedback:
        raise ValidationError({"feedback": "请填写反馈意见"})
    with transaction.atomic():
        round = _locked(subject.round)
        if not round.closed:
            raise ValidationError("评议结果计算后方可反馈")
        before = subject.feedback
        subject.feedback = feedback
        subject.save(update_fields=["feedback", "updated"])
        FollowUp.objects.bulk_create([FollowUp(subject=subject, org_id=subject.org_id, text=text, due=due)
                                      for text, due in steps])
        audit.record("reviews.subject_feedback", obj=subject, user=actor,
                     changes={"feedback": [before[:200], feedback[:200]],
                              "followups": [[t, d.isoformat()] for t, d in steps]})
    return subject


def followup_done(*, actor, followup: FollowUp, note: str, done_on: date | None = None) -> FollowUp:
    """The reviewed org records a follow-up done: what was done, and when."""
    _require(actor, followup.org)
    note = clean_text(note, max_length=300)
    done_on = done_on or timezone.localdate()
    if not note:
        raise ValidationError({"note": "请填写完成情况"})
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.done_on is not None:
            raise ValidationError("该整改要求已填报完成")
        if done_on > timezone.localdate() or done_on < followup.created.astimezone(
                timezone.get_current_timezone()).date():
            raise ValidationError({"done_on": "完成日期须在反馈之后、不晚于今天"})
        followup.done_on, followup.note, followup.done_by = done_on, note, actor
        followup.save(update_fields=["done_on", "note", "done_by", "updated"])
        audit.record("reviews.followup_done", obj=followup, user=actor,
                     changes={"done_on": done_on.isoformat(), "note": note})
    return followup
