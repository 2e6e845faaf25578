"""Every list pages and shows its total (issue 10.2: the district's review queue showed the oldest
500 of 511 records, with no count and no paging, and a fresh submission never appeared).

For each list page: rows beyond one page are made, the page shows the list's total, and following
the pager reaches every row, the newest included. A meta-test fails on a URL name that is neither
such a list here nor named as no list (with the reason)."""

import html
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import count

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from care.models import CareVisit
from core import audit, idcard
from core.views import ObjectListView
from dangjian.testing import make_user
from members import services as member_services
from members.models import (
    CorrectionRequest,
    ImportBatch,
    ImportRow,
    Member,
    MemberEvent,
    MemberStatus,
)
from notifications.models import Kind as NotificationKind
from notifications.services import notify
from orglife.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingState,
    ReviewRound,
    Topic,
)
from orglife.tests.helpers import add_full_members
from orgs.models import LeadershipTerm, Org, OrgKind
from orgs.tests.test_scope import _url_names
from portal.models import ChannelGrant, Comment, CommentState
from portal.tests.helpers import make_portal, publish
from recruitment.models import Case, Notice
from recruitment.tests.helpers import id_number, open_case
from transfers.models import Letter, LetterKind, LetterState, MobileCertificate

MARK = "列表行"
_serial = count(1)


def marks(n: int, prefix: str = MARK) -> list[str]:
    return [f"{prefix}{next(_serial):04d}" for _ in range(n)]


@dataclass
class ListPage:
    persona: str
    url: object  # (world) -> str
    make: object  # (world, n) -> the markers of the n rows made, oldest first


# --- row makers -------------------------------------------------------------------------------


def _members(world, n, *, born=date(1990, 1, 1), org=None):
    names = marks(n)
    for name in names:
        first17 = f"120101{born:%Y%m%d}{next(_serial) % 1000:03d}"
        member_services.member_create(actor=world.users["city_admin"], org=org or world.branch_a1, name=name,
                                      id_number=first17 + idcard.check_char(first17), status=MemberStatus.FULL,
                                      joined=date(2015, 7, 1))
    return names


def _meetings(world, n, *, state=MeetingState.SUBMITTED, org=None, days_ago=30):
    topics = marks(n)
    made = []
    for i, topic in enumerate(topics):
        held_on = timezone.localdate() - timedelta(days=days_ago - i % 20)
        opens = timezone.make_aware(timezone.datetime.combine(held_on, time(8)))
        made.append(Meeting.objects.create(
            org=org or world.branch_a1, kind=MeetingKind.THEME_DAY, held_on=held_on, start_time=time(9),
            place="党员活动室", host="李建国", recorder="张秀英", topic=topic, minutes="记录", state=state,
            signin_token=f"list{next(_serial)}", signin_opens=opens, signin_closes=opens + timedelta(hours=3)))
    return topics, made


def make_audit(world, n):
    names = marks(n)
    for name in names:
        audit.record("member.update", user=world.users["city_admin"], object_type="members.member",
                     object_id="1", object_repr=name)
    return names


def make_users(world, n):
    names = [f"lstrow{next(_serial):04d}" for _ in range(n)]
    for name in names:
        make_user(name)
    return names


def make_orgs(world, n):
    names = marks(n, "列表行党支部")
    for i, name in enumerate(names):
        world.street_a.refresh_from_db()
        Org.objects.add_child(world.street_a, dict(name=name, code=f"HP01L{next(_serial):03d}", kind=OrgKind.BRANCH,
                                                   founded=date(2000, 1, 1) + timedelta(days=i)))
    return names


def make_corrections(world, n):
    values = marks(n)
    for value in values:
        CorrectionRequest.objects.create(member=world.members["a1_member"], field_name="work_unit",
                                         requested_value=value)
    return values


def make_batches(world, n):
    names = marks(n)
    for name in names:
        ImportBatch.objects.create(org=world.branch_a1, uploaded_by=world.users["secretary"], file_name=name,
                                   stored_name=f"stored-{next(_serial)}")
    return names


def _batch(world):
    return ImportBatch.objects.get_or_create(
        file_name="批次.xlsx", defaults={"org": world.branch_a1, "uploaded_by": world.users["secretary"],
                                       "stored_name": "stored-rows", "status": ImportBatch.Status.PREVIEWED})[0]


def make_import_rows(world, n):
    batch = _batch(world)
    names = marks(n)
    start = batch.rows.count()
    ImportRow.objects.bulk_create(ImportRow(batch=batch, number=start + i + 2, name=name, action="create")
                                  for i, name in enumerate(names))
    return names


def make_events(world, n):
    names = marks(n)
    for name in names:
        MemberEvent.objects.create(member=world.members["a1_member"], occurred=timezone.localdate(), kind="note",
                                   summary=name, actor=world.users["secretary"])
    return names


def make_visits(world, n):
    names = marks(n)
    for name in names:
        CareVisit.objects.create(member=world.members["a1_member"], visited=timezone.localdate(), visitors=name)
    return names


def make_notifications(world, n):
    titles = marks(n)
    for title in titles:
        notify(recipients=[world.users["secretary"]], kind=NotificationKind.TRANSFER_WAITING, title=title, link="/")
    return titles


def make_letters(world, n, **extra):
    numbers = marks(n)
    # One open letter per member: each letter is another member's.
    for number, member in zip(numbers, add_full_members(world.branch_a1, n, start=next(_serial)), strict=True):
        Letter.objects.create(number=number, member=member, from_org=world.branch_a1,
                              from_org_name=world.branch_a1.name, to_org=world.branch_b1,
                              to_org_name=world.branch_b1.name, issued_on=timezone.localdate(),
                              valid_until=timezone.localdate() + timedelta(days=60), dues_paid_until=timezone.localdate(),
                              reason="工作调动", **extra)
    return numbers


def make_moved_out(world, n):
    return make_letters(world, n, kind=LetterKind.OUTGOING, state=LetterState.COMPLETED,
                        receipt_returned=timezone.localdate())


def make_certificates(world, n):
    numbers = marks(n)
    for number in numbers:
        MobileCertificate.objects.create(member=world.members["a1_member"], number=number, issued_on=timezone.localdate(),
                                         valid_until=timezone.localdate() + timedelta(days=365), city="北京")
    return numbers


def make_cases(world, n, *, overdue=False):
    names = marks(n)
    for name in names:
        case = open_case(world, name=name, number=id_number(seq=next(_serial) % 1000),
                         applied=timezone.localdate() - timedelta(days=30))
        if overdue:
            Case.objects.filter(pk=case.pk).update(warn_on=timezone.localdate() - timedelta(days=20),
                                                  due_on=timezone.localdate() - timedelta(days=10))
    return names


def make_notices(world, n):
    names = make_cases(world, n)
    for case in Case.objects.filter(name__in=names):
        Notice.objects.create(case=case, org=case.org, kind=Notice.Kind.values[0], starts_on=timezone.localdate(),
                              ends_on=timezone.localdate() + timedelta(days=7), workdays=5)
    return names


def make_review_queue(world, n):
    topics, meetings = _meetings(world, n)
    for meeting in meetings:
        ReviewRound.objects.create(meeting=meeting, number=1, submitted_by=world.users["secretary"])
    return topics


def make_meetings(world, n):
    return _meetings(world, n)[0]


def make_topics(world, n):
    titles = marks(n)
    for title in titles:
        Topic.objects.create(org=world.branch_a1, title=title)
    return titles


def make_attendances(world, n):
    topics, meetings = _meetings(world, n, state=MeetingState.APPROVED)
    for meeting in meetings:
        Attendance.objects.create(meeting=meeting, member=world.members["a1_member"], status=AttendanceStatus.PRESENT)
    return topics


def _portal(world):
    if not hasattr(world, "portal"):
        world.portal = make_portal(world)
    return world.portal


def make_articles(world, n):
    titles = marks(n)
    for title in titles:
        publish(_portal(world), title=f"志愿服务 {title}")
    return titles


def make_drafts(world, n):
    from portal import services

    portal = _portal(world)
    titles = marks(n)
    for title in titles:
        services.article_create(actor=portal.users["news_editor"], channel=portal.channels["jiceng"], title=title,
                                body="<p>正文</p>")
    return titles


def _commented(world):
    if not hasattr(world, "commented"):
        world.commented = publish(_portal(world), title="评论文章")
    return world.commented


def make_comments(world, n, state=CommentState.PENDING):
    article = _commented(world)
    bodies = marks(n)
    for body in bodies:
        Comment.objects.create(article=article, name="读者", body=body, state=state)
    return bodies


def make_channel_grants(world, n):
    portal = _portal(world)
    names = [f"lstgrant{next(_serial):04d}" for _ in range(n)]
    for name in names:
        ChannelGrant.objects.create(user=make_user(name), channel=portal.channels["jiceng"], role="editor")
    return names


def make_term_warnings(world, n):
    """``n`` terms of branch A1 ended without re-election: a red warning each, named by its date."""
    today = timezone.localdate()
    ends = [today - timedelta(days=400 + i) for i in range(n)]
    for day in ends:
        LeadershipTerm.objects.create(org=world.branch_a1, started=day.replace(year=day.year - 3), ends=day)
    return [f"{day:%Y-%m-%d}" for day in ends]


def _channel_url(world):
    return _portal(world).channels["jiceng"].get_absolute_url()


def _comments_url(world):
    return reverse("portal:comments", args=[_commented(world).pk])


def make_questions(world, n):
    from exams.models import Question

    texts = marks(n)
    for text in texts:
        Question.objects.create(org=world.district_a, topic="党章党规", kind="truefalse", text=text, answer="T")
    return texts


def make_group_studies(world, n):
    from training.models import GroupStudy

    texts = marks(n)
    day = timezone.localdate() - timedelta(days=1)
    GroupStudy.objects.bulk_create([GroupStudy(org=world.branch_a1, kind="branch", held_on=day, topic=text, hours=2)
                                    for text in texts])
    return texts


def make_classes(world, n):
    from training.models import TrainingClass

    texts = marks(n)
    day = timezone.localdate()
    TrainingClass.objects.bulk_create([TrainingClass(org=world.district_a, title=text, target="all", cycle_start=day.year,
                                                     cycle_end=day.year, starts=day, ends=day) for text in texts])
    return texts


def make_posts(world, n):
    from pledges.models import DutyPost

    texts = marks(n)
    DutyPost.objects.bulk_create([DutyPost(org=world.branch_a1, kind="zone", name=text, duties="联系住户",
                                           holder=world.members["a1_member"], started_on=timezone.localdate(),
                                           token=f"list{text}") for text in texts])
    return texts


def make_courses(world, n):
    from learning.models import Course

    texts = marks(n)
    Course.objects.bulk_create([Course(org=world.district_a, title=text) for text in texts])
    return texts


def make_checkins(world, n):
    from community.models import CheckIn
    from members.models import Member

    names = _members(world, n, org=world.branch_a2)
    members = Member.objects.filter(name__in=names)
    CheckIn.objects.bulk_create([CheckIn(member=m, unit=world.branch_a2, community=world.branch_a1, address="一号",
                                         state="confirmed", requested_on=timezone.localdate()) for m in members])
    return names


def make_orders(world, n):
    from orders.models import MenuItem, ServiceOrder

    item, _ = MenuItem.objects.get_or_create(community=world.branch_a1, name="助老陪诊")
    texts = marks(n)
    ServiceOrder.objects.bulk_create([
        ServiceOrder(number=text, community=world.branch_a1, item=item, name="居民", phone_cipher="-",
                     phone_index=text, phone_masked="138****0000", address="一号", address_key="a", need="代办",
                     day=timezone.localdate()) for text in texts])
    return texts



def _district_a_inspection(world):
    from oversight.models import Inspection

    today = timezone.localdate()
    return Inspection.objects.get_or_create(
        org=world.district_a, title="列表巡查", defaults={
            "year": today.year, "half": 1 if today.month <= 6 else 2, "kind": "general", "timing": "scheduled",
            "notice": "announced", "started_on": today})[0]


def make_guidance_plans(world, n):
    from oversight.models import GuidancePlan

    titles = marks(n)
    GuidancePlan.objects.bulk_create([GuidancePlan(org=world.district_a, sector="community", year=1900 + next(_serial),
                                                   title=title) for title in titles])
    return titles


def make_supervision_teams(world, n):
    from oversight.models import SupervisionTeam

    names = marks(n)
    SupervisionTeam.objects.bulk_create([SupervisionTeam(org=world.district_a, name=name, leader="刘明",
                                                         formed_on=timezone.localdate()) for name in names])
    return names


def make_supervision_visits(world, n):
    """A visit's row names its team: one team per visit, named by the marker."""
    from oversight.models import SupervisionTeam, Visit

    names = make_supervision_teams(world, n)
    Visit.objects.bulk_create([Visit(team=team, org=world.branch_a1, day=timezone.localdate())
                               for team in SupervisionTeam.objects.filter(name__in=names)])
    return names


def make_inspections(world, n):
    from oversight.models import Inspection

    titles = marks(n)
    today = timezone.localdate()
    Inspection.objects.bulk_create([Inspection(org=world.district_a, title=title, year=today.year,
                                               half=1 if today.month <= 6 else 2, kind="general", timing="random",
                                               notice="unannounced", started_on=today) for title in titles])
    return titles


def make_rectification_items(world, n):
    from oversight.models import RectificationItem

    problems = marks(n)
    inspection = _district_a_inspection(world)
    today = timezone.localdate()
    RectificationItem.objects.bulk_create([
        RectificationItem(inspection=inspection, org=world.branch_a1, problem=problem, owner="李建国",
                          deadline=today + timedelta(days=30), evidence_required="会议记录照片", found_on=today)
        for problem in problems])
    return problems

def make_bulletins(world, n):
    from oversight.models import Bulletin

    titles = marks(n)
    today = timezone.localdate()
    Bulletin.objects.bulk_create([
        Bulletin(org=world.district_a, year=2000 + i, quarter=1, title=title, sections=[], as_of=today,
                 generated_at=timezone.now()) for i, title in enumerate(titles)])
    return titles


def make_fivegood_standards(world, n):
    from fivegood.models import StandardSet

    titles = marks(n)
    StandardSet.objects.bulk_create([StandardSet(org=world.district_a, year=1900 + next(_serial), title=title)
                                     for title in titles])
    return titles


def _fivegood_assessments(world, n, **fields):
    """``n`` assessments of branch A1, one a year; their years are the markers (a row names its
    branch and year)."""
    from fivegood.models import Assessment, StandardSet

    standard = StandardSet.objects.create(org=world.district_a, year=1900 + next(_serial), title="列表标准")
    years = [1900 + next(_serial) for _ in range(n)]
    return Assessment.objects.bulk_create([Assessment(org=world.branch_a1, year=year, standard_set=standard, **fields)
                                           for year in years])


def make_fivegood_assessments(world, n):
    return [str(a.year) for a in _fivegood_assessments(world, n)]


def make_fivegood_exemplars(world, n):
    from fivegood.models import Exemplar

    titles = marks(n)
    assessed = _fivegood_assessments(world, n, state="assessed", grade="five_good", upper_total=100)
    Exemplar.objects.bulk_create([Exemplar(assessment=a, org=world.branch_a1, year=a.year, selected_by=world.district_a,
                                           title=title, story="事迹") for a, title in zip(assessed, titles, strict=True)])
    return titles


def make_soe_tasks(world, n):
    from soe.models import SoeTask

    titles = marks(n)
    today = timezone.localdate()
    SoeTask.objects.bulk_create([SoeTask(org=world.district_a, year=today.year, number=i, title=title, due_on=today)
                                 for i, title in enumerate(titles, start=1)])
    return titles


def make_soe_shares(world, n):
    """A share's row names its task: one task per share, named by the marker."""
    from soe.models import SoeShare, SoeTask

    titles = make_soe_tasks(world, n)
    SoeShare.objects.bulk_create([SoeShare(task=task, org=world.branch_a1, due_on=task.due_on)
                                  for task in SoeTask.objects.filter(title__in=titles)])
    return titles


def _report_rounds(world, n):
    from reviews.models import ReportRound

    titles = marks(n)
    ReportRound.objects.bulk_create([ReportRound(org=world.district_a, year=2000 + i, title=title)
                                     for i, title in enumerate(titles)])
    return titles


def make_report_rounds(world, n):
    return _report_rounds(world, n)


def make_report_results(world, n):
    """A subject's row names its secretary: one round per subject, named by the marker."""
    from reviews.models import ReportRound, ReportSubject

    titles = _report_rounds(world, n)
    ReportSubject.objects.bulk_create([ReportSubject(round=r, org=world.street_a, secretary_name=r.title[-50:])
                                       for r in ReportRound.objects.filter(title__in=titles)])
    return [t[-50:] for t in titles]


def make_lagging_cases(world, n):
    """A case's row names its org: one new branch per case, named by the marker (closed cases:
    an org has one open case at most)."""
    from lagging.models import CaseState, LaggingCase

    names = marks(n)
    today = timezone.localdate()
    for name in names:
        street = Org.objects.get(pk=world.street_a.pk)
        org = Org.objects.add_child(street, {"name": name, "code": f"HP01K{next(_serial):04d}",
                                             "kind": OrgKind.BRANCH, "founded": date(2000, 1, 1)})
        LaggingCase.objects.create(org=org, year=today.year, found_on=today, source="admin",
                                   state=CaseState.CLOSED, closed_on=today, grade_after="fair")
    return names


def make_report_followups(world, n):
    from reviews.models import FollowUp, ReportRound, ReportSubject

    round = ReportRound.objects.create(org=world.district_a, year=1999, title="述职评议")
    subject = ReportSubject.objects.create(round=round, org=world.street_a)
    texts = marks(n)
    today = timezone.localdate()
    FollowUp.objects.bulk_create([FollowUp(subject=subject, org=world.street_a, text=text, due=today)
                                  for text in texts])
    return texts


LIST_PAGES = {
    "lagging:cases": ListPage("a_admin", lambda w: reverse("lagging:cases"), make_lagging_cases),
    "reviews:rounds": ListPage("a_admin", lambda w: reverse("reviews:rounds"), make_report_rounds),
    "reviews:results": ListPage("a_admin", lambda w: reverse("reviews:results"), make_report_results),
    "reviews:followups": ListPage("a_admin", lambda w: reverse("reviews:followups"), make_report_followups),
    "soe:home": ListPage("a_admin", lambda w: reverse("soe:home"), make_soe_tasks),
    "fivegood:standards": ListPage("a_admin", lambda w: reverse("fivegood:standards"), make_fivegood_standards),
    "fivegood:assessments": ListPage("a_admin", lambda w: reverse("fivegood:assessments"), make_fivegood_assessments),
    "fivegood:exemplars": ListPage("a_admin", lambda w: reverse("fivegood:exemplars"), make_fivegood_exemplars),
    "soe:shares": ListPage("a_admin", lambda w: reverse("soe:shares"), make_soe_shares),
    "oversight:bulletins": ListPage("a_admin", lambda w: reverse("oversight:bulletins"), make_bulletins),
    "orders:list": ListPage("a_admin", lambda w: reverse("orders:list"), make_orders),
    "oversight:plans": ListPage("a_admin", lambda w: reverse("oversight:plans"), make_guidance_plans),
    "oversight:teams": ListPage("a_admin", lambda w: reverse("oversight:teams"), make_supervision_teams),
    "oversight:visits": ListPage("a_admin", lambda w: reverse("oversight:visits"), make_supervision_visits),
    "oversight:inspections": ListPage("a_admin", lambda w: reverse("oversight:inspections"), make_inspections),
    "oversight:items": ListPage("a_admin", lambda w: reverse("oversight:items"), make_rectification_items),
    "community:checkins": ListPage("a_admin", lambda w: reverse("community:checkins"), make_checkins),
    "learning:library": ListPage("a_admin", lambda w: reverse("learning:library"), make_courses),
    "pledges:posts": ListPage("a_admin", lambda w: reverse("pledges:posts"), make_posts),
    "training:group_studies": ListPage("a_admin", lambda w: reverse("training:group_studies"), make_group_studies),
    "training:classes": ListPage("a_admin", lambda w: reverse("training:classes"), make_classes),
    "exams:questions": ListPage("a_admin", lambda w: reverse("exams:questions"), make_questions),
    "core:audit_list": ListPage("auditor", lambda w: reverse("core:audit_list"), make_audit),
    "accounts:user_list": ListPage("secadmin", lambda w: reverse("accounts:user_list"), make_users),
    "channel_grants:list": ListPage("secadmin", lambda w: _portal(w) and reverse("channel_grants:list"),
                                    make_channel_grants),
    "orgs:list": ListPage("a_admin", lambda w: reverse("orgs:list"), make_orgs),
    "orgs:tree": ListPage("a_admin", lambda w: reverse("orgs:tree") + "?q=列表行", make_orgs),  # its search
    "members:list": ListPage("a_admin", lambda w: reverse("members:list"), _members),
    "members:detail": ListPage("secretary", lambda w: reverse("members:detail", args=[w.members["a1_member"].pk])
                               + "?tab=timeline", make_events),  # the timeline (记实)
    "members:corrections": ListPage("secretary", lambda w: reverse("members:corrections"), make_corrections),
    "members:import": ListPage("secretary", lambda w: reverse("members:import"), make_batches),
    "members:import_detail": ListPage("secretary", lambda w: reverse("members:import_detail", args=[_batch(w).pk]),
                                      make_import_rows),
    "care:list": ListPage("a_admin", lambda w: reverse("care:list"),
                          lambda w, n: _members(w, n, born=date(1935, 1, 1))),  # aged 80 and over
    "care:visits": ListPage("a_admin", lambda w: reverse("care:visits"), make_visits),
    "transfers:list": ListPage("a_admin", lambda w: reverse("transfers:list"), make_letters),
    "transfers:certificates": ListPage("a_admin", lambda w: reverse("transfers:certificates"), make_certificates),
    "transfers:warnings": ListPage("a_admin", lambda w: reverse("transfers:warnings"), make_moved_out),
    "recruitment:list": ListPage("secretary", lambda w: reverse("recruitment:list"), make_cases),
    "recruitment:warnings": ListPage("a_admin", lambda w: reverse("recruitment:warnings"),
                                     lambda w, n: make_cases(w, n, overdue=True)),
    "recruitment:public_notices": ListPage("outsider", lambda w: reverse("recruitment:public_notices"),
                                           make_notices),
    "orglife:list": ListPage("secretary", lambda w: reverse("orglife:list"), make_meetings),
    "insights:warnings": ListPage("a_admin", lambda w: reverse("insights:warnings") + f"?org={w.branch_a1.pk}",
                                  make_term_warnings),
    "orglife:reviews": ListPage("a_admin", lambda w: reverse("orglife:reviews"), make_review_queue),
    "orglife:topics": ListPage("secretary", lambda w: reverse("orglife:topics"), make_topics),
    "orglife:mine": ListPage("member", lambda w: reverse("orglife:mine"), make_attendances),
    "notifications:list": ListPage("secretary", lambda w: reverse("notifications:list"), make_notifications),
    "portal:editor": ListPage("news_editor", lambda w: reverse("portal:editor"), make_drafts),
    "portal:comment_queue": ListPage("news_reviewer", lambda w: reverse("portal:comment_queue"), make_comments),
    "portal:channel": ListPage("outsider", _channel_url, make_articles),
    "portal:search": ListPage("outsider", lambda w: reverse("portal:search") + "?q=志愿服务", make_articles),
    "portal:comments": ListPage("outsider", _comments_url,
                                lambda w, n: make_comments(w, n, state=CommentState.APPROVED)),
}

# Pages that are no list, or whose rows are one object's complete set (shown whole, uncapped).
NOT_LISTS = {
    **dict.fromkeys([
        "accounts:grant_remove", "accounts:login", "accounts:login_totp", "accounts:logout",
        "accounts:password_change", "accounts:totp", "accounts:user_create", "accounts:user_set_active",
        "care:visit_create", "care:visit_delete", "care:visit_edit", "channel_grants:remove", "core:system",
        "exams:question_create", "exams:exam_create", "exams:start",
        "training:group_study_create", "training:group_study_delete", "training:class_create", "training:enrol",
        "training:session_create", "training:close", "training:certificate",
        "pledges:pledge_create", "pledges:pledge_edit", "pledges:pledge_review", "pledges:record_add",
        "pledges:record_review", "pledges:post_create", "pledges:post_end", "pledges:post_qr", "pledges:post",
        "points:ranking_switch", "community:checkin_request", "community:decide", "community:assign",
        "community:record_add", "community:rating", "community:end", "community:team_create",
        "orders:dispatch", "orders:reject", "orders:phone", "orders:accept", "orders:decline", "orders:complete",
        "orders:item_new", "orders:item_edit", "service:order", "service:captcha", "service:lookup", "service:track", "learning:channel_create", "learning:course_create", "learning:item_add",
        "learning:course_publish",
        "dues:home", "dues:report", "dues:import", "dues:statement", "dues:confirm", "dues:carry", "dues:void", "dues:pay", "dues:open",
        "dues:adjust",
        "regional:home", "regional:unit_add", "regional:serve", "regional:instructor_add", "regional:report",
        "regional:assess", "regional:seat_add", "regional:item_add", "regional:project_complete",
        "oversight:plan_new", "oversight:plan_edit", "oversight:team_new", "oversight:visit_new",
        "oversight:visit_file", "oversight:inspection_new", "oversight:item_new", "oversight:evidence_submit",
        "oversight:evidence_return", "oversight:evidence_accept", "oversight:evidence_file",
        "oversight:bulletin_new", "oversight:bulletin_edit", "oversight:bulletin_regenerate",
        "oversight:bulletin_publish", "oversight:bulletin_file",
        "soe:task_new", "soe:task_edit", "soe:report",
        "fivegood:standard_new", "fivegood:standard_edit", "fivegood:standard_issue", "fivegood:standard_version",
        "fivegood:assessment_new", "fivegood:self_score", "fivegood:submit", "fivegood:assess", "fivegood:return",
        "fivegood:reopen", "fivegood:exemplar_new", "fivegood:exemplar_publish", "fivegood:score_file",
        "lagging:case_open", "lagging:plan", "lagging:task_new", "lagging:close", "lagging:case_file",
        "lagging:task_done", "lagging:task_file",
        "reviews:round_new", "reviews:round_edit", "reviews:group_new", "reviews:group_edit",
        "reviews:group_delete", "reviews:round_open", "reviews:round_close", "reviews:subject_report",
        "reviews:subject_file", "reviews:subject_rate", "reviews:subject_feedback", "reviews:followup_done",
        "members:correction_create", "members:correction_decide",
        "notifications:open", "notifications:preferences", "notifications:read_all", "members:document_delete",
        "members:document_download", "members:document_upload", "members:edit", "members:import_commit",
        "members:import_discard", "members:import_progress", "members:import_report", "members:import_template",
        "members:lookup", "members:record_add", "members:record_delete", "members:record_edit", "members:unmask",
        "orglife:attachment_download", "orglife:attachment_upload", "orglife:attendance", "orglife:copy_compare",
        "orglife:create", "orglife:edit", "orglife:qr", "orglife:review", "orglife:sign_in", "orglife:submit",
        "orglife:topic_schedule", "orglife:topic_vote", "orgs:create", "orgs:edit", "orgs:move",
        "orgs:term_create", "ops:healthz", "ops:readyz", "ops:metrics", "portal:article_slug", "portal:comment_approve", "portal:comment_reject",
        "portal:create", "portal:edit", "portal:image", "portal:image_upload", "portal:preview",
        "portal:publish", "portal:qr", "portal:return", "portal:share", "portal:submit", "portal:thumb",
        "portal:unpublish", "recruitment:cancel", "recruitment:close", "recruitment:create", "recruitment:docx",
        "recruitment:extend", "recruitment:notice_create", "recruitment:objection_create",
        "recruitment:objection_resolve", "recruitment:plan_edit", "recruitment:print", "recruitment:step",
        "transfers:accept", "transfers:cancel", "transfers:certificate_close", "transfers:certificate_create",
        "transfers:certificate_renew", "transfers:complete", "transfers:expire", "transfers:issue",
        "transfers:print", "transfers:receive_external", "transfers:return",
    ], "a form, an action, a file or a single object"),
    "accounts:user_detail": "one account's grants, all of them",
    "care:member": "one member's visits, all of them",
    "dues:mine": "one member's own amount and payments, all of them",
    "exams:home": "a member's open exams (a few a year) and a manager's latest 50 exams",
    "exams:exam": "one exam's figures, one row per child org, the chosen org's own members' attempts capped at 200",
    "exams:attempt": "one attempt's drawn questions (at most 100), all of them",
    "exams:practice": "the day's five practice questions",
    "pledges:home": "a member's pledges of the year (at most five) and one row per child org",
    "pledges:pledge": "one pledge's fulfilment records, all of them (a year of one pledge)",
    "pledges:queue": "what waits for review, capped at 200 pledges and 200 records, oldest first",
    "pledges:badge": "one post's public badge",
    "community:home": "a member's own check-in and one org's four figures",
    "orders:home": "a member's orders to take and to finish (capped at 50 each) and one row per child org",
    "orders:order": "one order",
    "orders:menu": "one community's service menu, all of it (a menu has a dozen items)",
    "soe:task": "one task's shares, every one (at most 500), each with its four quarters",
    "soe:share": "one share's quarterly reports, all of them (four a year)",
    "reviews:home": "a reviewer's subjects to rate (capped at 100), the latest 20 rounds and 20 overdue follow-ups",
    "reviews:round": "one round's subjects (at most 200) and reviewer groups, all of them",
    "reviews:subject": "one subject's report, ratings per group and follow-ups, all of them; its problems capped at 100",
    "oversight:home": "one org's figures and one row per child org; the items to rectify, to accept and escalated here "
                      "capped at 20 each",
    "oversight:rectification": "open problems per child org and per sector, every one (one level of the tree)",
    "oversight:plan": "one plan's checklist, all of it (at most 50 items)",
    "oversight:team": "one team's assigned orgs, all of them (at most 500), and its latest 100 visits",
    "oversight:visit": "one visit's checks, all of them (one per checklist item, at most 50)",
    "oversight:inspection": "one inspection's targets (at most 500) and the problems it found, all of them; "
                            "its paged ledger is oversight:items?inspection=",
    "oversight:item": "one item's rounds of evidence, all of them",
    "oversight:bulletin": "one bulletin's sections, each with one row per child org of the bulletin's org",
    "fivegood:home": "one org's figures and one row per child org; the self-assessments to fill in and to assess "
                     "capped at 20 each",
    "fivegood:standard": "one standard's dimensions and items, all of them (at most 60 items)",
    "fivegood:assessment": "one assessment's scores, one per item of its standard (at most 60), and its grade changes",
    "lagging:home": "one org's figures and one row per child org; the open cases capped at 20",
    "lagging:suggestions": "the flagged orgs of one subtree, most reasons first, capped at 200 (pick a child org "
                           "for the rest)",
    "lagging:case": "one case's reasons and tasks, all of them (at most 30 tasks)",
    "lagging:grades": "one org's grade history, all of it (a few rows a year)",
    "service:home": "the communities that take orders, found by name, capped at 30",
    "community:checkin": "one check-in's service records (capped at 200) and yearly ratings",
    "community:unit": "one unit's own members who checked in (a unit has a few hundred at most)",
    "points:home": "a member's points per activity (six rows), the rule table and one row per child org",
    "points:ranking": "one org's own members by points, all of them (a branch's roll, from the summary rows)",
    "training:home": "one org's figures and one row per child org; the latest ten studies and classes; a member's own",
    "training:group_study": "one group study's attendance, all of it (one org's members and team)",
    "training:class": "one class's sessions and roll, all of them (a class enrols at most a few hundred)",
    "training:rotation": "one org's figures and one row per child org; the names still to train capped at 500",
    "regional:coverage": "one org's figures and one row per child org (a district has about twenty streets); buildings capped at 200",
    "regional:building": "one building's units (a building has a few dozen) and the orgs it serves",
    "regional:villages": "one org's figures and one row per child org; the villages capped at 200",
    "regional:village": "one village's plan, pairings and grades; its latest 50 progress reports",
    "regional:cobuilding": "one street's or community's seats, its latest 20 meetings and 200 list entries; one row per child",
    "dues:org": "one org's own members (a branch has about fifty at most) and its subtree's figures per month",
    "care:stats": "figures per org, every child org",
    "learning:home": "a member's hours, their required courses and the latest fifty courses; a manager's top orgs",
    "learning:item": "one study item",
    "learning:course": "one course's items, all of them (a course holds a few dozen)",
    "learning:item_media": "one item's media file",
    "learning:session_open": "the study page's JSON call",
    "learning:beat": "the study page's JSON call",
    "learning:progress": "one org's own members (a branch has about fifty at most), and one level of child orgs",
    "core:home": "the user's top orgs, all of them",
    "core:calendar": "one year's holidays, all of them",
    "members:roster": "the print roster: every active member of one org, on purpose",
    "orglife:calendar": "one month's grid (its per-day display is issue 10.7)",
    "orglife:compliance": "figures per child org, every one; the worst holders are a ranking",
    "insights:health": "the health index per child org, every one (one level of the tree)",
    "insights:report": "a year's figures of one org's subtree: a fixed set of sentences and tables",
    "insights:dashboard": "figures per child org and per band, every one (one level of the tree; a heat map of six months)",
    "insights:screen": "the big screen: one tile per child org (the city's sixteen districts)",
    "orglife:absence": "one branch's own members (a branch has about fifty at most), or one level of child orgs",
    "orglife:detail": "one meeting's attendance, all of it",
    "orgs:detail": "its member preview says the total and links to the member list (test below)",
    "orgs:node": "one tree level, every child",
    "orgs:rules": "the rules the platform enforces, every one (a fixed catalogue of about sixty)",
    "orgs:org_rules": "the rules the platform enforces, every one (a fixed catalogue of about sixty)",
    "portal:article": "ten comments, the total and a link to all of them (portal:comments)",
    "portal:index": "each channel's latest, with a link to the channel's paged list",
    "portal:rank": "点击排行 is a top-ten by definition",
    "portal:feed": "RSS: the latest items by definition",
    "portal:channel_feed": "RSS: the latest items by definition",
    "recruitment:detail": "one case's steps, all of them",
    "recruitment:plans": "figures per child org, every one",
    "transfers:detail": "one letter",
}


def test_every_url_name_is_a_tested_list_or_named_as_no_list():
    # The API's lists all page through core.api.Pagination, with their count (orgs/tests/test_api.py).
    names = {n for n in _url_names(get_resolver().url_patterns) if not n.startswith("api:")}
    assert names - set(LIST_PAGES) - set(NOT_LISTS) == set(), "list pages without a paging test"
    assert (set(LIST_PAGES) | set(NOT_LISTS)) - names == set()
    assert set(LIST_PAGES) & set(NOT_LISTS) == set()


def test_every_generic_list_view_is_among_the_tested_lists():
    for pattern_name in _url_names(get_resolver().url_patterns):
        if pattern_name.startswith("api:") or ":" not in pattern_name:
            continue
        view = _view_class(pattern_name)
        if view is not None and issubclass(view, ObjectListView):
            assert pattern_name in LIST_PAGES, pattern_name


def _view_class(name: str):
    from django.urls import resolve

    for pattern in _patterns():
        if pattern[0] == name:
            return getattr(resolve(pattern[1]).func, "view_class", None)
    return None


def _patterns():
    from django.urls import NoReverseMatch

    for name in _url_names(get_resolver().url_patterns):
        try:
            yield name, reverse(name)
        except NoReverseMatch:
            continue


NEXT = re.compile(r'<a rel="next" href="([^"]*)"')


def _client(world, persona):
    if persona in ("news_editor", "news_reviewer"):
        return _portal(world).client(persona)
    return world.client(persona)


def _pages(client, url):
    """Every page of the list, following the pager's 下一页."""
    base = url.split("?")[0]
    texts, seen = [], set()
    while url and url not in seen and len(seen) < 50:
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = response.content.decode()
        texts.append(text)
        found = NEXT.search(text)
        url = base + html.unescape(found.group(1)) if found else None
    return texts


@pytest.mark.parametrize("paging", ["offset", "cursor"])
@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_list_shows_its_total_and_pages_to_its_last_row(world, settings, name, paging):
    """Both ways of paging reach every row: by page number, and by cursor (every list counted as
    long, LIST_KEYSET_FROM = 0), wherever the list's order allows a cursor."""
    settings.LIST_PAGE_SIZE = 3
    settings.LIST_KEYSET_FROM = 0 if paging == "cursor" else 10**9
    spec = LIST_PAGES[name]
    client = _client(world, spec.persona)
    url = spec.url(world)
    before = client.get(url)
    assert before.status_code == 200
    page = before.context.get("page")
    assert page is not None, f"{name} has no paginated page in its context"
    made = spec.make(world, page.paginator.per_page + 1)
    first = client.get(url)
    total = first.context["page"].paginator.count
    assert total == page.paginator.count + len(made)
    shown = re.search(r'class="[^"]*list-total[^"]*">(.*?)</p>', first.content.decode(), re.S)
    assert shown and re.search(rf"\b{total}\b", re.sub(r"<[^>]+>", "", shown.group(1))), f"{name}: no total {total}"
    texts = _pages(client, url)
    assert len(texts) >= 2, f"{name}: one page for {total} rows"
    everything = "".join(texts)
    missing = [mark for mark in made if mark not in everything]
    assert missing == [], f"{name}: rows not reachable by paging: {missing}"


def test_org_page_says_how_many_members_and_links_to_all_of_them(world):
    _members(world, 25)
    text = world.client("a_admin").get(reverse("orgs:detail", args=[world.branch_a1.pk])).content.decode()
    total = Member.objects.filter(org=world.branch_a1).count()
    assert f"查看全部 {total} 名党员" in text
    assert f"{reverse('members:list')}?org={world.branch_a1.code}" in text


def test_party_groups_in_lists_show_their_branch(world):
    _meetings(world, 1, org=world.group_a1)
    text = world.client("a_admin").get(reverse("orglife:list")).content.decode()
    assert f"{world.branch_a1.name} · {world.group_a1.name}" in text
    text = world.client("a_admin").get(reverse("orgs:list") + "?q=党小组").content.decode()
    assert f"{world.branch_a1.name} · {world.group_a1.name}" in text


def test_review_queue_shows_a_fresh_submission_beyond_the_old_ones(world, settings):
    settings.LIST_PAGE_SIZE = 5
    old = make_review_queue(world, 12)
    fresh = make_review_queue(world, 1)[0]
    client = world.client("a_admin")
    first = client.get(reverse("orglife:reviews")).content.decode()
    assert "共 13 条" in first and old[0] in first
    # Newest submissions first on request, and the filters narrow the queue.
    newest = client.get(reverse("orglife:reviews") + "?sort=-submitted_at").content.decode()
    assert fresh in newest
    found = client.get(reverse("orglife:reviews") + f"?q={fresh}").content.decode()
    assert "共 1 条" in found and fresh in found

