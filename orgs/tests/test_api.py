"""The REST API's contract: its OpenAPI document, local-only docs page, authentication, bad input
answered without a server error, capped page sizes."""

import re

import pytest
from django.test import Client

from dangjian.testing import PASSWORD
from orgs import bulk
from orgs.bulk import Node
from orgs.models import Org, OrgKind

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HUGE = "99999999999999999999999"

ENDPOINTS = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/orgs"),
    ("get", "/api/v1/insights/workbench"),
    ("get", "/api/v1/insights/warnings"),
    ("get", "/api/v1/insights/health"),
    ("get", "/api/v1/insights/report"),
    ("get", "/api/v1/insights/dashboard"),
    ("get", "/api/v1/insights/screen"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/{notification_id}/read"),
    ("get", "/api/v1/orgs/{org_id}"),
    ("get", "/api/v1/orgs/{org_id}/children"),
    ("get", "/api/v1/orgs/{org_id}/rules"),
    ("get", "/api/v1/members"),
    ("get", "/api/v1/members/{member_id}"),
    ("post", "/api/v1/members"),
    ("patch", "/api/v1/members/{member_id}"),
    ("get", "/api/v1/members/{member_id}/records"),
    ("post", "/api/v1/members/lookup"),
    # the archive's documents, correction requests and records (members/tests/test_archive_api.py)
    ("get", "/api/v1/members/{member_id}/documents"),
    ("post", "/api/v1/members/{member_id}/documents"),
    ("get", "/api/v1/members/documents/{document_id}"),
    ("delete", "/api/v1/members/documents/{document_id}"),
    ("get", "/api/v1/members/{member_id}/corrections"),
    ("post", "/api/v1/members/{member_id}/corrections"),
    ("get", "/api/v1/members/corrections"),
    ("post", "/api/v1/members/corrections/{correction_id}/approve"),
    ("post", "/api/v1/members/corrections/{correction_id}/decline"),
    ("post", "/api/v1/members/{member_id}/records/{kind}"),
    ("patch", "/api/v1/members/{member_id}/records/{kind}/{record_id}"),
    ("delete", "/api/v1/members/{member_id}/records/{kind}/{record_id}"),
    # learning/api.py (learning/tests/test_scope.py)
    ("get", "/api/v1/learning/courses"),
    ("get", "/api/v1/learning/courses/{course_id}/items"),
    # learning/api.py, the library's publishing (learning/tests/test_library.py)
    ("get", "/api/v1/learning/channels"),
    ("post", "/api/v1/learning/channels"),
    ("post", "/api/v1/learning/courses"),
    ("post", "/api/v1/learning/courses/{course_id}/publish"),
    ("post", "/api/v1/learning/courses/{course_id}/items"),
    ("post", "/api/v1/learning/items/{item_id}/sessions"),
    ("post", "/api/v1/learning/sessions/{token}/beats"),
    ("post", "/api/v1/learning/sessions/{token}/close"),
    ("get", "/api/v1/learning/me/hours"),
    ("get", "/api/v1/learning/orgs/{org_id}/progress"),
    ("post", "/api/v1/learning/offline-hours"),
    # care/api.py (care/tests/test_api.py)
    ("get", "/api/v1/care/flagged"),
    ("get", "/api/v1/care/pending"),
    ("get", "/api/v1/care/visits"),
    ("post", "/api/v1/care/visits"),
    ("patch", "/api/v1/care/visits/{visit_id}"),
    ("delete", "/api/v1/care/visits/{visit_id}"),
    ("get", "/api/v1/care/stats"),
    # exams/api.py (exams/tests/test_exams.py)
    ("get", "/api/v1/exams/"),
    ("post", "/api/v1/exams/{exam_id}/attempts"),
    ("post", "/api/v1/exams/attempts/{attempt_id}/submit"),
    ("get", "/api/v1/exams/{exam_id}/results"),
    ("post", "/api/v1/exams/questions"),
    ("get", "/api/v1/exams/practice"),
    ("post", "/api/v1/exams/practice"),
    # training/api.py (training/tests/test_training.py)
    ("get", "/api/v1/training/group-studies"),
    ("post", "/api/v1/training/group-studies"),
    ("get", "/api/v1/training/group-studies/{study_id}"),
    ("delete", "/api/v1/training/group-studies/{study_id}"),
    ("get", "/api/v1/training/classes"),
    ("post", "/api/v1/training/classes"),
    ("get", "/api/v1/training/classes/{class_id}"),
    ("post", "/api/v1/training/classes/{class_id}/enrolments"),
    ("post", "/api/v1/training/classes/{class_id}/sessions"),
    ("post", "/api/v1/training/classes/{class_id}/close"),
    ("get", "/api/v1/training/counts"),
    ("get", "/api/v1/training/rotation"),
    # pledges/api.py (pledges/tests/test_pledges.py)
    ("get", "/api/v1/pledges/mine"),
    ("post", "/api/v1/pledges/"),
    ("patch", "/api/v1/pledges/{pledge_id}"),
    ("post", "/api/v1/pledges/{pledge_id}/records"),
    ("get", "/api/v1/pledges/queue"),
    ("post", "/api/v1/pledges/{pledge_id}/review"),
    ("post", "/api/v1/pledges/records/{record_id}/review"),
    ("get", "/api/v1/pledges/posts"),
    ("post", "/api/v1/pledges/posts"),
    ("post", "/api/v1/pledges/posts/{post_id}/end"),
    # community/api.py (community/tests/test_pages.py)
    ("post", "/api/v1/community/checkins"),
    ("get", "/api/v1/community/checkins"),
    ("post", "/api/v1/community/checkins/{checkin_id}/decide"),
    ("post", "/api/v1/community/checkins/{checkin_id}/team"),
    ("post", "/api/v1/community/checkins/{checkin_id}/records"),
    ("post", "/api/v1/community/checkins/{checkin_id}/rating"),
    ("post", "/api/v1/community/checkins/{checkin_id}/end"),
    ("get", "/api/v1/community/units/{org_id}/feedback"),
    # orders/api.py (orders/tests/test_pages.py)
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/mine"),
    ("get", "/api/v1/orders/counts"),
    ("get", "/api/v1/orders/{order_id}"),
    ("post", "/api/v1/orders/{order_id}/dispatch"),
    ("post", "/api/v1/orders/{order_id}/reject"),
    ("post", "/api/v1/orders/{order_id}/accept"),
    ("post", "/api/v1/orders/{order_id}/decline"),
    ("post", "/api/v1/orders/{order_id}/complete"),
    ("get", "/api/v1/orders/menu"),
    ("post", "/api/v1/orders/menu"),
    ("put", "/api/v1/orders/menu/{item_id}"),
    # oversight/api.py (oversight/tests/test_pages.py)
    ("get", "/api/v1/oversight/counts"), ("get", "/api/v1/oversight/rectification"),
    ("get", "/api/v1/oversight/plans"), ("post", "/api/v1/oversight/plans"),
    ("get", "/api/v1/oversight/plans/{plan_id}"), ("put", "/api/v1/oversight/plans/{plan_id}"),
    ("get", "/api/v1/oversight/checklist"),
    ("get", "/api/v1/oversight/teams"), ("post", "/api/v1/oversight/teams"),
    ("get", "/api/v1/oversight/teams/{team_id}"), ("post", "/api/v1/oversight/teams/{team_id}/visits"),
    ("get", "/api/v1/oversight/visits"), ("get", "/api/v1/oversight/visits/{visit_id}"),
    ("get", "/api/v1/oversight/inspections"), ("post", "/api/v1/oversight/inspections"),
    ("get", "/api/v1/oversight/inspections/{inspection_id}"),
    ("post", "/api/v1/oversight/inspections/{inspection_id}/items"),
    ("get", "/api/v1/oversight/items"), ("get", "/api/v1/oversight/items/{item_id}"),
    ("post", "/api/v1/oversight/items/{item_id}/evidence"), ("post", "/api/v1/oversight/items/{item_id}/return"),
    ("post", "/api/v1/oversight/items/{item_id}/accept"),
    ("get", "/api/v1/oversight/bulletins"), ("post", "/api/v1/oversight/bulletins"),
    ("get", "/api/v1/oversight/bulletins/{bulletin_id}"), ("put", "/api/v1/oversight/bulletins/{bulletin_id}"),
    ("post", "/api/v1/oversight/bulletins/{bulletin_id}/publish"),
    # lagging/api.py (lagging/tests/test_pages.py)
    ("get", "/api/v1/lagging/counts"), ("get", "/api/v1/lagging/suggestions"),
    ("get", "/api/v1/lagging/cases"), ("post", "/api/v1/lagging/cases"),
    ("get", "/api/v1/lagging/cases/{lagging_case_id}"), ("put", "/api/v1/lagging/cases/{lagging_case_id}/plan"),
    ("post", "/api/v1/lagging/cases/{lagging_case_id}/tasks"), ("post", "/api/v1/lagging/tasks/{lagging_task_id}/done"),
    ("post", "/api/v1/lagging/cases/{lagging_case_id}/close"),
    ("get", "/api/v1/lagging/orgs/{org_id}/grades"),
    # reviews/api.py (reviews/tests/test_pages.py)
    ("get", "/api/v1/reviews/rounds"), ("post", "/api/v1/reviews/rounds"),
    ("get", "/api/v1/reviews/rounds/{report_round_id}"), ("post", "/api/v1/reviews/rounds/{report_round_id}/groups"),
    ("post", "/api/v1/reviews/rounds/{report_round_id}/open"), ("post", "/api/v1/reviews/rounds/{report_round_id}/close"),
    ("get", "/api/v1/reviews/subjects/{report_subject_id}"), ("get", "/api/v1/reviews/to-rate"),
    ("post", "/api/v1/reviews/subjects/{report_subject_id}/ratings"), ("get", "/api/v1/reviews/results"),
    ("get", "/api/v1/reviews/followups"), ("post", "/api/v1/reviews/followups/{report_followup_id}/done"),
    # fivegood/api.py (fivegood/tests/test_pages.py)
    ("get", "/api/v1/fivegood/counts"), ("get", "/api/v1/fivegood/applicable"),
    ("get", "/api/v1/fivegood/standards"), ("post", "/api/v1/fivegood/standards"),
    ("get", "/api/v1/fivegood/standards/{fivegood_standard_id}"),
    ("put", "/api/v1/fivegood/standards/{fivegood_standard_id}"),
    ("post", "/api/v1/fivegood/standards/{fivegood_standard_id}/issue"),
    ("post", "/api/v1/fivegood/standards/{fivegood_standard_id}/version"),
    ("get", "/api/v1/fivegood/assessments"), ("post", "/api/v1/fivegood/assessments"),
    ("get", "/api/v1/fivegood/assessments/{fivegood_assessment_id}"),
    ("put", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/self"),
    ("post", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/submit"),
    ("post", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/return"),
    ("post", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/assess"),
    ("post", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/reopen"),
    ("post", "/api/v1/fivegood/assessments/{fivegood_assessment_id}/exemplar"),
    ("post", "/api/v1/fivegood/grade"),
    ("get", "/api/v1/fivegood/exemplars"), ("post", "/api/v1/fivegood/exemplars/{fivegood_exemplar_id}/publish"),
    # soe/api.py (soe/tests/test_soe.py)
    ("get", "/api/v1/soe/tasks"), ("post", "/api/v1/soe/tasks"), ("get", "/api/v1/soe/tasks/{soe_task_id}"),
    ("put", "/api/v1/soe/tasks/{soe_task_id}"), ("get", "/api/v1/soe/shares"),
    ("get", "/api/v1/soe/shares/{soe_share_id}"), ("post", "/api/v1/soe/shares/{soe_share_id}/reports"),
    # points/api.py (points/tests/test_points.py)
    ("get", "/api/v1/points/rules"),
    ("get", "/api/v1/points/mine"),
    ("get", "/api/v1/points/orgs/{org_id}/ranking"),
    ("put", "/api/v1/points/orgs/{org_id}/ranking"),
    # dues/api.py (dues/tests/test_api.py)
    ("get", "/api/v1/dues/orgs/{org_id}/years"),
    ("post", "/api/v1/dues/years"),
    ("post", "/api/v1/dues/orgs/{org_id}/confirm"),
    ("post", "/api/v1/dues/orgs/{org_id}/carry"),
    ("post", "/api/v1/dues/payments"),
    ("post", "/api/v1/dues/payments/{payment_id}/void"),
    ("get", "/api/v1/dues/orgs/{org_id}/arrears"),
    ("get", "/api/v1/dues/orgs/{org_id}/summary"),
    ("get", "/api/v1/dues/mine"),
    ("post", "/api/v1/dues/remittances"),
    ("get", "/api/v1/dues/orgs/{org_id}/reconciliation"),
    # regional/api.py (regional/tests/test_views.py)
    ("get", "/api/v1/regional/orgs/{org_id}/coverage"), ("get", "/api/v1/regional/buildings/{building_id}"),
    ("post", "/api/v1/regional/buildings/{building_id}/units"),
    ("post", "/api/v1/regional/units/{unit_id}/instructors"),
    ("post", "/api/v1/regional/buildings/{building_id}/served"),
    ("get", "/api/v1/regional/orgs/{org_id}/villages"), ("get", "/api/v1/regional/villages/{village_id}"),
    ("post", "/api/v1/regional/villages/{village_id}/reports"),
    ("post", "/api/v1/regional/villages/{village_id}/assessments"),
    ("get", "/api/v1/regional/orgs/{org_id}/cobuilding"), ("post", "/api/v1/regional/orgs/{org_id}/cobuilding/seats"),
    ("post", "/api/v1/regional/orgs/{org_id}/cobuilding/meetings"),
    ("post", "/api/v1/regional/orgs/{org_id}/cobuilding/items"),
    ("post", "/api/v1/regional/cobuilding/items/{item_id}/complete"),
    # transfers/api.py (its scope tests: transfers/tests/test_scope.py)
    ("get", "/api/v1/transfers"),
    ("post", "/api/v1/transfers"),
    ("get", "/api/v1/transfers/{letter_id}"),
    ("post", "/api/v1/transfers/{letter_id}/accept"),
    ("post", "/api/v1/transfers/{letter_id}/return"),
    ("post", "/api/v1/transfers/{letter_id}/cancel"),
    ("get", "/api/v1/imports"), ("post", "/api/v1/imports"), ("get", "/api/v1/imports/{batch_id}"),
    ("get", "/api/v1/imports/{batch_id}/rows"), ("post", "/api/v1/imports/{batch_id}/commit"),
    ("post", "/api/v1/imports/{batch_id}/discard"),
    ("get", "/api/v1/transfers/certificates"),
    ("get", "/api/v1/transfers/certificates/{certificate_id}"),
    ("post", "/api/v1/transfers/certificates/{certificate_id}/renew"),
    ("post", "/api/v1/transfers/certificates/{certificate_id}/close"),
    # recruitment/api.py (its scope tests: recruitment/tests/test_scope.py)
    ("get", "/api/v1/recruitment/cases"),
    ("post", "/api/v1/recruitment/cases"),
    ("get", "/api/v1/recruitment/cases/{case_id}"),
    ("post", "/api/v1/recruitment/cases/{case_id}/steps"),
    ("post", "/api/v1/recruitment/cases/{case_id}/review"),
    ("post", "/api/v1/recruitment/cases/{case_id}/prereview"),
    ("get", "/api/v1/recruitment/cases/{case_id}/votes"),
    ("post", "/api/v1/recruitment/cases/{case_id}/votes"),
    ("get", "/api/v1/recruitment/cases/{case_id}/notices"),
    ("post", "/api/v1/recruitment/cases/{case_id}/notices"),
    ("post", "/api/v1/recruitment/notices/{notice_id}/objections"),
    ("post", "/api/v1/recruitment/objections/{objection_id}/resolve"),
    ("get", "/api/v1/recruitment/plans"),
    ("post", "/api/v1/recruitment/plans"),
    # portal/api.py (its scope tests: portal/tests/test_scope.py)
    ("get", "/api/v1/news/channels"), ("get", "/api/v1/news/articles"),
    ("get", "/api/v1/news/articles/{article_id}"),
    ("get", "/api/v1/news/editor/articles"), ("post", "/api/v1/news/editor/articles"),
    ("post", "/api/v1/news/editor/articles/{article_id}/submit"),
    ("post", "/api/v1/news/editor/articles/{article_id}/publish"),
    ("post", "/api/v1/news/editor/articles/{article_id}/return"),
    ("post", "/api/v1/news/editor/articles/{article_id}/unpublish"),
    # orglife/api.py (its scope tests: orglife/tests/test_api.py)
    ("get", "/api/v1/orglife/meetings"), ("post", "/api/v1/orglife/meetings"),
    ("get", "/api/v1/orglife/meetings/{meeting_id}"), ("patch", "/api/v1/orglife/meetings/{meeting_id}"),
    ("post", "/api/v1/orglife/meetings/{meeting_id}/submit"),
    ("get", "/api/v1/orglife/meetings/{meeting_id}/attendance"),
    ("post", "/api/v1/orglife/meetings/{meeting_id}/attendance"),
    ("post", "/api/v1/orglife/sign-in/{token}"),
    ("get", "/api/v1/orglife/meetings/{meeting_id}/reviews"),
    ("post", "/api/v1/orglife/meetings/{meeting_id}/approve"),
    ("post", "/api/v1/orglife/meetings/{meeting_id}/return"),
    ("get", "/api/v1/orglife/compliance"),
}
# Public on purpose: the news portal's published articles and channels, readable by anyone as
# its pages are (portal/api.py). Every other operation but getting a token needs the token.
PUBLIC_ENDPOINTS = {
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/news/channels"), ("get", "/api/v1/news/articles"),
    ("get", "/api/v1/news/articles/{article_id}"),
}


def token_for(username: str) -> str:
    response = Client().post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def api(world):
    return Client(headers={"Authorization": f"Bearer {token_for('city_admin')}"})


def openapi(client=None) -> dict:
    response = (client or Client()).get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# --- the document and the docs page -------------------------------------------------------------


def test_the_openapi_document_loads_and_lists_every_endpoint(db):
    document = openapi()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "基层党建数字化平台 API"
    listed = {(method, path) for path, item in document["paths"].items() for method in item}
    assert listed == ENDPOINTS
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    # Every operation but getting a token and the public news reads requires the bearer token.
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if (method, path) in PUBLIC_ENDPOINTS:
                assert not operation.get("security")
            else:
                assert operation.get("security"), (method, path)


def test_the_docs_page_uses_local_static_files_only(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    sources = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', body)
    assert sources, body
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []
    assert "cdn" not in body.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    # The page's CSP allows nothing from elsewhere either.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_docs_pages_static_files_are_served(db):
    body = Client().get("/api/v1/docs").content.decode()
    for source in re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="(/static/[^"]+)"', body):
        response = Client().get(source)
        assert response.status_code == 200, source


# --- authentication ---------------------------------------------------------------------------


def _concrete(path: str) -> str:
    path = re.sub(r"\{kind\}", "position", re.sub(r"\{\w+_id\}", "1", path))
    return path.replace("{token}", "1")


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer " + "x" * 5000},
])
def test_calls_without_a_valid_token_get_401_with_a_chinese_detail(world, headers):
    client = Client(headers=headers)
    for method, path in ENDPOINTS - PUBLIC_ENDPOINTS:
        response = getattr(client, method)(_concrete(path))
        assert response.status_code == 401, (method, path)
        assert CHINESE.search(response.json()["detail"]), response.json()


def test_a_wrong_password_gets_401_in_chinese_and_no_token(world):
    response = Client().post("/api/v1/auth/token", {"username": "a_admin", "password": "wrong"},
                             content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误，还可尝试 4 次"}


def test_a_revoked_token_stops_working(world):
    client = Client(headers={"Authorization": f"Bearer {token_for('a_admin')}"})
    assert client.get("/api/v1/orgs").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 200
    assert client.get("/api/v1/orgs").status_code == 401


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("body, content_type", [
    ("{bad json", "application/json"),
    ("[]", "application/json"),
    ('{"username": 1}', "application/json"),
    ('{"username": "a", "password": "' + "p" * 300 + '"}', "application/json"),
    ("username=a&password=b", "application/x-www-form-urlencoded"),
    ("\xff\xfe", "application/json"),
    ("", "application/json"),
])
def test_malformed_token_requests_are_refused_without_a_server_error(world, body, content_type):
    response = Client().post("/api/v1/auth/token", body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize("url", [
    f"/api/v1/orgs/{HUGE}",
    f"/api/v1/orgs/{HUGE}/children",
    f"/api/v1/members/{HUGE}",
    "/api/v1/orgs/9223372036854775807",
    "/api/v1/orgs/9223372036854775808",
    "/api/v1/orgs/0",
])
def test_huge_or_impossible_ids_in_the_path_are_404(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到，或不在您的管理范围内"


@pytest.mark.parametrize("query", [
    {"within": HUGE},
    {"within": "9" * 17},
    {"within": "NOSUCHORG"},
    {"within": "x" * 33},
    {"kind": "bogus"},
    {"sector": "bogus"},
    {"level": "bogus"},
    {"q": "x" * 51},
    {"limit": "0"},
    {"limit": "-1"},
    {"limit": "abc"},
    {"offset": "-5"},
])
def test_bad_org_list_filters_are_422_in_chinese_and_never_500(api, query):
    response = api.get("/api/v1/orgs", query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "请求参数有误" and body["errors"]
    assert "items" not in body


@pytest.mark.parametrize("query", [
    {"within": HUGE}, {"status": "bogus"}, {"gender": "bogus"}, {"q": "x" * 51},
])
def test_bad_member_list_filters_are_422_and_never_500(api, query):
    response = api.get("/api/v1/members", query)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("query", [
    {"q": "'; DROP TABLE orgs_org; --"}, {"q": "%_\\"}, {"q": "\x00"}, {"offset": HUGE},
])
def test_odd_but_well_formed_queries_answer_without_error(api, query):
    response = api.get("/api/v1/orgs", query)
    assert response.status_code in (200, 422), response.content
    assert Org.objects.count() == 8


# --- pagination -------------------------------------------------------------------------------


@pytest.fixture
def many_branches(world):
    general = Node("大党总支", "BIG", OrgKind.GENERAL_BRANCH)
    general.add(*[Node(f"第{i}党支部", f"BIG{i:03d}", OrgKind.BRANCH) for i in range(260)])
    bulk.build([general], under=world.street_a)
    return Org.objects.get(code="BIG")


def test_page_size_defaults_to_50_and_is_capped_at_200(api, many_branches):
    total = Org.objects.count()
    body = api.get("/api/v1/orgs").json()
    assert (len(body["items"]), body["count"]) == (50, total)
    for limit in (201, 1000, 10**6, 10**30):
        body = api.get("/api/v1/orgs", {"limit": limit}).json()
        assert (len(body["items"]), body["count"]) == (200, total), limit
    children = api.get(f"/api/v1/orgs/{many_branches.pk}/children", {"limit": 10**6}).json()
    assert (len(children["items"]), children["count"]) == (200, 260)


def test_pages_walk_the_whole_list_without_overlap(api, many_branches):
    seen = []
    offset = 0
    while True:
        items = api.get("/api/v1/orgs", {"limit": 200, "offset": offset}).json()["items"]
        if not items:
            break
        seen += [item["id"] for item in items]
        offset += 200
    assert sorted(seen) == sorted(Org.objects.values_list("pk", flat=True))
