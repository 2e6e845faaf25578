"""Scope of the recruitment pages and API: a case is visible to users covering its branch
(recruitment.view), written by those with recruitment.change, and 404 to everyone else — pages,
API, export and the .docx alike. The public notice board shows names and dates only.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from recruitment.models import Case, Notice, Objection
from recruitment.tests.helpers import APPLICANT, id_number, open_case, state, walk

CASE_PAGES = {"recruitment:detail": (), "recruitment:print": (), "recruitment:docx": (),
              "recruitment:step": (21,), "recruitment:notice_create": (), "recruitment:extend": (),
              "recruitment:cancel": (), "recruitment:close": ()}
NOTICE_PAGES = {"recruitment:objection_create"}
OBJECTION_PAGES = {"recruitment:objection_resolve"}
LIST_PAGES = {"recruitment:list"}  # every logged-in user: their rows only
VIEW_PAGES = {"recruitment:warnings", "recruitment:plans"}  # recruitment.view somewhere, else 404
CHANGE_PAGES = {"recruitment:create", "recruitment:plan_edit"}  # recruitment.change somewhere, else 404
PUBLIC = {"recruitment:public_notices"}
API_CASE_URLS = {"api:case_detail": "get", "api:vote_list": "get", "api:notice_list": "get",
                 "api:step_record": "post", "api:review_record": "post", "api:prereview_record": "post",
                 "api:vote_record": "post", "api:notice_publish": "post"}
API_OTHER_URLS = {"api:case_list", "api:case_create", "api:objection_add", "api:objection_resolve",
                  "api:plan_list", "api:plan_save"}
SCOPE_TESTED = (set(CASE_PAGES) | NOTICE_PAGES | OBJECTION_PAGES | LIST_PAGES | VIEW_PAGES | CHANGE_PAGES
                | set(API_CASE_URLS) | API_OTHER_URLS)

PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"]
# Written out so the oracle does not ask the code under test.
GRANTED = {"city_admin": "city", "a_admin": "district_a", "b_admin": "district_b", "secretary": "branch_a1"}


def covers(world, persona, org) -> bool:
    return persona in GRANTED and org.path.startswith(getattr(world, GRANTED[persona]).path)


@pytest.fixture
def cases(world):
    a = open_case(world)
    walk(world, a, 20)
    b = open_case(world, actor="b_admin", org=world.branch_b1, number=id_number(seq=77), name="陈静")
    walk(world, b, 3, branch="b_admin", upper="city_admin")
    for case in (a, b):
        notice = case.notices.first()
        Objection.objects.create(notice=notice, case=case, received_on=notice.starts_on, text="反映")
    return {"a": Case.objects.get(pk=a.pk), "b": Case.objects.get(pk=b.pk)}


def client(world, persona):
    c = Client()
    c.force_login(world.users[persona])
    return c



@pytest.mark.parametrize("persona", PERSONAS)
def test_case_pages_answer_by_the_oracle_and_out_of_scope_is_404(world, cases, persona):
    c = client(world, persona)
    missing = Case.objects.order_by("-pk").first().pk + 1000
    violations = []
    for case in [*cases.values(), Case(pk=missing, org=world.city)]:
        allowed = case.pk != missing and covers(world, persona, case.org)
        for name, extra in CASE_PAGES.items():
            status = c.get(reverse(name, args=[case.pk, *extra])).status_code
            if status != (200 if allowed else 404):
                violations.append((name, case.pk, status))
        if case.pk != missing:
            notice, objection = case.notices.first(), case.objections.first()
            for name, obj in ((n, notice) for n in NOTICE_PAGES):
                if c.get(reverse(name, args=[obj.pk])).status_code != (200 if allowed else 404):
                    violations.append((name, obj.pk))
            for name in OBJECTION_PAGES:
                if c.get(reverse(name, args=[objection.pk])).status_code != (200 if allowed else 404):
                    violations.append((name, objection.pk))
    assert violations == []


@pytest.mark.parametrize("persona", ["b_admin", "member", "outsider"])
def test_out_of_scope_posts_are_404_and_write_nothing(world, cases, persona):
    c = client(world, persona)
    case = cases["a"]
    before = state()
    today = timezone.localdate().isoformat()
    posts = [
        (reverse("recruitment:step", args=[case.pk, 21]), {"done_on": today}),
        (reverse("recruitment:notice_create", args=[case.pk]), {"kind": 24, "starts_on": today, "ends_on": today}),
        (reverse("recruitment:extend", args=[case.pk]), {"decided_on": today, "months": 6}),
        (reverse("recruitment:cancel", args=[case.pk]), {"day": today, "reason": "x", "confirm": "on"}),
        (reverse("recruitment:close", args=[case.pk]), {"day": today, "reason": "x", "confirm": "on"}),
        (reverse("recruitment:objection_create", args=[case.notices.first().pk]), {"received_on": today, "text": "x"}),
        (reverse("recruitment:objection_resolve", args=[case.objections.first().pk]),
         {"resolved_on": today, "resolution": "x"}),
    ]
    for url, data in posts:
        assert c.post(url, data).status_code == 404, url
    assert state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_holds_exactly_the_oracle_cases(world, cases, persona):
    response = client(world, persona).get(reverse("recruitment:list"))
    assert response.status_code == 200
    expected = {c.pk for c in cases.values() if covers(world, persona, c.org)}
    assert {c.pk for c in response.context["page"].object_list} == expected
    for fmt in ("csv", "xlsx"):
        export = client(world, persona).get(reverse("recruitment:list"), {"export": fmt})
        body = b"".join(export.streaming_content) if export.streaming else export.content
        for case in cases.values():
            assert (case.name.encode() in body) == (case.pk in expected) or fmt == "xlsx", (fmt, case.name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_without_an_id_by_permission(world, cases, persona):
    c = client(world, persona)
    for name in VIEW_PAGES | CHANGE_PAGES:
        assert c.get(reverse(name)).status_code == (200 if persona in GRANTED else 404), name
    for name in LIST_PAGES:
        assert c.get(reverse(name)).status_code == 200


def test_anonymous_users_are_sent_to_login_except_the_public_board(world, cases):
    anonymous = Client()
    for name in LIST_PAGES | VIEW_PAGES | CHANGE_PAGES:
        assert anonymous.get(reverse(name)).status_code == 302, name
    for name, extra in CASE_PAGES.items():
        assert anonymous.get(reverse(name, args=[cases["a"].pk, *extra])).status_code == 302, name
    assert anonymous.get(reverse("recruitment:public_notices")).status_code == 200


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_the_system_administrators_reach_no_recruitment_page(world, cases, persona):
    c = client(world, persona)
    for name in LIST_PAGES | VIEW_PAGES | CHANGE_PAGES:
        assert c.get(reverse(name)).status_code == 404, name
    assert c.get(reverse("recruitment:detail", args=[cases["a"].pk])).status_code == 404


def test_warnings_and_plans_drill_down_only_within_the_scope(world, cases):
    c = client(world, "a_admin")
    assert c.get(reverse("recruitment:warnings"), {"org": world.district_b.pk}).status_code == 404
    assert c.get(reverse("recruitment:plans"), {"org": world.district_b.pk}).status_code == 404
    assert c.get(reverse("recruitment:warnings"), {"org": world.street_a.pk}).status_code == 200


def test_the_public_board_shows_names_and_dates_and_nothing_sensitive(world, cases):
    for case in cases.values():  # a notice running today
        Notice.objects.filter(case=case).update(starts_on=timezone.localdate() - timedelta(days=1),
                                                ends_on=timezone.localdate() + timedelta(days=5))
    body = Client().get(reverse("recruitment:public_notices")).content.decode()
    case = cases["a"]
    assert case.name in body and case.org.name in body and "入党积极分子公示" in body
    assert APPLICANT not in body and case.id_number_masked not in body and APPLICANT[6:14] not in body
    assert case.phone_masked not in body and "1380000" not in body
    assert case.get_education_display() not in body and case.occupation not in body


def test_the_print_page_and_the_docx_show_the_id_number_masked(world, cases):
    import io

    from docx import Document

    case, c = cases["a"], client(world, "a_admin")
    body = c.get(reverse("recruitment:print", args=[case.pk])).content.decode()
    assert case.id_number_masked in body and APPLICANT not in body and "<script src=" in body
    assert "发展党员全程纪实表" in body and "data-print" in body
    response = c.get(reverse("recruitment:docx", args=[case.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(cell.text for table in Document(io.BytesIO(response.content)).tables
                     for row in table.rows for cell in row.cells)
    assert case.id_number_masked in text and APPLICANT not in text and "入党宣誓" in text


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_list_and_case_urls_answer_by_the_oracle(world, cases, persona):
    api = api_client(persona)
    expected = {c.pk for c in cases.values() if covers(world, persona, c.org)}
    body = api.get("/api/v1/recruitment/cases", {"limit": 200}).json()
    assert {item["id"] for item in body["items"]} == expected
    assert all("id_number" not in k or k == "id_number_masked" for item in body["items"] for k in item)
    before = state()
    for case in cases.values():
        for name, method in API_CASE_URLS.items():
            if method == "get":
                response = api.get(reverse(name, args=[case.pk]))
            else:
                response = api.post(reverse(name, args=[case.pk]), REFUSED_PAYLOADS[name],
                                    content_type="application/json")
            wanted = (200 if method == "get" else 422) if case.pk in expected else 404
            assert response.status_code == wanted, (name, response.status_code, response.content[:200])
    assert state() == before


# Well-formed bodies that every rule refuses: in scope 422 (nothing written), out of scope 404.
TODAY = timezone.localdate().isoformat()
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()
REFUSED_PAYLOADS = {
    "api:step_record": {"number": 23, "done_on": TODAY},
    "api:review_record": {"methods": " ", "findings": "清楚", "conclusion": "passed", "concluded_on": TODAY},
    "api:prereview_record": {"received_on": TODAY, "reviewed_on": YESTERDAY, "result": "passed", "opinion": "x"},
    "api:vote_record": {"purpose": 15, "held_on": TODAY, "entitled": 3, "present": 5, "ballots_issued": 0,
                        "ballots_returned": 0, "yes": 0, "no": 0, "abstain": 0, "result": "failed"},
    "api:notice_publish": {"kind": 3, "starts_on": TODAY, "ends_on": TODAY},
}


@pytest.mark.parametrize("persona", ["b_admin", "member", "outsider"])
def test_api_writes_out_of_scope_are_404(world, cases, persona):
    api = api_client(persona)
    before = state()
    case = cases["a"]
    today = timezone.localdate().isoformat()
    for url, payload in (
        (reverse("api:step_record", args=[case.pk]), {"number": 21, "done_on": today}),
        (reverse("api:objection_add", args=[case.notices.first().pk]), {"received_on": today, "text": "x"}),
        (reverse("api:objection_resolve", args=[case.objections.first().pk]), {"resolved_on": today, "resolution": "x"}),
        ("/api/v1/recruitment/cases", {"org_id": world.branch_a1.pk, "name": "某", "id_number": id_number(seq=88),
                                       "applied": today}),
        ("/api/v1/recruitment/plans", {"org_id": world.district_a.pk, "year": 2026, "total": 5}),
    ):
        response = api.post(url, payload, content_type="application/json")
        assert response.status_code == 404, (url, response.status_code)
    assert state() == before


def test_api_walks_refuses_in_chinese_and_masks(world, cases):
    api = api_client("a_admin")
    case = cases["a"]
    response = api.get(reverse("api:case_detail", args=[case.pk])).json()
    assert response["id_number_masked"] == case.id_number_masked and "id_number" not in response
    assert [s["number"] for s in response["steps"]][:3] == [1, 2, 3]
    today = timezone.localdate().isoformat()
    response = api.post(reverse("api:step_record", args=[case.pk]), {"number": 23, "done_on": today},
                        content_type="application/json")
    assert response.status_code == 422 and "支部党员大会表决" in response.json()["detail"]
    response = api.post(reverse("api:vote_record", args=[case.pk]),
                        {"purpose": 23, "held_on": today, "entitled": 9, "present": 4, "ballots_issued": 4,
                         "ballots_returned": 4, "yes": 4, "no": 0, "abstain": 0, "result": "passed"},
                        content_type="application/json")
    assert response.status_code == 422 and "表决无效，不能登记为通过" in response.json()["detail"]
    secretary = api_client("secretary")
    response = secretary.post(reverse("api:step_record", args=[case.pk]), {"number": 24, "done_on": today},
                              content_type="application/json")
    assert response.status_code == 403 and "须由上级党委审批，党支部不能自行办理" in response.json()["detail"]
    response = secretary.post("/api/v1/recruitment/cases",
                              {"org_id": world.branch_a1.pk, "name": "周敏", "id_number": id_number(seq=91),
                               "applied": today, "category": "educated"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["deadlines"][0]["step"] == 2
    response = api.post("/api/v1/recruitment/plans", {"org_id": world.district_a.pk, "year": 2026, "total": 3,
                                                      "quotas": {"farmer": 2, "educated": 2}},
                        content_type="application/json")
    assert response.status_code == 422 and "超过计划发展总数" in response.json()["detail"]
    response = api.post("/api/v1/recruitment/plans", {"org_id": world.district_a.pk, "year": 2026, "total": 5,
                                                      "quotas": {"farmer": 2, "educated": 2}},
                        content_type="application/json")
    assert response.status_code == 200 and {q["category"] for q in response.json()["quotas"]} == {"farmer", "educated"}
    assert api.get("/api/v1/recruitment/plans", {"year": 2026}).json()["count"] == 1
    assert api_client("b_admin").get("/api/v1/recruitment/plans").json()["count"] == 0


def test_api_needs_a_token(world, cases):
    assert Client().get("/api/v1/recruitment/cases").status_code == 401
    assert Client().get(reverse("api:case_detail", args=[cases["a"].pk])).status_code == 401


def test_the_nav_shows_recruitment_to_users_with_recruitment_view(world):
    assert "发展党员" in client(world, "secretary").get("/").content.decode()
    assert "发展党员" not in client(world, "outsider").get("/").content.decode()


def test_a_vote_without_quorum_reads_invalid_on_the_page_the_print_the_docx_and_the_api(world, cases):
    import io

    from docx import Document

    from recruitment.models import Vote

    case, c = cases["a"], client(world, "a_admin")
    vote = Vote(case=case, purpose=15, held_on=case.applied, entitled=9, present=4, written_opinions=0,
                ballots_issued=4, ballots_returned=4, yes=4, no=0, abstain=0)
    vote.passed = vote.compute_passed()
    vote.save()  # the tally alone, past the services: how a stored vote reads
    for name in ("recruitment:detail", "recruitment:print"):
        body = c.get(reverse(name, args=[case.pk])).content.decode()
        assert ">表决无效</span>" in body, name
    response = c.get(reverse("recruitment:docx", args=[case.pk]))
    text = "\n".join(cell.text for table in Document(io.BytesIO(response.content)).tables
                     for row in table.rows for cell in row.cells)
    assert "表决无效" in text
    votes = api_client("a_admin").get(f"/api/v1/recruitment/cases/{case.pk}/votes").json()
    assert [(v["result"], v["result_label"], v["passed"]) for v in votes if v["id"] == vote.pk] == [
        ("invalid", "表决无效", False)]
