"""Group study and tiered training (issue 16.4–5): who may be recorded, the hours credited to
those present (in the member's class hours), the undo of a record made in error, a class's
enrolment, sessions and completion at 80 % of its hours, rotation coverage per district with the
list still to train, the counts of a subtree from the summary rows (equal to a recount), and 404
for every page and API operation out of scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from dangjian.testing import api_client
from learning import selectors as learning_selectors
from training import selectors, services
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    Target,
    TrainingAttendance,
    TrainingClass,
    TrainingOrgMonth,
    TrainingSession,
)

TODAY = timezone.localdate()
YEAR = TODAY.year
# A day of this year in the past (or today on 1 January), so that the hours fall in this year.
DAY = max(date(YEAR, 1, 1), TODAY - timedelta(days=3))

# What orgs/tests/test_scope.py's meta-test accepts as covered: each one's 404 is tested here.
PAGES = {"training:home", "training:group_studies", "training:group_study_create", "training:group_study",
         "training:group_study_delete", "training:classes", "training:class_create", "training:class",
         "training:enrol", "training:session_create", "training:close", "training:rotation", "training:certificate"}
API = {"api:training_group_study_list", "api:training_group_study_create", "api:training_group_study_detail",
       "api:training_group_study_delete", "api:training_class_list", "api:training_class_create",
       "api:training_class_detail", "api:training_enrol", "api:training_session_create", "api:training_class_close",
       "api:training_counts", "api:training_rotation"}
SCOPE_TESTED = PAGES | API


def refused(call, field=None):
    with pytest.raises(ValidationError) as info:
        call()
    if field:
        assert field in info.value.message_dict, info.value
    return info.value


def study(world, actor="secretary", org=None, attendees=None, **kw):
    org = org or world.branch_a1
    attendees = attendees if attendees is not None else [world.members["a1_member"], world.members["a1_secretary"]]
    data = {"kind": "branch", "held_on": DAY, "topic": "学习党的二十届三中全会精神", "hours": Decimal("2"), **kw}
    return services.group_study_record(actor=world.users[actor], org=org, attendees=attendees, **data)


def klass(world, org=None, target=Target.SECRETARIES, **kw):
    org = org or world.district_a
    data = {"title": "全区党支部书记轮训班", "target": target, "cycle_start": YEAR, "cycle_end": YEAR,
            "starts": date(YEAR, 1, 1), "ends": date(YEAR, 12, 31), **kw}
    actor = world.users["city_admin" if org == world.city else "a_admin"]
    return services.class_create(actor=actor, org=org, **data)


def counted_equal_recount():
    assert not any(summaries.check(["training.org_month"])), "the summary rows differ from a recount"


# --- group study -------------------------------------------------------------------------------

def test_group_study_credits_its_hours_to_those_present(world):
    study(world, hours=Decimal("2.5"))
    hours = learning_selectors.member_hours(world.members["a1_member"], YEAR)
    assert hours.group == Decimal("2.5") and hours.total == Decimal("2.5")
    assert learning_selectors.member_hours(world.members["a2_member"], YEAR).group == 0
    assert selectors.counts(world.city, date(YEAR, 1, 1), date(YEAR, 12, 31))["group_attendances"] == 2
    counted_equal_recount()


def test_a_committee_s_centre_group_records_its_team_from_the_branches(world, secretaries):
    """中心组: the district committee's study records the members on its team (none are its own members)."""
    from orgs.models import LeadershipMember, LeadershipTerm, Post

    term = LeadershipTerm.objects.create(org=world.district_a, started=date(2024, 1, 1), ends=date(2029, 1, 1))
    LeadershipMember.objects.create(term=term, post=Post.DEPUTY, name="李建国", member=world.members["a1_secretary"])
    made = study(world, actor="a_admin", org=world.district_a, kind="center", attendees=[world.members["a1_secretary"]])
    assert made.attendances.get().org == world.branch_a1  # counted where the member belongs
    refused(lambda: study(world, actor="a_admin", org=world.district_a, attendees=[world.members["a2_member"]]),
            "attendees")


@pytest.mark.parametrize("change, field", [
    ({"attendees": "other"}, "attendees"),
    ({"attendees": []}, "attendees"),
    ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
    ({"held_on": TODAY - timedelta(days=400)}, "held_on"),
    ({"hours": Decimal("8.5")}, "hours"),
    ({"hours": Decimal("0.2")}, "hours"),
    ({"topic": "  "}, "topic"),
    ({"kind": "party"}, "kind"),
])
def test_group_study_rules_refuse_and_write_nothing(world, change, field):
    if change.get("attendees") == "other":
        change = {"attendees": [world.members["a1_member"], world.members["a2_member"]]}  # A2 is another branch
    refused(lambda: study(world, **change), field)
    assert not GroupStudy.objects.exists() and not GroupStudyAttendance.objects.exists()
    assert not TrainingOrgMonth.objects.exists()


def test_group_study_out_of_scope_is_not_found(world):
    with pytest.raises(NotFound):
        study(world, actor="b_admin")
    with pytest.raises(NotFound):
        study(world, actor="member")


def test_deleting_a_group_study_takes_its_hours_and_counts_back(world):
    made = study(world)
    services.group_study_delete(actor=world.users["secretary"], study=made)
    assert learning_selectors.member_hours(world.members["a1_member"], YEAR).group == 0
    assert selectors.counts(world.city, date(YEAR, 1, 1), date(YEAR, 12, 31)) == dict.fromkeys(
        ("group_studies", "group_attendances", "enrolments", "completions", "session_attendances"), 0)
    counted_equal_recount()


# --- training classes ---------------------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"ends": date(YEAR - 1, 12, 1)}, "ends"),
    ({"starts": date(YEAR - 1, 6, 1), "ends": date(YEAR, 1, 5)}, "starts"),
    ({"cycle_end": YEAR - 1}, "cycle_end"),
    ({"cycle_end": YEAR + 5}, "cycle_end"),
    ({"target": "everyone"}, "target"),
    ({"title": ""}, "title"),
])
def test_class_rules_refuse(world, change, field):
    refused(lambda: klass(world, **change), field)
    assert not TrainingClass.objects.exists()


def test_enrolment_is_all_or_nothing_within_the_organiser_s_subtree(world):
    made = klass(world)
    refused(lambda: services.enrol(actor=world.users["a_admin"], klass=made,
                                   members=[world.members["a1_member"], world.members["b1_member"]]), "members")
    assert not Enrolment.objects.exists()
    services.enrol(actor=world.users["a_admin"], klass=made, members=[world.members["a1_member"]])
    error = refused(lambda: services.enrol(actor=world.users["a_admin"], klass=made,
                                           members=[world.members["a1_member"], world.members["a2_member"]]), "members")
    assert "张秀英" in str(error) and Enrolment.objects.count() == 1
    with pytest.raises(NotFound):
        services.enrol(actor=world.users["b_admin"], klass=made, members=[world.members["b1_member"]])


def test_sessions_take_only_enrolled_members_within_the_class_dates(world):
    made = klass(world, ends=max(DAY, date(YEAR, 1, 1)))
    services.enrol(actor=world.users["a_admin"], klass=made, members=[world.members["a1_member"]])
    record = lambda **kw: services.session_record(  # noqa: E731
        actor=world.users["a_admin"], klass=made, **{"held_on": DAY, "topic": "党章", "hours": 3,
                                                     "present": [world.members["a1_member"]], **kw})
    refused(lambda: record(present=[world.members["a2_member"]]), "present")
    refused(lambda: record(present=[]), "present")
    refused(lambda: record(held_on=DAY + timedelta(days=1)), "held_on")
    refused(lambda: record(hours=9), "hours")
    assert not TrainingSession.objects.exists() and not TrainingAttendance.objects.exists()
    record()
    assert learning_selectors.member_hours(world.members["a1_member"], YEAR).training == 3
    counted_equal_recount()


def test_completion_needs_80_percent_of_the_class_hours(world):
    made = klass(world, target=Target.ALL)
    a, b, c = world.members["a1_member"], world.members["a1_secretary"], world.members["a2_member"]
    services.enrol(actor=world.users["a_admin"], klass=made, members=[a, b, c])
    refused(lambda: services.class_close(actor=world.users["a_admin"], klass=made))  # no session yet
    services.session_record(actor=world.users["a_admin"], klass=made, held_on=DAY, topic="一", hours=4, present=[a, b])
    services.session_record(actor=world.users["a_admin"], klass=made, held_on=DAY, topic="二", hours=1, present=[a, c])
    assert services.class_close(actor=world.users["a_admin"], klass=made) == (2, 1)  # 5h, 4h = 80 %, 1h
    done = {e.member_id: e for e in Enrolment.objects.all()}
    assert done[a.pk].completed and done[b.pk].completed and not done[c.pk].completed
    assert done[a.pk].certificate_no != done[b.pk].certificate_no and not done[c.pk].certificate_no
    refused(lambda: services.class_close(actor=world.users["a_admin"], klass=made))  # once
    refused(lambda: services.enrol(actor=world.users["a_admin"], klass=made, members=[world.members["a1_member"]]))
    counted_equal_recount()
    assert selectors.counts(world.district_a, date(YEAR, 1, 1), date(YEAR, 12, 31))["completions"] == 2


def test_a_completed_member_prints_a_certificate_and_no_one_else_sees_it(world):
    made = klass(world, target=Target.ALL)
    a, c = world.members["a1_member"], world.members["a2_member"]
    services.enrol(actor=world.users["a_admin"], klass=made, members=[a, c])
    services.session_record(actor=world.users["a_admin"], klass=made, held_on=DAY, topic="一", hours=4, present=[a])
    services.class_close(actor=world.users["a_admin"], klass=made)
    done, not_done = Enrolment.objects.get(member=a), Enrolment.objects.get(member=c)
    url = reverse("training:certificate", args=[done.pk])
    page = world.client("member").get(url).content.decode()
    assert "张秀英" in page and done.certificate_no in page and '<span id="hours">4.0</span> 学时，经考核准予结业' in page and "data-print" in page
    assert done.certificate_no in world.client("member").get(reverse("training:home")).content.decode()
    assert world.client("a_admin").get(url).status_code == 200  # the organiser's managers
    assert world.client("b_admin").get(url).status_code == 404  # another district
    assert world.client("secretary").get(url).status_code == 404  # neither theirs nor their class
    # Not completed: no certificate, for anyone.
    assert world.client("a_admin").get(reverse("training:certificate", args=[not_done.pk])).status_code == 404


# --- rotation coverage --------------------------------------------------------------------------

def trained(world, members, org=None, cycle=(YEAR, YEAR)):
    made = klass(world, org=org or world.city, cycle_start=cycle[0], cycle_end=cycle[1],
                 starts=date(cycle[0], 1, 1), ends=date(cycle[1], 12, 31))
    actor = world.users["city_admin"]
    services.enrol(actor=actor, klass=made, members=members)
    services.session_record(actor=actor, klass=made, held_on=DAY, topic="一", hours=4, present=members)
    services.class_close(actor=actor, klass=made)
    return made


def test_rotation_coverage_per_district_and_the_list_still_to_train(world, secretaries):
    trained(world, [world.members["a1_secretary"]])
    total, rows, names, untrained = selectors.rotation(world.city, [world.district_a, world.district_b],
                                                       Target.SECRETARIES, YEAR, YEAR)
    assert (total.people, total.trained, untrained) == (3, 1, 2)
    assert [(r.org, r.people, r.trained) for r in rows] == [(world.district_a, 2, 1), (world.district_b, 1, 0)]
    assert {m.name for m in names} == {"王芳", "赵志强"}
    # Another cycle: nobody trained yet; another target: the secretaries' class does not count.
    assert selectors.rotation(world.city, [], Target.SECRETARIES, YEAR + 1, YEAR + 1)[0].trained == 0
    assert selectors.rotation(world.city, [], Target.CADRES, YEAR, YEAR)[0].trained == 0


def test_rotation_counts_a_class_that_did_not_complete_as_untrained(world, secretaries):
    made = klass(world)
    services.enrol(actor=world.users["a_admin"], klass=made, members=[world.members["a1_secretary"]])
    assert selectors.rotation(world.district_a, [], Target.SECRETARIES, YEAR, YEAR)[0].trained == 0


# --- pages and API ------------------------------------------------------------------------------

def test_pages_show_the_records_and_counts(world, secretaries):
    made = study(world)
    trained(world, [world.members["a1_secretary"]])
    client = world.client("a_admin")
    home = client.get(reverse("training:home")).content.decode()
    assert "朝阳里社区第一党支部" not in home or "学习党的二十届三中全会精神" in home
    page = client.get(reverse("training:group_study", args=[made.pk])).content.decode()
    assert "张秀英" in page and "李建国" in page
    rotation = client.get(reverse("training:rotation"), {"org": "HP"}).content.decode()
    assert "王芳" in rotation and "李建国" not in rotation.split('id="to-train"')[1]
    member = world.client("member").get(reverse("training:home")).content.decode()
    assert "学习党的二十届三中全会精神" in member


def test_group_study_form_records_and_refuses_with_a_message(world):
    client = world.client("secretary")
    url = reverse("training:group_study_create")
    page = client.get(url).content.decode()
    assert "张秀英" in page and "王芳" not in page  # the branch's own members only
    data = {"kind": "branch", "held_on": DAY.isoformat(), "topic": "学习党章", "hours": "9",
            "attendees": [world.members["a1_member"].pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and not GroupStudy.objects.exists()
    response = client.post(url, {**data, "hours": "2"})
    assert response.status_code == 302 and GroupStudy.objects.get().attendances.count() == 1


def test_class_flow_on_pages(world, secretaries):
    client = world.client("a_admin")
    response = client.post(reverse("training:class_create") + "?org=HP", {
        "title": "书记轮训班", "target": "secretaries", "cycle_start": YEAR, "cycle_end": YEAR,
        "starts": date(YEAR, 1, 1).isoformat(), "ends": date(YEAR, 12, 31).isoformat()})
    made = TrainingClass.objects.get()
    assert response.status_code == 302 and made.org == world.district_a
    enrol_page = client.get(reverse("training:enrol", args=[made.pk])).content.decode()
    assert "李建国" in enrol_page and "王芳" in enrol_page and "赵志强" not in enrol_page  # district B's
    client.post(reverse("training:enrol", args=[made.pk]), {"members": [world.members["a1_secretary"].pk]})
    client.post(reverse("training:session_create", args=[made.pk]), {
        "held_on": DAY.isoformat(), "topic": "党支部工作条例", "hours": "3", "present": [world.members["a1_secretary"].pk]})
    response = client.post(reverse("training:close", args=[made.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get().completed
    assert "已结业" in client.get(made.get_absolute_url()).content.decode()


def test_api_records_and_reads(world, secretaries):
    client = api_client("a_admin")
    response = client.post("/api/v1/training/group-studies", {
        "org_id": world.branch_a1.pk, "kind": "branch", "held_on": DAY.isoformat(), "topic": "学习",
        "hours": "2", "attendee_ids": [world.members["a2_member"].pk]}, content_type="application/json")
    assert response.status_code == 422 and "本组织" in str(response.json())
    response = client.post("/api/v1/training/group-studies", {
        "org_id": world.branch_a1.pk, "kind": "branch", "held_on": DAY.isoformat(), "topic": "学习",
        "hours": "2", "attendee_ids": [world.members["a1_member"].pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["attendees"] == 1
    counts = client.get("/api/v1/training/counts", {"org": "HP"}).json()
    assert counts[0]["group_attendances"] == 1
    made = klass(world)
    response = client.post(f"/api/v1/training/classes/{made.pk}/enrolments",
                           {"member_ids": [world.members["a1_secretary"].pk]}, content_type="application/json")
    assert response.status_code == 201 and response.json()["enrolments"][0]["name"] == "李建国"
    rotation = client.get("/api/v1/training/rotation", {"org": "HP"}).json()
    assert rotation["total"]["people"] == 2 and rotation["untrained"] == 2


def test_out_of_scope_pages_and_api_are_not_found(world, secretaries):
    made_study = study(world)
    made = klass(world)
    services.enrol(actor=world.users["a_admin"], klass=made, members=[world.members["a1_member"]])
    other = world.client("b_admin")
    for name, args in [("training:group_study", [made_study.pk]), ("training:group_study_delete", [made_study.pk]),
                       ("training:class", [made.pk]), ("training:enrol", [made.pk]),
                       ("training:session_create", [made.pk]), ("training:close", [made.pk])]:
        assert other.get(reverse(name, args=args)).status_code == 404, name
    assert other.post(reverse("training:close", args=[made.pk])).status_code == 404
    assert other.get(reverse("training:rotation"), {"org": "HP"}).status_code == 404
    assert other.get(reverse("training:group_study_create") + "?org=HP01B01").status_code == 404
    assert other.get(reverse("training:class_create") + "?org=HP").status_code == 404
    # The lists show nothing of district A.
    assert "学习党的二十届三中全会精神" not in other.get(reverse("training:group_studies")).content.decode()
    assert "全区党支部书记轮训班" not in other.get(reverse("training:classes")).content.decode()
    # A member who is no manager: home is theirs, the lists and rotation are not.
    outsider = world.client("outsider")
    for name in ("training:home", "training:group_studies", "training:classes", "training:rotation",
                 "training:group_study_create", "training:class_create"):
        assert outsider.get(reverse(name)).status_code == 404, name
    # A member enrolled sees the class on their home page, not the class's page (its roll).
    member = world.client("member")
    assert "全区党支部书记轮训班" in member.get(reverse("training:home")).content.decode()
    assert member.get(reverse("training:class", args=[made.pk])).status_code == 404
    assert member.get(reverse("training:enrol", args=[made.pk])).status_code == 404
    api = api_client("b_admin")
    for method, url in [("get", f"/api/v1/training/group-studies/{made_study.pk}"),
                        ("delete", f"/api/v1/training/group-studies/{made_study.pk}"),
                        ("get", f"/api/v1/training/classes/{made.pk}"),
                        ("post", f"/api/v1/training/classes/{made.pk}/close"),
                        ("get", "/api/v1/training/rotation?org=HP"),
                        ("get", "/api/v1/training/counts?org=HP")]:
        assert getattr(api, method)(url).status_code == 404, url
    for url, body in [(f"/api/v1/training/classes/{made.pk}/enrolments", {"member_ids": [world.members["a1_member"].pk]}),
                      (f"/api/v1/training/classes/{made.pk}/sessions",
                       {"held_on": DAY.isoformat(), "topic": "一", "hours": "2", "present_ids": [world.members["a1_member"].pk]}),
                      ("/api/v1/training/group-studies", {"org_id": world.branch_a1.pk, "kind": "branch", "held_on": DAY.isoformat(),
                                                          "topic": "学习", "hours": "2", "attendee_ids": [world.members["a1_member"].pk]}),
                      ("/api/v1/training/classes", {"org_id": world.district_a.pk, "title": "班", "target": "all",
                                                    "cycle_start": YEAR, "cycle_end": YEAR,
                                                    "starts": DAY.isoformat(), "ends": DAY.isoformat()})]:
        assert api.post(url, body, content_type="application/json").status_code == 404, url
    assert api.get("/api/v1/training/group-studies").json()["items"] == []
    assert api.get("/api/v1/training/classes").json()["items"] == []
    assert GroupStudy.objects.count() == 1 and TrainingClass.objects.count() == 1
