"""Lagging pages and API: every page and API operation answers the anonymous with the login (401
for the API), in scope with the page or the write, out of scope with 404 (``SCOPE_TESTED``, for
orgs/tests/test_scope.py's meta-test); refusals answer in Chinese and write nothing; the lists'
query counts do not grow with their rows; the export is the user's rows only and audited."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditEntry
from dangjian.testing import api_client, pdf_bytes, refusal_text
from lagging import rules, services
from lagging.models import CaseState, Grade, GradeChange, LaggingCase, LaggingPlan, LaggingTask
from lagging.tests.test_lagging import add_branches

pytestmark = pytest.mark.django_db

PAGES = {"lagging:home", "lagging:suggestions", "lagging:case_open", "lagging:grades", "lagging:cases",
         "lagging:case", "lagging:plan", "lagging:task_new", "lagging:close", "lagging:case_file",
         "lagging:task_done", "lagging:task_file"}
API = {"api:lagging_counts", "api:lagging_suggestions", "api:lagging_cases", "api:lagging_case",
       "api:lagging_case_open", "api:lagging_plan_save", "api:lagging_task_add", "api:lagging_task_done",
       "api:lagging_case_close", "api:lagging_grades"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/lagging"


def pdf(name="验收.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def make_scene(world) -> dict:
    """District A: branch A1 listed, its plan with two tasks, the first done with a photo; branch A2
    listed and closed with its acceptance file (grade 较好). District B: branch B1 listed."""
    a_admin, today = world.users["a_admin"], timezone.localdate()
    case = services.case_open(actor=a_admin, org=world.branch_a1)
    services.plan_save(actor=a_admin, case=case, responsible="李建国", contact="王区长", measures="配齐班子",
                       deadline=today + timedelta(days=90))
    first = services.task_add(actor=a_admin, case=case, text="补选书记", responsible="李建国",
                              due=today + timedelta(days=30))
    second = services.task_add(actor=a_admin, case=case, text="规范主题党日", responsible="张秀英",
                               due=today + timedelta(days=60))
    services.task_done(actor=world.users["secretary"], task=first, note="已补选", upload=pdf("照片.pdf"))
    closed = services.case_open(actor=a_admin, org=world.branch_a2)
    services.plan_save(actor=a_admin, case=closed, responsible="王芳", contact="王区长", measures="整顿",
                       deadline=today + timedelta(days=90))
    done = services.task_add(actor=a_admin, case=closed, text="整顿", responsible="王芳", due=today)
    services.task_done(actor=a_admin, task=done, note="完成")
    services.case_close(actor=a_admin, case=closed, grade_after=Grade.GOOD, text="验收合格", upload=pdf())
    b_case = services.case_open(actor=world.users["b_admin"], org=world.branch_b1, note="河西排查发现")
    return {"case": case, "first": first, "second": second, "closed": closed, "b_case": b_case}


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.FILES_ROOT = tmp_path
    return make_scene(world)


def object_urls(world, scene) -> dict[str, str]:
    case, closed = scene["case"], scene["closed"]
    return {
        "lagging:case_open": reverse("lagging:case_open", args=[world.branch_a2.pk]),
        "lagging:grades": reverse("lagging:grades", args=[world.branch_a1.pk]),
        "lagging:case": reverse("lagging:case", args=[case.pk]),
        "lagging:plan": reverse("lagging:plan", args=[case.pk]),
        "lagging:task_new": reverse("lagging:task_new", args=[case.pk]),
        "lagging:close": reverse("lagging:close", args=[case.pk]),
        "lagging:case_file": reverse("lagging:case_file", args=[closed.pk]),
        "lagging:task_done": reverse("lagging:task_done", args=[scene["second"].pk]),
        "lagging:task_file": reverse("lagging:task_file", args=[scene["first"].pk]),
    }


def org_urls(world) -> dict[str, str]:
    return {name: reverse(name) + f"?org={world.district_a.code}" for name in ("lagging:home", "lagging:suggestions")}


def written() -> tuple:
    return (LaggingCase.objects.count(), list(LaggingCase.objects.order_by("pk").values_list("state", flat=True)),
            LaggingPlan.objects.count(), list(LaggingPlan.objects.order_by("pk").values_list("measures", flat=True)),
            LaggingTask.objects.count(), LaggingTask.objects.filter(done_on__isnull=False).count(),
            GradeChange.objects.count())


# --- pages -----------------------------------------------------------------------------------------

def test_every_page_asks_the_anonymous_to_log_in(world, scene):
    before = written()
    anonymous = Client()
    urls = {**object_urls(world, scene), **org_urls(world), "lagging:cases": reverse("lagging:cases")}
    assert set(urls) == PAGES
    for name, url in urls.items():
        response = anonymous.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], name
        assert anonymous.post(url).status_code == 302, name
    assert written() == before


def test_every_page_in_scope_answers(world, scene):
    client = world.client("a_admin")
    for name, url in {**object_urls(world, scene), **org_urls(world)}.items():
        assert client.get(url).status_code == 200, name
    assert client.get(reverse("lagging:cases")).status_code == 200
    download = client.get(object_urls(world, scene)["lagging:case_file"])
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content) == pdf_bytes()
    # The branch's secretary marks tasks done and sees the task's photo.
    secretary = world.client("secretary")
    for name in ("lagging:case", "lagging:task_done", "lagging:task_file", "lagging:grades"):
        assert secretary.get(object_urls(world, scene)[name]).status_code == 200, name


def test_the_pages_show_what_they_are_about(world, scene):
    client = world.client("a_admin")
    urls = object_urls(world, scene)
    page = client.get(urls["lagging:case"]).content.decode()
    assert "补选书记" in page and "规范主题党日" in page and 'id="progress">1/2（50%）' in page
    assert "未录入本届班子，书记空缺" in page and 'id="close"' in page
    home = client.get(org_urls(world)["lagging:home"]).content.decode()
    assert 'id="total-found">2<' in home and 'id="total-closed">1<' in home and 'id="total-open">1<' in home
    assert world.street_a.name in home and world.branch_a1.name in home
    grades = client.get(reverse("lagging:grades", args=[world.branch_a2.pk])).content.decode()
    assert "较好" in grades and "后进" in grades
    suggestions = client.get(org_urls(world)["lagging:suggestions"]).content.decode()
    assert 'id="under-way"' in suggestions and world.branch_a1.name in suggestions
    assert reverse("lagging:case_open", args=[world.branch_a1.pk]) not in suggestions  # under way: no button
    assert "督导考核" in home and reverse("oversight:home") in home  # the module's breadcrumb


def test_every_page_is_not_found_out_of_scope(world, scene):
    before = written()
    other = world.client("b_admin")
    for name, url in {**object_urls(world, scene), **org_urls(world)}.items():
        assert other.get(url).status_code == 404, name
        if not name.endswith("_file"):
            assert other.post(url, {"note": "别的区", "text": "别的区", "grade_after": "good"}).status_code == 404, name
    body = other.get(reverse("lagging:cases")).content.decode()
    assert world.branch_a1.name not in body and world.branch_b1.name in body
    assert written() == before


def test_a_member_and_an_outsider_find_no_page(world, scene):
    for persona in ("member", "outsider"):
        client = world.client(persona)
        for name, url in {**object_urls(world, scene), **org_urls(world)}.items():
            assert client.get(url).status_code == 404, (persona, name)
        for name in ("lagging:cases", "lagging:home", "lagging:suggestions"):
            assert client.get(reverse(name)).status_code == 404, (persona, name)


def test_the_branch_does_not_list_plan_or_close_its_own_case(world, scene):
    before = written()
    secretary = world.client("secretary")
    for name in ("lagging:plan", "lagging:task_new", "lagging:close"):
        url = object_urls(world, scene)[name]
        assert secretary.get(url).status_code == 404, name
        assert secretary.post(url, {"text": "自己验收", "grade_after": "advanced"}).status_code == 404, name
    assert secretary.get(reverse("lagging:case_open", args=[world.branch_a1.pk])).status_code == 404
    assert written() == before


def test_listing_from_the_suggestions_page(world, scene):
    client = world.client("a_admin")
    add_branches(world.street_a.__class__.objects.get(pk=world.street_a.pk), 1)
    new = world.street_a.__class__.objects.get(code="HP01T00")
    page = client.get(org_urls(world)["lagging:suggestions"]).content.decode()
    assert reverse("lagging:case_open", args=[new.pk]) in page and "三会一课连续3个月红灯" in page
    form = client.get(reverse("lagging:case_open", args=[new.pk])).content.decode()
    assert "系统记录提示" in form and "书记空缺" in form
    response = client.post(reverse("lagging:case_open", args=[new.pk]), {"found_on": timezone.localdate().isoformat()})
    case = LaggingCase.objects.get(org=new)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert set(case.reasons.values_list("code", flat=True)) == {"compliance", "no_secretary"}
    before = written()
    again = client.post(reverse("lagging:case_open", args=[new.pk]), {"found_on": timezone.localdate().isoformat()})
    assert again.status_code == 200 and rules.ALREADY_OPEN in again.content.decode()
    assert written() == before


def test_closing_on_the_page_is_refused_in_chinese_while_a_task_is_open(world, scene):
    client = world.client("a_admin")
    before = written()
    response = client.post(object_urls(world, scene)["lagging:close"],
                           {"grade_after": "good", "text": "验收", "closed_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and rules.NOT_ALL_DONE in response.content.decode()
    bad_date = client.post(object_urls(world, scene)["lagging:plan"], {
        "responsible": "甲", "contact": "乙", "measures": "丙", "deadline": "2026-02-30"})
    assert bad_date.status_code == 200 and "有效" in bad_date.content.decode()
    assert written() == before


def test_marking_a_task_done_on_the_page(world, scene):
    client = world.client("secretary")
    url = object_urls(world, scene)["lagging:task_done"]
    response = client.post(url, {"note": "每月按时开展", "done_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert LaggingTask.objects.get(pk=scene["second"].pk).done_on == timezone.localdate()
    before = written()
    again = client.post(url, {"note": "再标一次", "done_on": timezone.localdate().isoformat()})
    assert again.status_code == 200 and "该任务已标记完成" in again.content.decode()
    assert written() == before


def more_rows(world, n: int, start: int = 0) -> None:
    street = world.street_a.__class__.objects.get(pk=world.street_a.pk)
    add_branches(street, n, start=start)
    a_admin, today = world.users["a_admin"], timezone.localdate()
    for org in world.street_a.__class__.objects.filter(code__startswith="HP01T").exclude(
            pk__in=LaggingCase.objects.values("org_id")):
        case = services.case_open(actor=a_admin, org=org)
        services.plan_save(actor=a_admin, case=case, responsible="甲", contact="乙", measures="丙",
                           deadline=today + timedelta(days=40))
        services.task_add(actor=a_admin, case=case, text="任务", responsible="甲", due=today + timedelta(days=5))


def test_the_lists_query_counts_do_not_grow_with_their_rows(world, scene, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, api = world.client("a_admin"), api_client("a_admin")
    urls = [reverse("lagging:cases"), reverse("lagging:cases") + "?overdue=no&reason=no_secretary",
            org_urls(world)["lagging:home"], org_urls(world)["lagging:suggestions"],
            reverse("lagging:case", args=[scene["case"].pk]), reverse("lagging:grades", args=[world.branch_a1.pk])]
    api_urls = [f"{BASE}/cases", f"{BASE}/counts", f"{BASE}/suggestions", f"{BASE}/cases/{scene['case'].pk}"]
    more_rows(world, 1)
    counted = {}
    for url, who in [*((u, client) for u in urls), *((u, api) for u in api_urls)]:
        who.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert who.get(url).status_code == 200, url
        counted[url] = len(captured)
    more_rows(world, 6, start=1)
    for url, who in [*((u, client) for u in urls), *((u, api) for u in api_urls)]:
        with django_assert_max_num_queries(counted[url]):
            assert who.get(url).status_code == 200, url


def test_the_export_is_the_users_rows_and_audited(world, scene):
    export = reverse("lagging:cases") + "?export=csv"
    mine = world.client("a_admin").get(export)
    text = mine.content.decode("utf-8-sig")
    assert mine["Content-Type"].startswith("text/csv")
    assert world.branch_a1.name in text and world.branch_a2.name in text and world.branch_b1.name not in text
    assert "整顿中" in text and "较好" in text
    theirs = world.client("b_admin").get(export).content.decode("utf-8-sig")
    assert world.branch_b1.name in theirs and world.branch_a1.name not in theirs
    assert AuditEntry.objects.filter(action="export", object_type="lagging.laggingcase").count() == 2
    assert world.client("member").get(export).status_code == 404


# --- the API ---------------------------------------------------------------------------------------

def api_calls(world, scene) -> list[tuple[str, str, dict | None]]:
    """One call of every operation on district A's objects: (method, url, body)."""
    case, today = scene["case"], timezone.localdate()
    code = world.district_a.code
    return [
        ("get", f"{BASE}/counts?org={code}", None),
        ("get", f"{BASE}/suggestions?org={code}", None),
        ("get", f"{BASE}/cases/{case.pk}", None),
        ("get", f"{BASE}/orgs/{world.branch_a1.pk}/grades", None),
        ("put", f"{BASE}/cases/{case.pk}/plan", {"responsible": "李建国", "contact": "王区长", "measures": "新措施",
                                                 "deadline": (today + timedelta(days=100)).isoformat()}),
        ("post", f"{BASE}/cases/{case.pk}/tasks", {"text": "第三项", "responsible": "甲",
                                                   "due": (today + timedelta(days=10)).isoformat()}),
        ("post", f"{BASE}/tasks/{scene['second'].pk}/done", {"note": "已完成"}),
        ("post", f"{BASE}/cases", {"org_id": world.branch_a2.pk, "note": "又排查发现"}),
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json") if body is not None \
        else client.get(url)


def test_every_api_operation_needs_a_token(world, scene):
    anonymous = Client()
    for method, url, body in [*api_calls(world, scene), ("get", f"{BASE}/cases", None),
                              ("post", f"{BASE}/cases/{scene['case'].pk}/close", {"grade_after": "good", "text": "x"})]:
        assert call(anonymous, method, url, body).status_code == 401, url


def test_every_api_operation_is_not_found_out_of_scope(world, scene):
    before = written()
    close = ("post", f"{BASE}/cases/{scene['case'].pk}/close", {"grade_after": "good", "text": "验收"})
    for persona in ("b_admin", "member", "outsider"):
        client = api_client(persona)
        for method, url, body in [*api_calls(world, scene), close]:
            response = call(client, method, url, body)
            assert response.status_code == 404, (persona, method, url, response.content[:300])
    assert [c["org_id"] for c in api_client("b_admin").get(f"{BASE}/cases").json()["items"]] == [world.branch_b1.pk]
    for persona in ("member", "outsider"):
        for path in ("cases", "counts", "suggestions"):
            assert api_client(persona).get(f"{BASE}/{path}").status_code == 404, (persona, path)
    secretary = api_client("secretary")
    for method, url, body in api_calls(world, scene)[4:6] + [close]:
        assert call(secretary, method, url, body).status_code == 404, url
    assert written() == before


def test_every_api_operation_in_scope_and_the_close(world, scene):
    client = api_client("a_admin")
    for method, url, body in api_calls(world, scene):
        response = call(client, method, url, body)
        expected = 201 if method == "post" and url.endswith(("/tasks", "/cases")) else 200
        assert response.status_code == expected, (method, url, response.content[:500])
    case = scene["case"]
    detail = client.get(f"{BASE}/cases/{case.pk}").json()
    assert detail["plan"]["measures"] == "新措施" and len(detail["tasks"]) == 3
    assert [r["code"] for r in detail["reasons"]] == ["compliance", "no_secretary"]
    refused = client.post(f"{BASE}/cases/{case.pk}/close", {"grade_after": "good", "text": "验收"},
                          content_type="application/json")
    assert refused.status_code == 422 and rules.NOT_ALL_DONE in refusal_text(refused)
    third = LaggingTask.objects.get(plan__case=case, number=3)
    assert api_client("secretary").post(f"{BASE}/tasks/{third.pk}/done", {"note": "完成"},
                                        content_type="application/json").status_code == 200
    no_evidence = client.post(f"{BASE}/cases/{case.pk}/close", {"grade_after": "good", "text": ""},
                              content_type="application/json")
    assert no_evidence.status_code == 422 and rules.NO_EVIDENCE in refusal_text(no_evidence)
    bad_grade = client.post(f"{BASE}/cases/{case.pk}/close", {"grade_after": "best", "text": "验收"},
                            content_type="application/json")
    assert bad_grade.status_code == 422 and "请选择整顿后等次" in refusal_text(bad_grade)
    assert LaggingCase.objects.get(pk=case.pk).state == CaseState.RECTIFYING
    closed = client.post(f"{BASE}/cases/{case.pk}/close", {"grade_after": "advanced", "text": "验收合格"},
                         content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    grades = client.get(f"{BASE}/orgs/{world.branch_a1.pk}/grades").json()
    assert grades[0]["grade_to"] == "advanced"
    counts = client.get(f"{BASE}/counts?org={world.district_a.code}").json()["rows"][0]
    assert (counts["found"], counts["closed"], counts["upgraded"], counts["open"]) == (3, 2, 2, 1)
