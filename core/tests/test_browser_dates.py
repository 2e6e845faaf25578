"""Headless Chromium: every form page with a date input, saved as it opens, keeps its dates.

A date input whose value the browser cannot read (2026/12/03, the zh-hans format) shows empty and
erases the date on save; a required one blocks the save. Each case below opens one form (one per
form class with a date field: core/tests/test_forms.py keeps the table complete), reads the dates
the page shows, fills only what has no value yet, saves, and compares the stored dates with what
the page showed. Edit forms must also show the stored dates to begin with.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, login

pytestmark = BROWSER_MARKS

TODAY = timezone.localdate()


@dataclass
class Case:
    persona: str
    url: str
    stored: object  # () -> {input name: the stored date or None}
    fill: list = field(default_factory=list)  # (action, name, value): "text", "select", "check"
    shown: dict = field(default_factory=dict)  # dates an edit form must show on opening


def _id_number(seq: int) -> str:
    from recruitment.tests.helpers import id_number

    return id_number(date(1995, 4, 5), seq)


def _iso(value, kind="date"):
    if value is None:
        return ""
    return value.strftime("%Y-%m") if kind == "month" else value.isoformat()


# --- the cases: one per form class with a date field -------------------------------------------


def org_form(world):
    from orgs.models import Org

    org = world.branch_a1
    return Case("a_admin", reverse("orgs:edit", args=[org.pk]),
                lambda: {"founded": Org.objects.get(pk=org.pk).founded}, shown={"founded": org.founded})


def org_move_form(world):
    from orgs.models import AffiliationChange

    return Case("a_admin", reverse("orgs:move", args=[world.branch_a2.pk]),
                lambda: {"changed_on": AffiliationChange.objects.latest("pk").changed_on},
                fill=[("select", "new_parent", str(world.district_a.pk)), ("text", "reason", "区划调整"),
                      ("text", "changed_on", TODAY.isoformat())])


def term_form(world):
    from orgs.models import LeadershipTerm

    def stored():
        term = LeadershipTerm.objects.latest("pk")
        return {"started": term.started, "ends": term.ends}
    return Case("a_admin", reverse("orgs:term_create", args=[world.branch_a1.pk]), stored,
                fill=[("text", "started", "2025-06-01"), ("text", "ends", "2030-06-01"), ("text", "secretary", "李建国")])


def member_form(world):
    from members.models import Member

    member = world.members["a1_member"]
    Member.objects.filter(pk=member.pk).update(applied=date(2009, 3, 1), converted=date(2011, 7, 1))

    def stored():
        m = Member.objects.get(pk=member.pk)
        return {"applied": m.applied, "joined": m.joined, "converted": m.converted}
    return Case("a_admin", reverse("members:edit", args=[member.pk]), stored,
                shown={"applied": date(2009, 3, 1), "joined": date(2010, 7, 1), "converted": date(2011, 7, 1)})


def _record(world, kind, data, dates):
    from members import services
    from members.services import RECORD_MODELS

    member = world.members["a1_member"]
    record = services.record_add(actor=world.users["a_admin"], member=member, kind=kind, data=data)

    def stored():
        fresh = RECORD_MODELS[kind].objects.get(pk=record.pk)
        return {name: getattr(fresh, name) for name in dates}
    return Case("a_admin", reverse("members:record_edit", args=[member.pk, kind, record.pk]), stored,
                shown={name: data[name] for name in dates})


def position_form(world):
    return _record(world, "position", {"title": "委员", "unit": "社区", "started": date(2020, 1, 6),
                                       "ended": date(2023, 1, 9)}, ["started", "ended"])


def reward_form(world):
    return _record(world, "reward", {"kind": "reward", "name": "优秀共产党员", "decided": date(2021, 6, 30)},
                   ["decided"])


def travel_form(world):
    return _record(world, "travel", {"destination": "新加坡", "purpose": "探亲", "departed": date(2019, 2, 1),
                                     "returned": date(2019, 2, 20)}, ["departed", "returned"])


def hardship_form(world):
    return _record(world, "hardship", {"kind": "illness", "description": "慢性病", "since": date(2022, 5, 1),
                                       "resolved": date(2024, 5, 1)}, ["since", "resolved"])


def observation_form(world):
    return _record(world, "observation", {"starts_on": date(2018, 3, 1), "ends_on": date(2019, 3, 1),
                                          "issuer": "区纪委"}, ["starts_on", "ends_on"])


def care_visit_form(world):
    from care.models import CareVisit

    member = world.members["a1_member"]
    return Case("a_admin", reverse("care:visit_create") + f"?member={member.pk}",
                lambda: {"visited": CareVisit.objects.latest("pk").visited},
                fill=[("text", "visitors", "张书记")], shown={"visited": TODAY})


def care_visit_edit_form(world):
    from care.models import CareVisit
    from care.tests.test_care import visit

    recorded = visit(world, world.members["a1_member"], actor="a_admin", visited=date(2026, 1, 20))
    return Case("a_admin", reverse("care:visit_edit", args=[recorded.pk]),
                lambda: {"visited": CareVisit.objects.get(pk=recorded.pk).visited},
                shown={"visited": date(2026, 1, 20)})


def meeting_form(world):
    from orglife.models import Meeting
    from orglife.tests.helpers import record

    meeting = record(world, held_on=TODAY - timedelta(days=9))
    return Case("secretary", reverse("orglife:edit", args=[meeting.pk]),
                lambda: {"held_on": Meeting.objects.get(pk=meeting.pk).held_on},
                shown={"held_on": TODAY - timedelta(days=9)})


def schedule_form(world):
    from orglife import services
    from orglife.models import Meeting

    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="党史学习")
    return Case("secretary", reverse("orglife:topic_schedule", args=[topic.pk]),
                lambda: {"held_on": Meeting.objects.latest("pk").held_on},
                fill=[("text", "held_on", (TODAY + timedelta(days=7)).isoformat()), ("text", "place", "活动室"),
                      ("text", "host", "李建国"), ("text", "recorder", "张秀英"), ("text", "lecturer", "李建国")])


def article_form(world):
    from portal.models import Article
    from portal.tests.helpers import make_portal, publish

    portal = make_portal(world)
    article = publish(portal, channel="notice", title="公示", starts_on=date(2026, 11, 30),
                      ends_on=date(2026, 12, 8))

    def stored():
        fresh = Article.objects.get(pk=article.pk)
        return {"starts_on": fresh.starts_on, "ends_on": fresh.ends_on}
    return Case("notice_reviewer", reverse("portal:edit", args=[article.pk]), stored,
                shown={"starts_on": date(2026, 11, 30), "ends_on": date(2026, 12, 8)})


def calendar_day_form(world):
    from core.models import WorkCalendarDay

    return Case("sysadmin", reverse("core:calendar"),
                lambda: {"date": WorkCalendarDay.objects.get(name="测试日").date},
                fill=[("text", "date", "2031-10-01"), ("select", "kind", "holiday"), ("text", "name", "测试日")])


def letter_issue_form(world):
    from transfers.models import Letter

    def stored():
        letter = Letter.objects.latest("pk")
        return {"issued_on": letter.issued_on, "valid_until": letter.valid_until,
                "dues_paid_until": letter.dues_paid_until}
    return Case("a_admin", reverse("transfers:issue"), stored,
                fill=[("select", "member", str(world.members["a2_member"].pk)),
                      ("text", "to_org_code", world.branch_b1.code),
                      ("text", "valid_until", (TODAY + timedelta(days=30)).isoformat()),
                      ("text", "dues_paid_until", TODAY.strftime("%Y-%m")), ("text", "reason", "工作调动")],
                shown={"issued_on": TODAY})


def letter_receive_external_form(world):
    from transfers.models import Letter

    def stored():
        letter = Letter.objects.latest("pk")
        return {"issued_on": letter.issued_on, "valid_until": letter.valid_until,
                "dues_paid_until": letter.dues_paid_until, "received_on": letter.received_on,
                "joined": letter.member.joined}
    return Case("a_admin", reverse("transfers:receive_external"), stored,
                fill=[("select", "to_org", str(world.branch_a1.pk)), ("text", "number", "津外2026-1"),
                      ("text", "from_org_name", "某省某支部"),
                      ("text", "issued_on", (TODAY - timedelta(days=10)).isoformat()),
                      ("text", "valid_until", (TODAY + timedelta(days=20)).isoformat()),
                      ("text", "dues_paid_until", TODAY.strftime("%Y-%m")), ("text", "reason", "工作调动"),
                      ("text", "name", "陈新"), ("text", "id_number", _id_number(41)),
                      ("text", "joined", "2015-07-01")],
                shown={"received_on": TODAY})


def _certificate(world):
    from transfers import services

    return services.certificate_issue(actor=world.users["a_admin"], member=world.members["a1_member"],
                                      number="流2026-1", issued_on=TODAY - timedelta(days=30),
                                      valid_until=TODAY + timedelta(days=60), city="北京")


def certificate_form(world):
    from transfers.models import MobileCertificate

    def stored():
        certificate = MobileCertificate.objects.latest("pk")
        return {"issued_on": certificate.issued_on, "valid_until": certificate.valid_until}
    return Case("a_admin", reverse("transfers:certificate_create"), stored,
                fill=[("select", "member", str(world.members["a2_member"].pk)), ("text", "number", "流2026-2"),
                      ("text", "valid_until", (TODAY + timedelta(days=90)).isoformat()), ("text", "city", "上海")],
                shown={"issued_on": TODAY})


def certificate_renew_form(world):
    from transfers.models import MobileCertificate

    certificate = _certificate(world)
    return Case("a_admin", reverse("transfers:certificate_renew", args=[certificate.pk]),
                lambda: {"valid_until": MobileCertificate.objects.get(pk=certificate.pk).valid_until},
                fill=[("text", "valid_until", (TODAY + timedelta(days=120)).isoformat())])


def certificate_close_form(world):
    from transfers.models import MobileCertificate

    certificate = _certificate(world)
    return Case("a_admin", reverse("transfers:certificate_close", args=[certificate.pk]),
                lambda: {"closed_on": MobileCertificate.objects.get(pk=certificate.pk).closed_on},
                fill=[("select", "close_kind", "returned"), ("text", "close_reason", "返乡")],
                shown={"closed_on": TODAY})


# Recruitment: a case walked the documented way to just before the step whose form is opened.

def _case(world, upto: int, seq: int, applied=TODAY - timedelta(days=800)):
    from recruitment.tests.helpers import grow_branches, id_number, open_case, walk

    grow_branches(world)  # a branch needs three full members to vote on an admission
    # Applied two years ago by default: recent enough for the political review to be valid
    # (12 months) at ⑬, long enough ago for every step before it.
    case = open_case(world, number=id_number(seq=seq), name=f"申请人{seq}", applied=applied)
    if upto > 1:
        walk(world, case, upto)
    return case


def _step_case(world, number: int, seq: int, persona: str, stored_field: str = "done_on", fill=()):
    from recruitment.models import Step

    case = _case(world, number - 1, seq)
    return Case(persona, reverse("recruitment:step", args=[case.pk, number]),
                lambda: {stored_field: Step.objects.filter(case=case, number=number).latest("pk").done_on},
                fill=list(fill), shown={stored_field: TODAY})


def branch_review_step_form(world):
    from recruitment.models import Case as RecruitmentCase
    from recruitment.models import Step

    case = _case(world, 11, 24)
    leaving = TODAY + timedelta(days=200)
    return Case("secretary", reverse("recruitment:step", args=[case.pk, 12]),
                lambda: {"done_on": Step.objects.filter(case=case, number=12).latest("pk").done_on,
                         "leaving_on": RecruitmentCase.objects.get(pk=case.pk).leaving_on},
                fill=[("text", "leaving_on", leaving.isoformat())], shown={"done_on": TODAY})


def case_form(world):
    from recruitment.models import Case as RecruitmentCase

    return Case("secretary", reverse("recruitment:create"),
                lambda: {"applied": RecruitmentCase.objects.latest("pk").applied},
                fill=[("text", "name", "周敏"), ("text", "id_number", _id_number(40))], shown={"applied": TODAY})


def step_form(world):
    return _step_case(world, 2, 21, "secretary")


def people_step_form(world):
    return _step_case(world, 5, 22, "secretary", fill=[("check", "people", str(world.members["a1_member"].pk))])


def training_step_form(world):
    return _step_case(world, 11, 23, "secretary", fill=[("text", "training_days", "3")])


def placement_step_form(world):
    return _step_case(world, 19, 24, "secretary")


def review_form(world):
    from recruitment.models import Review

    case = _case(world, 9, 25)
    return Case("secretary", reverse("recruitment:step", args=[case.pk, 10]),
                lambda: {"concluded_on": Review.objects.get(case=case).concluded_on},
                fill=[("check", "methods", "同本人谈话"), ("text", "findings", "表现良好"), ("check", "conclusion", "passed")],
                shown={"concluded_on": TODAY})


def prereview_form(world):
    from recruitment.models import PreReview

    case = _case(world, 12, 26)

    def stored():
        review = PreReview.objects.get(case=case)
        return {"received_on": review.received_on, "reviewed_on": review.reviewed_on}
    return Case("a_admin", reverse("recruitment:step", args=[case.pk, 13]), stored,
                fill=[("check", "result", "passed"), ("text", "opinion", "同意")], shown={"reviewed_on": TODAY})


def vote_form(world):
    from recruitment.models import Vote

    case = _case(world, 14, 27)
    # entitled comes filled in: the branch's nine full members (recruitment.tests.helpers.grow_branches)
    counts = {"present": "7", "ballots_issued": "7", "ballots_returned": "7", "yes": "7", "no": "0", "abstain": "0"}
    return Case("secretary", reverse("recruitment:step", args=[case.pk, 15]),
                lambda: {"held_on": Vote.objects.get(case=case).held_on},
                fill=[("text", name, value) for name, value in counts.items()] + [("check", "result", "passed")],
                shown={"held_on": TODAY})


def notice_form(world):
    from recruitment.models import Notice

    case = _case(world, 2, 28)

    def stored():
        notice = Notice.objects.filter(case=case).latest("pk")
        return {"starts_on": notice.starts_on, "ends_on": notice.ends_on}
    return Case("secretary", reverse("recruitment:notice_create", args=[case.pk]), stored,
                fill=[("select", "kind", "3"), ("text", "ends_on", (TODAY + timedelta(days=14)).isoformat())],
                shown={"starts_on": TODAY})


def _notice(world, seq):
    from recruitment.models import Notice
    from recruitment.tests.helpers import notice

    notice(world, _case(world, 2, seq), 3, TODAY - timedelta(days=2))
    return Notice.objects.latest("pk")


def objection_form(world):
    from recruitment.models import Objection

    notice = _notice(world, 29)
    return Case("secretary", reverse("recruitment:objection_create", args=[notice.pk]),
                lambda: {"received_on": Objection.objects.get(notice=notice).received_on},
                fill=[("text", "text", "反映情况")], shown={"received_on": TODAY})


def resolve_form(world):
    from recruitment import services
    from recruitment.models import Objection

    notice = _notice(world, 30)
    objection = services.objection_add(actor=world.users["secretary"], notice=notice, received_on=TODAY,
                                       text="反映情况")
    return Case("secretary", reverse("recruitment:objection_resolve", args=[objection.pk]),
                lambda: {"resolved_on": Objection.objects.get(pk=objection.pk).resolved_on},
                fill=[("text", "resolution", "经核查不属实")], shown={"resolved_on": TODAY})


def extend_form(world):
    from core.models import AuditEntry
    from members.models import MemberEvent
    from recruitment.tests.helpers import START

    case = _case(world, 21, 31, applied=START)  # extended when the probation has ended

    def stored():
        assembly = AuditEntry.objects.filter(action="recruitment.extend").latest("seq").changes["assembly_on"]
        return {"decided_on": MemberEvent.objects.filter(kind="recruitment").latest("pk").occurred,
                "assembly_on": date.fromisoformat(assembly)}

    # The assembly's day (on the timeline's line and in the audit) typed: the form proposes none.
    return Case("a_admin", reverse("recruitment:extend", args=[case.pk]), stored,
                fill=[("text", "assembly_on", TODAY.isoformat())], shown={"decided_on": TODAY})


def end_form(world):
    from recruitment.models import Case as RecruitmentCase

    case = _case(world, 3, 32)
    return Case("secretary", reverse("recruitment:close", args=[case.pk]),
                lambda: {"day": RecruitmentCase.objects.get(pk=case.pk).closed},
                fill=[("text", "reason", "本人申请撤回"), ("check", "confirm", "on")], shown={"day": TODAY})


def dues_payment_form(world):
    from dues import rules as dues_rules
    from dues.models import DuesPayment
    from dues.tests.test_services import confirmed, opened

    member = world.members["a1_member"]
    confirmed(world, "a1_member")
    opened(world, "a1_member")  # paid up to last month: the form proposes this month
    return Case("secretary", reverse("dues:pay", args=[member.pk]),
                lambda: {"month": dues_rules.month_date(DuesPayment.objects.get(member=member).first_month)})


def dues_open_form(world):
    from dues import rules as dues_rules
    from dues.models import DuesStanding

    member = world.members["a1_member"]
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    return Case("secretary", reverse("dues:open", args=[member.pk]),
                lambda: {"month": dues_rules.month_date(DuesStanding.objects.get(member=member).paid_up_to)},
                fill=[("text", "month", last_month.strftime("%Y-%m"))])


def exam_form(world):
    from exams.models import Exam
    from exams.tests.test_exams import bank

    bank(world, n=3)
    return Case("a_admin", reverse("exams:exam_create"),
                lambda: {"opens": Exam.objects.latest("pk").opens, "closes": Exam.objects.latest("pk").closes},
                fill=[("text", "title", "党章测试"), ("text", "questions", "2")])


def group_study_form(world):
    from training.models import GroupStudy

    return Case("secretary", reverse("training:group_study_create"),
                lambda: {"held_on": GroupStudy.objects.latest("pk").held_on},
                fill=[("text", "topic", "学习党章"), ("check", "attendees", str(world.members["a1_member"].pk))])


def training_class_form(world):
    from training.models import TrainingClass

    return Case("a_admin", reverse("training:class_create"),
                lambda: {"starts": TrainingClass.objects.latest("pk").starts, "ends": TrainingClass.objects.latest("pk").ends},
                fill=[("text", "title", "党支部书记轮训班")])


def training_session_form(world):
    from training import services
    from training.models import TrainingSession

    klass = services.class_create(actor=world.users["a_admin"], org=world.district_a, title="轮训班", target="all",
                                  cycle_start=TODAY.year, cycle_end=TODAY.year, starts=date(TODAY.year, 1, 1),
                                  ends=date(TODAY.year, 12, 31))
    services.enrol(actor=world.users["a_admin"], klass=klass, members=[world.members["a1_member"]])
    return Case("a_admin", reverse("training:session_create", args=[klass.pk]),
                lambda: {"held_on": TrainingSession.objects.latest("pk").held_on},
                fill=[("text", "topic", "党章"), ("check", "present", str(world.members["a1_member"].pk))])


def pledge_record_form(world):
    from pledges import services
    from pledges.models import PledgeRecord

    pledge = services.pledge_create(actor=world.users["member"], text="每月走访联系户两户")
    services.pledge_review(actor=world.users["a_admin"], pledge=pledge, approve=True)
    return Case("member", reverse("pledges:record_add", args=[pledge.pk]),
                lambda: {"day": PledgeRecord.objects.latest("pk").day}, fill=[("text", "text", "走访了两户联系户")])


def duty_post_form(world):
    from pledges.models import DutyPost

    return Case("a_admin", reverse("pledges:post_create") + f"?org={world.branch_a1.pk}",
                lambda: {"started_on": DutyPost.objects.latest("pk").started_on},
                fill=[("text", "name", "3号楼责任区"), ("text", "duties", "联系3号楼住户"),
                      ("select", "holder", str(world.members["a1_member"].pk))])


def community_service_form(world):
    from community import services
    from community.models import ServiceRecord
    from community.tests.test_checkin import make_places

    places = make_places(world)
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=True)
    return Case("a_admin", reverse("community:record_add", args=[checkin.pk]),
                lambda: {"day": ServiceRecord.objects.latest("pk").day},
                fill=[("text", "hours", "2"), ("text", "content", "陪同老人就医")])


def oversight_team_form(world):
    from oversight.models import SupervisionTeam

    return Case("a_admin", reverse("oversight:team_new") + f"?org={world.district_a.code}",
                lambda: {"formed_on": SupervisionTeam.objects.latest("pk").formed_on},
                fill=[("text", "name", "第一督导组"), ("text", "leader", "刘明"), ("text", "targets", "HP01B01")])


def oversight_inspection_form(world):
    from oversight.models import Inspection

    return Case("a_admin", reverse("oversight:inspection_new") + f"?org={world.district_a.code}",
                lambda: {"started_on": Inspection.objects.latest("pk").started_on},
                fill=[("text", "title", "基层党建综合巡查"), ("select", "half", "1" if TODAY.month <= 6 else "2"),
                      ("text", "targets", "HP01B01")])


def oversight_item_form(world):
    from oversight.models import RectificationItem
    from oversight.tests.test_oversight import start_inspection

    inspection = start_inspection(world)

    def stored():
        item = RectificationItem.objects.latest("pk")
        return {"deadline": item.deadline, "found_on": item.found_on}
    return Case("a_admin", reverse("oversight:item_new", args=[inspection.pk]), stored,
                fill=[("select", "org", str(world.branch_a1.pk)), ("text", "problem", "三会一课记录不全"),
                      ("text", "owner", "李建国"), ("text", "deadline", (TODAY + timedelta(days=30)).isoformat()),
                      ("text", "evidence_required", "会议记录照片")])


def oversight_return_form(world):
    from oversight import services
    from oversight.models import RectificationItem
    from oversight.tests.test_oversight import make_setup

    item = make_setup(world)["item"]
    services.evidence_submit(actor=world.users["secretary"], item=item, text="已补开支委会")
    return Case("a_admin", reverse("oversight:evidence_return", args=[item.pk]),
                lambda: {"deadline": RectificationItem.objects.get(pk=item.pk).deadline},
                fill=[("text", "comment", "没有签到页"), ("text", "deadline", (TODAY + timedelta(days=60)).isoformat())])


def oversight_visit_form(world):
    from oversight.models import Visit
    from oversight.tests.test_oversight import checks_for, make_plan, make_team

    make_plan(world)
    team = make_team(world)
    return Case("a_admin", reverse("oversight:visit_new", args=[team.pk]) + f"?org={world.branch_a1.pk}",
                lambda: {"day": Visit.objects.latest("pk").day},
                fill=[("check", f"met_{pk}", "yes") for pk in checks_for(world.branch_a1)])


def _lagging_case(world, *, tasks: int = 0, done: bool = False):
    from lagging import services

    case = services.case_open(actor=world.users["a_admin"], org=world.branch_a1)
    if tasks:
        services.plan_save(actor=world.users["a_admin"], case=case, responsible="李建国", contact="王区长",
                           measures="配齐班子", deadline=TODAY + timedelta(days=90))
    for number in range(tasks):
        task = services.task_add(actor=world.users["a_admin"], case=case, text=f"任务{number}", responsible="李建国",
                                 due=TODAY + timedelta(days=30))
        if done:
            services.task_done(actor=world.users["secretary"], task=task, note="完成")
    return case


def lagging_open_form(world):
    from lagging.models import LaggingCase

    return Case("a_admin", reverse("lagging:case_open", args=[world.branch_a2.pk]),
                lambda: {"found_on": LaggingCase.objects.latest("pk").found_on})


def lagging_plan_form(world):
    from lagging.models import LaggingPlan

    case = _lagging_case(world)
    return Case("a_admin", reverse("lagging:plan", args=[case.pk]),
                lambda: {"deadline": LaggingPlan.objects.get(case=case).deadline},
                fill=[("text", "responsible", "李建国"), ("text", "contact", "王区长"), ("text", "measures", "配齐班子"),
                      ("text", "deadline", (TODAY + timedelta(days=60)).isoformat())])


def lagging_task_form(world):
    from lagging.models import LaggingTask

    case = _lagging_case(world, tasks=1)
    return Case("a_admin", reverse("lagging:task_new", args=[case.pk]),
                lambda: {"due": LaggingTask.objects.latest("pk").due},
                fill=[("text", "text", "规范主题党日"), ("text", "responsible", "张秀英"),
                      ("text", "due", (TODAY + timedelta(days=20)).isoformat())])


def lagging_task_done_form(world):
    from lagging.models import LaggingTask

    case = _lagging_case(world, tasks=1)
    task = LaggingTask.objects.get(plan__case=case)
    return Case("secretary", reverse("lagging:task_done", args=[task.pk]),
                lambda: {"done_on": LaggingTask.objects.get(pk=task.pk).done_on},
                fill=[("text", "note", "已补选书记")])


def lagging_close_form(world):
    from lagging.models import LaggingCase

    case = _lagging_case(world, tasks=1, done=True)
    return Case("a_admin", reverse("lagging:close", args=[case.pk]),
                lambda: {"closed_on": LaggingCase.objects.get(pk=case.pk).closed_on},
                fill=[("select", "grade_after", "good"), ("text", "text", "验收合格")])


def report_round_form(world):
    from reviews.models import ReportRound

    return Case("a_admin", reverse("reviews:round_new") + f"?org={world.district_a.code}",
                lambda: {"meeting_day": ReportRound.objects.latest("pk").meeting_day},
                fill=[("text", "meeting_day", TODAY.isoformat())])


def report_feedback_form(world):
    from reviews.models import FollowUp, ReportSubject
    from reviews.tests.test_reviews import records

    subject = ReportSubject.objects.get(pk=records(world)["report_subject"])
    return Case("city_admin", reverse("reviews:subject_feedback", args=[subject.pk]),
                lambda: {"due_1": FollowUp.objects.latest("pk").due},
                fill=[("text", "followup_1", "建立问题清单"), ("text", "due_1", (TODAY + timedelta(days=30)).isoformat())])


def report_followup_done_form(world):
    from reviews.models import FollowUp
    from reviews.tests.test_reviews import records

    followup = records(world)["report_followup"]
    return Case("a_admin", reverse("reviews:followup_done", args=[followup]),
                lambda: {"done_on": FollowUp.objects.get(pk=followup).done_on}, fill=[("text", "note", "已规范")])


def soe_task_form(world):
    from soe.models import SoeTask
    from soe.tests.test_soe import divide, make_committees

    task = divide(world, make_committees(world))
    return Case("a_admin", reverse("soe:task_edit", args=[task.pk]),
                lambda: {"due_on": SoeTask.objects.get(pk=task.pk).due_on}, shown={"due_on": task.due_on})


DATE_FORM_CASES = {
    "TaskForm": soe_task_form,
    "ReportRoundForm": report_round_form, "ReportFeedbackForm": report_feedback_form,
    "ReportFollowUpDoneForm": report_followup_done_form,
    "OrgForm": org_form, "OrgMoveForm": org_move_form, "TermForm": term_form,
    "MemberForm": member_form, "PositionHeldForm": position_form, "RewardPunishmentForm": reward_form,
    "TravelAbroadForm": travel_form, "HardshipForm": hardship_form, "ObservationForm": observation_form,
    "CareVisitForm": care_visit_form, "CareVisitEditForm": care_visit_edit_form,
    "MeetingForm": meeting_form, "ScheduleForm": schedule_form,
    "ArticleForm": article_form, "CalendarDayForm": calendar_day_form,
    "LetterIssueForm": letter_issue_form, "LetterReceiveExternalForm": letter_receive_external_form,
    "CertificateForm": certificate_form, "CertificateRenewForm": certificate_renew_form,
    "CertificateCloseForm": certificate_close_form,
    "CaseForm": case_form, "StepForm": step_form, "PeopleStepForm": people_step_form,
    "TrainingStepForm": training_step_form, "PlacementStepForm": placement_step_form,
    "BranchReviewStepForm": branch_review_step_form,
    "ReviewForm": review_form, "PreReviewForm": prereview_form, "VoteForm": vote_form,
    "NoticeForm": notice_form, "ObjectionForm": objection_form, "ResolveForm": resolve_form,
    "ExtendForm": extend_form, "EndForm": end_form,
    "PaymentForm": dues_payment_form, "OpenForm": dues_open_form, "ExamForm": exam_form,
    "GroupStudyForm": group_study_form, "ClassForm": training_class_form, "SessionForm": training_session_form,
    "PledgeRecordForm": pledge_record_form, "DutyPostForm": duty_post_form,
    "ServiceRecordForm": community_service_form,
    "TeamForm": oversight_team_form, "InspectionForm": oversight_inspection_form, "ItemForm": oversight_item_form,
    "ReturnForm": oversight_return_form, "VisitForm": oversight_visit_form,
    "LaggingOpenForm": lagging_open_form, "LaggingPlanForm": lagging_plan_form, "LaggingTaskForm": lagging_task_form,
    "LaggingTaskDoneForm": lagging_task_done_form, "LaggingCloseForm": lagging_close_form,
}


def _fill(page, form, action, name, value):
    if action == "text":
        form.locator(f"[name={name}]").fill(value)
    elif action == "select":
        form.locator(f"select[name={name}]").select_option(value)
    else:
        boxes = form.locator(f"input[name={name}]")
        (boxes if boxes.count() == 1 else form.locator(f"input[name={name}][value='{value}']")).check()


@pytest.mark.parametrize("form_name", sorted(DATE_FORM_CASES))
def test_a_form_saved_as_it_opens_keeps_its_dates(live_server, browser_world, browser, form_name):
    case = DATE_FORM_CASES[form_name](browser_world)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    login(page, base, case.persona)
    page.goto(base + case.url)
    form = page.locator("main form[method=post]").filter(has=page.locator("input[type=date], input[type=month]"))
    dates = "els => Object.fromEntries(els.map(e => [e.name, e.value]))"
    opened = form.locator("input[type=date], input[type=month]").evaluate_all(dates)
    assert opened, "no date input on the page"
    for name, value in case.shown.items():
        assert opened[name] == _iso(value), f"{name} shows {opened[name]!r}, stored {value}"
    for action, name, value in case.fill:
        _fill(page, form, action, name, value)
    shown = form.locator("input[type=date], input[type=month]").evaluate_all(dates)
    kinds = form.locator("input[type=date], input[type=month]").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.name, e.type]))")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    refused = page.url.endswith(case.url) and page.locator(".msg-error").all_inner_texts()
    assert page.locator(".errorlist").all_inner_texts() == [] and not refused, refused
    stored = case.stored()
    for name, value in shown.items():
        if value:
            assert _iso(stored[name], kinds[name]) == value, f"{name}: page {value}, stored {stored[name]}"
    context.close()
