"""Scope of the organizational-life pages (reliability.md S1): every URL name answered by the
oracle — "the meeting's org lies in a subtree the persona holds orglife.<action> on, or the persona
is on its attendance list" — in scope 200, out of scope 404; anonymous users go to the login page.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.access import ROLE_PERMISSIONS, Role
from orglife import services
from orglife.models import Meeting, MeetingKind, Topic
from orglife.tests.helpers import record, state
from orglife.tests.test_api import API_URLS
from orglife.tests.test_attachments import png_upload
from orglife.tests.test_copydetect import RENAMED, SOURCE

MEETING_PAGES = {  # url name: the action the persona needs on the meeting's org
    "orglife:detail": "view", "orglife:review": "view", "orglife:qr": "view",
    "orglife:edit": "change", "orglife:attendance": "change", "orglife:attachment_upload": "change",
    "orglife:submit": "change",
}
PAGES_WITHOUT_ID = {  # url name: who may open it (else 404)
    "orglife:list": "anyone", "orglife:calendar": "anyone", "orglife:create": "change",
    "orglife:compliance": "view", "orglife:absence": "view", "orglife:reviews": "review", "orglife:mine": "member",
    "orglife:topics": "member_or_view",
}
OTHER_IDS = {"orglife:attachment_download", "orglife:copy_compare", "orglife:sign_in", "orglife:topic_vote",
             "orglife:topic_schedule"}
SCOPE_TESTED = set(MEETING_PAGES) | set(PAGES_WITHOUT_ID) | OTHER_IDS | API_URLS

PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider", "sysadmin", "auditor"]
GRANTED = {"city_admin": (Role.ORG_ADMIN, "city"), "a_admin": (Role.ORG_ADMIN, "district_a"),
           "b_admin": (Role.ORG_ADMIN, "district_b"), "secretary": (Role.SECRETARY, "branch_a1")}
OWN_MEMBER = {"member": "a1_member", "secretary": "a1_secretary"}


def paths(world, persona, action) -> list[str]:
    if persona not in GRANTED:
        return []
    role, attr = GRANTED[persona]
    return [getattr(world, attr).path] if f"orglife.{action}" in ROLE_PERMISSIONS[role] else []


def covers(world, persona, org, action) -> bool:
    return any(org.path.startswith(p) for p in paths(world, persona, action))


def oracle(world, persona, meeting, action="view") -> bool:
    if covers(world, persona, meeting.org, action):
        return True
    own = OWN_MEMBER.get(persona)
    return action == "view" and own is not None and meeting.attendances.filter(member=world.members[own]).exists()


@pytest.fixture
def meetings(world):
    return {
        "a1": record(world),
        "a2": record(world, actor="a_admin", org=world.branch_a2, attendees=("a2_member",)),
        "b1": record(world, actor="b_admin", org=world.branch_b1, attendees=("b1_member",)),
        "group": record(world, actor="a_admin", org=world.group_a1, kind=MeetingKind.GROUP_MEETING, attendees=()),
    }


def client(world, persona):
    c = Client()
    c.force_login(world.users[persona])
    return c


@pytest.mark.parametrize("persona", PERSONAS)
def test_meeting_pages_answer_by_the_oracle_and_out_of_scope_is_404(world, meetings, persona):
    c = client(world, persona)
    missing = Meeting.objects.order_by("-pk").first().pk + 1000
    violations = []
    for meeting in [*meetings.values(), None]:
        for name, action in MEETING_PAGES.items():
            allowed = meeting is not None and persona not in ("sysadmin", "auditor") and oracle(
                world, persona, meeting, action)
            status = c.get(reverse(name, args=[meeting.pk if meeting else missing])).status_code
            if status != (200 if allowed else 404):
                violations.append((name, persona, meeting and meeting.org.code, status))
    assert violations == []


def _allowed_without_id(world, persona, rule) -> bool:
    if persona in ("sysadmin", "auditor"):
        return False  # 三员分立: no business page at all
    member = persona in OWN_MEMBER
    return {"anyone": True, "member": member, "change": bool(paths(world, persona, "change")),
            "view": bool(paths(world, persona, "view")), "review": bool(paths(world, persona, "review")),
            "member_or_view": member or bool(paths(world, persona, "view"))}[rule]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_without_id_answer_by_role(world, meetings, persona):
    c = client(world, persona)
    for name, rule in PAGES_WITHOUT_ID.items():
        expected = 200 if _allowed_without_id(world, persona, rule) else 404
        assert c.get(reverse(name)).status_code == expected, (name, persona)


def test_anonymous_users_are_sent_to_login(world, meetings):
    meeting = meetings["a1"]
    for name in [*PAGES_WITHOUT_ID]:
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name in MEETING_PAGES:
        assert Client().get(reverse(name, args=[meeting.pk])).status_code == 302, name
    response = Client().get(reverse("orglife:sign_in", args=[meeting.signin_token]))
    assert response.status_code == 302 and "next=/orglife/sign-in/" in response["Location"]


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"])
def test_the_list_and_its_export_hold_exactly_the_oracle_meetings(world, meetings, persona):
    c = client(world, persona)
    expected = {m.pk for m in meetings.values() if oracle(world, persona, m)}
    assert {m.pk for m in c.get(reverse("orglife:list")).context["page"].object_list} == expected
    body = c.get(reverse("orglife:list") + "?export=csv").content.decode("utf-8-sig")
    assert body.count("\n") - 1 == len(expected)
    calendar = c.get(reverse("orglife:calendar"), {"month": f"{meetings['a1'].held_on:%Y-%m}"})
    shown = {m.pk for week in calendar.context["weeks"] for day in week for m in day.meetings}
    assert shown == expected


@pytest.mark.parametrize("persona", ["b_admin", "outsider", "member"])
def test_out_of_scope_posts_are_404_and_write_nothing(world, meetings, persona):
    c = client(world, persona)
    before = state()
    meeting = meetings["a2"]
    for name in ("orglife:edit", "orglife:attendance", "orglife:submit", "orglife:review"):
        response = c.post(reverse(name, args=[meeting.pk]), {"confirm": "on", "decision": "approve",
                                                             "topic": "越权", "comment": "x"})
        assert response.status_code == 404, (name, persona)
    assert state() == before


def test_attachments_answer_with_their_meeting(world, meetings):
    attachment = services.attachment_add(actor=world.users["a_admin"], meeting=meetings["a2"],
                                         upload=png_upload(), title="签到表")
    url = reverse("orglife:attachment_download", args=[attachment.pk])
    for persona in PERSONAS:
        allowed = persona not in ("sysadmin", "auditor") and oracle(world, persona, meetings["a2"])
        assert client(world, persona).get(url).status_code == (200 if allowed else 404), persona
    assert client(world, "a_admin").get(reverse("orglife:attachment_download", args=[attachment.pk + 99])) \
        .status_code == 404


def test_copy_comparisons_answer_only_when_both_records_are_visible(world):
    source = record(world, minutes="".join(SOURCE), held_on=timezone.localdate() - timedelta(days=40))
    services.meeting_submit(actor=world.users["secretary"], meeting=source)
    copy = record(world, actor="b_admin", org=world.branch_b1, minutes="".join(RENAMED), attendees=("b1_member",),
                  host="赵志强", recorder="刘海燕")
    services.meeting_submit(actor=world.users["b_admin"], meeting=copy)
    flag = copy.copy_flags.get()
    url = reverse("orglife:copy_compare", args=[flag.pk])
    expected = {"city_admin": 200, "a_admin": 404, "b_admin": 404, "secretary": 404, "member": 404, "outsider": 404,
                "sysadmin": 404, "auditor": 404}
    assert {p: client(world, p).get(url).status_code for p in PERSONAS} == expected
    body = client(world, "city_admin").get(url).content.decode()
    assert "<mark>" in body and "友谊路社区党支部" in body and "朝阳里社区第一党支部" in body
    # b_admin sees the flag on the record, not the other district's text.
    detail = client(world, "b_admin").get(copy.get_absolute_url()).content.decode()
    assert "不在您的管理范围内" in detail and url not in detail


def test_topics_vote_and_schedule_by_scope(world):
    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="社区治理")
    vote = reverse("orglife:topic_vote", args=[topic.pk])
    schedule = reverse("orglife:topic_schedule", args=[topic.pk])
    for persona in ("b_admin", "outsider", "sysadmin"):
        assert client(world, persona).post(vote).status_code == 404
        assert client(world, persona).get(schedule).status_code == 404
    assert client(world, "member").get(schedule).status_code == 404  # members vote, secretaries schedule
    assert client(world, "member").post(vote).status_code == 302
    assert topic.votes.count() == 1
    assert client(world, "secretary").get(schedule).status_code == 200
    topics = client(world, "b_admin").get(reverse("orglife:topics")).context["page"].object_list
    assert list(topics) == []
    assert [t.pk for t in client(world, "member").get(reverse("orglife:topics")).context["page"].object_list] == [topic.pk]
    assert Topic.objects.count() == 1
