"""五好党支部 pages and API: every page and API operation answers the anonymous with the login (401
for the API), in scope with the page or the write, out of scope with 404 (``SCOPE_TESTED``, for
orgs/tests/test_scope.py's meta-test); refusals answer in Chinese and write nothing; the lists'
query counts do not grow with their rows; the export is the user's rows only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.audit import AuditEntry
from dangjian.testing import api_client, pdf_bytes, refusal_text
from fivegood import services
from fivegood.models import (
    Assessment,
    AssessmentScore,
    AssessmentState,
    Exemplar,
    ExemplarState,
    Grade,
    GradeChange,
    StandardSet,
)
from fivegood.tests.test_fivegood import ITEMS, YEAR, assess, fill, item_ids, make_standard, start
from portal.models import Article
from portal.services import channel_create

pytestmark = pytest.mark.django_db

PAGES = {"fivegood:home", "fivegood:standards", "fivegood:standard_new", "fivegood:standard",
         "fivegood:standard_edit", "fivegood:standard_issue", "fivegood:standard_version", "fivegood:assessments",
         "fivegood:assessment_new", "fivegood:assessment", "fivegood:self_score", "fivegood:submit",
         "fivegood:assess", "fivegood:return", "fivegood:reopen", "fivegood:exemplar_new", "fivegood:score_file",
         "fivegood:exemplars", "fivegood:exemplar_publish"}
API = {"api:fivegood_counts", "api:fivegood_standards", "api:fivegood_standard", "api:fivegood_applicable",
       "api:fivegood_standard_add", "api:fivegood_standard_change", "api:fivegood_standard_issue",
       "api:fivegood_standard_version", "api:fivegood_assessments", "api:fivegood_assessment",
       "api:fivegood_assessment_start", "api:fivegood_self_score", "api:fivegood_submit", "api:fivegood_return",
       "api:fivegood_assess", "api:fivegood_reopen", "api:fivegood_grade_set", "api:fivegood_exemplars",
       "api:fivegood_exemplar_select", "api:fivegood_exemplar_publish"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/fivegood"
HUGE = "99999999999999999999999"


def pdf(name="会议记录.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def scene(world, settings, tmp_path):
    """The city's issued standard and 和平区's draft; branch A1's self-assessment submitted by its
    secretary (its first item with a PDF), branch A2's assessed 五好 by 和平区 and selected as an
    exemplar; 河西's branch assessing itself."""
    settings.FILES_ROOT = tmp_path
    channel_create(name="党务公开", code="disclosure", slug="dangwu", kind="disclosure")
    made = {"standard": make_standard(world),
            "draft": make_standard(world, org=world.district_a, title="和平区社区标准", sector="community", issue=False)}
    a_admin, secretary = world.users["a_admin"], world.users["secretary"]
    made["submitted"] = start(world)
    first = item_ids(made["submitted"])[0]
    services.assessment_self_score(actor=secretary, assessment=made["submitted"],
                                   scores={pk: (9, "记录齐全") for pk in item_ids(made["submitted"])},
                                   uploads={first: pdf()})
    services.assessment_submit(actor=secretary, assessment=made["submitted"])
    made["score"] = AssessmentScore.objects.get(assessment=made["submitted"], item_id=first)
    made["assessed"] = start(world, org=world.branch_a2)
    fill(world, made["assessed"], actor=a_admin)
    services.assessment_submit(actor=a_admin, assessment=made["assessed"])
    assess(world, made["assessed"], 10)
    made["exemplar"] = services.exemplar_select(actor=a_admin, org=world.district_a, assessment=made["assessed"],
                                                title="朝阳里二支部典型", story="支部带领党员参与网格治理。")
    made["b"] = services.assessment_start(actor=world.users["b_admin"], org=world.branch_b1, year=YEAR)
    return made


def object_urls(scene) -> dict[str, str]:
    """Every page about one object of district A, by url name."""
    submitted, assessed = scene["submitted"].pk, scene["assessed"].pk
    return {
        "fivegood:standard": reverse("fivegood:standard", args=[scene["draft"].pk]),
        "fivegood:standard_edit": reverse("fivegood:standard_edit", args=[scene["draft"].pk]),
        "fivegood:standard_issue": reverse("fivegood:standard_issue", args=[scene["draft"].pk]),
        "fivegood:standard_version": reverse("fivegood:standard_version", args=[scene["draft"].pk]),
        "fivegood:assessment": reverse("fivegood:assessment", args=[submitted]),
        "fivegood:self_score": reverse("fivegood:self_score", args=[submitted]),
        "fivegood:submit": reverse("fivegood:submit", args=[submitted]),
        "fivegood:assess": reverse("fivegood:assess", args=[submitted]),
        "fivegood:return": reverse("fivegood:return", args=[submitted]),
        "fivegood:reopen": reverse("fivegood:reopen", args=[assessed]),
        "fivegood:exemplar_new": reverse("fivegood:exemplar_new", args=[assessed]),
        "fivegood:score_file": reverse("fivegood:score_file", args=[scene["score"].pk]),
        "fivegood:exemplar_publish": reverse("fivegood:exemplar_publish", args=[scene["exemplar"].pk]),
    }


def org_urls(world) -> dict[str, str]:
    code = world.district_a.code
    return {"fivegood:home": reverse("fivegood:home") + f"?org={code}",
            "fivegood:standard_new": reverse("fivegood:standard_new") + f"?org={code}",
            "fivegood:assessment_new": reverse("fivegood:assessment_new") + f"?org={world.branch_a2.code}"}


LISTS = ("fivegood:standards", "fivegood:assessments", "fivegood:exemplars")


def written() -> tuple:
    return (StandardSet.objects.count(), list(StandardSet.objects.order_by("pk").values_list("state", "title")),
            list(Assessment.objects.order_by("pk").values_list("state", "grade", "self_total", "return_reason")),
            list(AssessmentScore.objects.order_by("pk").values_list("self_score", "upper_score", "evidence")),
            GradeChange.objects.count(), list(Exemplar.objects.values_list("state", flat=True)),
            Article.objects.count())


# --- pages -----------------------------------------------------------------------------------------

def test_every_page_asks_the_anonymous_to_log_in(world, scene):
    before = written()
    anonymous = Client()
    urls = {**object_urls(scene), **org_urls(world), **{name: reverse(name) for name in LISTS}}
    assert set(urls) == PAGES
    for name, url in urls.items():
        response = anonymous.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], name
        assert anonymous.post(url).status_code == 302, name
    assert written() == before


def test_every_page_in_scope_answers(world, scene):
    client = world.client("a_admin")
    urls = {**object_urls(scene), **org_urls(world)}
    for name, url in urls.items():
        if name not in ("fivegood:self_score", "fivegood:submit", "fivegood:assessment_new"):
            assert client.get(url).status_code == 200, name
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200, name
    secretary = world.client("secretary")
    for name in ("fivegood:assessment", "fivegood:self_score", "fivegood:submit", "fivegood:score_file"):
        assert secretary.get(urls[name]).status_code == 200, name
    assert client.get(reverse("fivegood:assessment_new") + f"?org={world.branch_a1.code}").status_code == 200
    download = client.get(urls["fivegood:score_file"])
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_the_pages_show_what_they_are_about(world, scene):
    client = world.client("a_admin")
    urls = object_urls(scene)
    page = client.get(urls["fivegood:assessment"]).content.decode()
    assert "会议记录.pdf" in page and 'id="assess"' in page and "待上级考评" in page
    assert "支部班子好第一条" in client.get(urls["fivegood:standard"]).content.decode()
    home = client.get(reverse("fivegood:home")).content.decode()
    assert 'id="to-assess"' in home and world.branch_a1.name in home and world.street_a.name in home
    assert 'id="total-five-good">1<' in home and 'id="total-exemplars">1<' in home
    exemplars = client.get(reverse("fivegood:exemplars")).content.decode()
    assert "朝阳里二支部典型" in exemplars
    assert reverse("fivegood:exemplar_publish", args=[scene["exemplar"].pk]) in exemplars  # 宣传, for 和平区
    assert "五好党支部" in client.get(reverse("fivegood:assessments") + "?grade=five_good").content.decode()
    assert reverse("fivegood:home") in client.get(reverse("oversight:home")).content.decode()
    secretary_home = world.client("secretary").get(reverse("fivegood:home")).content.decode()
    assert 'id="to-assess"' not in secretary_home  # the branch does not assess itself


def test_every_page_is_not_found_out_of_scope(world, scene):
    before = written()
    other = world.client("b_admin")
    for name, url in {**object_urls(scene), **org_urls(world)}.items():
        assert other.get(url).status_code == 404, name
        if name != "fivegood:score_file":
            assert other.post(url, {"reason": "不行", "title": "改", "story": "改"}).status_code == 404, name
    for name in LISTS:
        body = other.get(reverse(name)).content.decode()
        for text in (world.branch_a1.name, "朝阳里二支部典型", "和平区社区标准"):
            assert text not in body, (name, text)
    assert written() == before


def test_a_member_and_an_outsider_find_no_page(world, scene):
    for persona in ("member", "outsider"):
        client = world.client(persona)
        for name, url in {**object_urls(scene), **org_urls(world)}.items():
            assert client.get(url).status_code == 404, (persona, name)
        for name in (*LISTS, "fivegood:home"):
            assert client.get(reverse(name)).status_code == 404, (persona, name)


def test_the_secretary_does_not_assess_or_select_its_own_branch(world, scene):
    before = written()
    secretary = world.client("secretary")
    urls = object_urls(scene)
    for name in ("fivegood:assess", "fivegood:return", "fivegood:standard", "fivegood:standard_edit"):
        assert secretary.get(urls[name]).status_code == 404, name
    assert secretary.post(urls["fivegood:assess"], {}).status_code == 404
    for name in ("fivegood:reopen", "fivegood:exemplar_new", "fivegood:exemplar_publish"):  # branch A2's
        assert secretary.get(urls[name]).status_code == 404, name
    assert written() == before


def test_malformed_and_unknown_ids_and_orgs_are_not_found(world, scene):
    client = world.client("city_admin")
    for name in ("fivegood:standard", "fivegood:standard_edit", "fivegood:assessment", "fivegood:self_score",
                 "fivegood:assess", "fivegood:score_file", "fivegood:exemplar_publish"):
        url = reverse(name, args=[1]).replace("/1/", f"/{HUGE}/")
        assert client.get(url).status_code == 404, name
    for name in ("fivegood:home", "fivegood:standard_new", "fivegood:assessment_new"):
        assert client.get(reverse(name) + "?org=NOSUCH").status_code == 404, name
        assert client.get(reverse(name) + "?org=%00bad").status_code in (400, 404, 422), name
    for query in ("year=abc", f"year={HUGE}", "state=moon", "grade=moon", "org=NOSUCH"):
        assert client.get(reverse("fivegood:assessments") + f"?{query}").status_code == 200, query


# --- writes on the pages ---------------------------------------------------------------------------

def test_the_whole_round_on_the_pages(world, scene):
    admin, secretary = world.client("a_admin"), world.client("secretary")
    submitted = scene["submitted"]
    returned = admin.post(reverse("fivegood:return", args=[submitted.pk]), {"reason": "佐证材料不全"})
    assert returned.status_code == 302
    assert 'id="to-fill"' in secretary.get(reverse("fivegood:home")).content.decode()
    ids = item_ids(submitted)
    saved = secretary.post(reverse("fivegood:self_score", args=[submitted.pk]), {
        **{f"score_{pk}": 10 for pk in ids}, **{f"evidence_{pk}": "已补充" for pk in ids},
        f"file_{ids[1]}": pdf("补充.pdf")})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert secretary.post(reverse("fivegood:submit", args=[submitted.pk])).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.self_total) == (AssessmentState.SUBMITTED, 100)
    assessed = admin.post(reverse("fivegood:assess", args=[submitted.pk]),
                          {**{f"score_{pk}": 8 for pk in ids}, f"note_{ids[0]}": "记录不够规范"})
    assert assessed.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.grade, submitted.upper_total) == (AssessmentState.ASSESSED, Grade.QUALIFIED, 80)
    page = admin.get(submitted.get_absolute_url()).content.decode()
    assert "合格" in page and "记录不够规范" in page and 'id="reopen"' in page and 'id="select"' not in page
    # Standards: a new draft from the form, issued; an exemplar published.
    made = admin.post(reverse("fivegood:standard_new") + f"?org={world.district_a.code}", {
        "title": "和平区农村标准", "year": YEAR, "sector": "rural", "org_kind": "branch", "items": ITEMS})
    standard = StandardSet.objects.get(title="和平区农村标准")
    assert made.status_code == 302 and made["Location"] == standard.get_absolute_url()
    assert admin.post(reverse("fivegood:standard_issue", args=[standard.pk])).status_code == 302
    standard.refresh_from_db()
    assert standard.state == "issued"
    assert admin.post(reverse("fivegood:exemplar_publish", args=[scene["exemplar"].pk])).status_code == 302
    assert Exemplar.objects.get().state == ExemplarState.PUBLISHED
    assert Article.objects.filter(external_key=f"fivegood:exemplar:{scene['exemplar'].pk}").exists()


def test_refusals_answer_in_chinese_and_write_nothing(world, scene):
    before = written()
    admin = world.client("a_admin")
    lines = admin.post(reverse("fivegood:standard_new") + f"?org={world.district_a.code}", {
        "title": "标准", "year": YEAR, "sector": "", "org_kind": "branch", "items": "# 支部班子好\n班子健全 | 很多"})
    assert lines.status_code == 200 and "第2行：分值须是1至100的整数" in lines.content.decode()
    issued = admin.post(reverse("fivegood:standard_edit", args=[scene["standard"].pk]), {
        "title": "改", "year": YEAR, "sector": "", "org_kind": "branch", "items": ITEMS})
    assert issued.status_code == 404  # the city's standard: 和平区 does not change it
    ids = item_ids(scene["submitted"])
    too_high = admin.post(reverse("fivegood:assess", args=[scene["submitted"].pk]), {f"score_{pk}": 11 for pk in ids})
    assert too_high.status_code == 200 and "10" in too_high.content.decode()
    blank = admin.post(reverse("fivegood:return", args=[scene["submitted"].pk]), {"reason": ""})
    assert blank.status_code == 200 and "这个字段是必填项" in blank.content.decode()
    secretary = world.client("secretary")
    again = secretary.post(reverse("fivegood:submit", args=[scene["submitted"].pk]))
    assert again.status_code == 302  # a button: the refusal is a message on the assessment page
    assert "不能再提交" in secretary.get(again["Location"]).content.decode()
    twice = admin.post(reverse("fivegood:exemplar_new", args=[scene["assessed"].pk]), {"title": "再选", "story": "事迹"})
    assert twice.status_code == 200 and "已是2026年的先进典型" in twice.content.decode()
    fake = SimpleUploadedFile("照片.png", b"not an image", content_type="image/png")
    refused = world.client("secretary").post(reverse("fivegood:self_score", args=[scene["submitted"].pk]),
                                             {f"file_{ids[0]}": fake})
    assert refused.status_code == 200
    assert written() == before


# --- the lists: query counts, export ---------------------------------------------------------------

def more_rows(world, n):
    """``n`` more standards, assessments and exemplars in district A (a year each)."""
    admin = world.users["a_admin"]
    for i in range(n):
        year = 2010 + i + (10 if StandardSet.objects.filter(year=2010 + i).exists() else 0)
        make_standard(world, year=year)
        assessment = services.assessment_start(actor=admin, org=world.branch_a1, year=year)
        fill(world, assessment)
        services.assessment_submit(actor=admin, assessment=assessment)
        assess(world, assessment, 10)
        services.exemplar_select(actor=admin, org=world.district_a, assessment=assessment, title=f"典型{i}",
                                 story="事迹")


def test_the_lists_query_counts_do_not_grow_with_their_rows(world, scene, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, api = world.client("a_admin"), api_client("a_admin")
    urls = [reverse(name) for name in LISTS] + [reverse("fivegood:home"), reverse("fivegood:assessments")
                                                + "?export=csv"]
    api_urls = [f"{BASE}/{path}" for path in ("standards", "assessments", "exemplars", "counts")]
    more_rows(world, 1)
    counted = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counted[url] = len(captured)
    for url in api_urls:
        api.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        counted[url] = len(captured)
    more_rows(world, 5)
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            assert client.get(url).status_code == 200
    for url in api_urls:
        with django_assert_max_num_queries(counted[url]):
            assert api.get(url).status_code == 200


def test_the_export_is_the_users_rows(world, scene):
    export = reverse("fivegood:assessments") + "?export=csv"
    mine = world.client("a_admin").get(export)
    assert mine.status_code == 200 and mine["Content-Type"].startswith("text/csv")
    text = mine.content.decode("utf-8-sig")
    assert world.branch_a1.name in text and world.branch_a2.name in text and world.branch_b1.name not in text
    assert "五好党支部" in text and "待上级考评" in text
    branch = world.client("secretary").get(export).content.decode("utf-8-sig")
    assert world.branch_a1.name in branch and world.branch_a2.name not in branch
    filtered = world.client("city_admin").get(export + "&grade=five_good").content.decode("utf-8-sig")
    assert world.branch_a2.name in filtered and world.branch_a1.name not in filtered
    assert AuditEntry.objects.filter(action="export", object_type="fivegood.assessment").count() == 3
    assert world.client("member").get(export).status_code == 404


# --- the API ---------------------------------------------------------------------------------------

def api_calls(world, scene) -> list[tuple[str, str, dict | None]]:
    """One call of every operation on district A's objects: (method, url, body)."""
    submitted, assessed, draft = scene["submitted"].pk, scene["assessed"].pk, scene["draft"].pk
    dims = [{"name": "支部班子好", "items": [{"text": "班子健全", "points": 10}]}]
    ids = item_ids(scene["submitted"])
    return [
        ("get", f"{BASE}/counts?org={world.district_a.code}", None),
        ("get", f"{BASE}/standards/{draft}", None),
        ("get", f"{BASE}/applicable?org={world.branch_a1.code}", None),
        ("post", f"{BASE}/standards", {"org_id": world.district_a.pk, "title": "区农村标准", "year": YEAR,
                                       "sector": "rural", "dimensions": dims}),
        ("put", f"{BASE}/standards/{draft}", {"title": "改名", "year": YEAR, "sector": "community",
                                              "dimensions": dims}),
        ("post", f"{BASE}/standards/{draft}/issue", None),
        ("post", f"{BASE}/standards/{draft}/version", None),
        ("get", f"{BASE}/assessments/{submitted}", None),
        ("post", f"{BASE}/assessments", {"org_id": world.street_a.pk, "year": YEAR}),
        ("put", f"{BASE}/assessments/{submitted}/self", {"scores": [{"item_id": ids[0], "score": 5}]}),
        ("post", f"{BASE}/assessments/{submitted}/submit", None),
        ("post", f"{BASE}/assessments/{submitted}/return", {"reason": "不全"}),
        ("post", f"{BASE}/assessments/{submitted}/assess", {"scores": [{"item_id": pk, "score": 10} for pk in ids]}),
        ("post", f"{BASE}/assessments/{assessed}/reopen", {"reason": "重评"}),
        ("post", f"{BASE}/grade", {"org_id": world.branch_a1.pk, "year": YEAR, "grade": "five_good"}),
        ("post", f"{BASE}/assessments/{assessed}/exemplar", {"title": "典型", "story": "事迹"}),
        ("post", f"{BASE}/exemplars/{scene['exemplar'].pk}/publish", None),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_every_api_operation_needs_a_token(world, scene):
    anonymous = Client()
    calls = api_calls(world, scene) + [("get", f"{BASE}/{path}", None)
                                       for path in ("standards", "assessments", "exemplars")]
    for method, url, body in calls:
        assert call(anonymous, method, url, body).status_code == 401, url


def test_every_api_operation_is_not_found_out_of_scope(world, scene):
    before = written()
    for persona in ("b_admin", "member", "outsider"):
        client = api_client(persona)
        for method, url, body in api_calls(world, scene):
            response = call(client, method, url, body)
            assert response.status_code == 404, (persona, method, url, response.content[:300])
    other = api_client("b_admin")
    assert [a["org_id"] for a in other.get(f"{BASE}/assessments").json()["items"]] == [world.branch_b1.pk]
    assert other.get(f"{BASE}/exemplars").json()["items"] == []
    for persona in ("member", "outsider"):
        for path in ("standards", "assessments", "exemplars", "counts"):
            assert api_client(persona).get(f"{BASE}/{path}").status_code == 404, (persona, path)
    assert written() == before


def test_the_api_round(world, scene):
    admin, secretary = api_client("a_admin"), api_client("secretary")
    url = f"{BASE}/assessments/{scene['submitted'].pk}"
    ids = item_ids(scene["submitted"])
    assert admin.post(f"{url}/return", {"reason": "不全"}, content_type="application/json").json()["state"] == "self"
    saved = secretary.put(f"{url}/self", {"scores": [{"item_id": pk, "score": 10, "evidence": "齐全"} for pk in ids]},
                          content_type="application/json")
    assert saved.status_code == 200 and saved.json()["self_total"] == 100
    assert secretary.post(f"{url}/submit", content_type="application/json").json()["state"] == "submitted"
    assert secretary.post(f"{url}/assess", {"scores": [{"item_id": pk, "score": 10} for pk in ids]},
                          content_type="application/json").status_code == 404
    done = admin.post(f"{url}/assess", {"scores": [{"item_id": pk, "score": 9} for pk in ids]},
                      content_type="application/json")
    assert done.status_code == 200 and done.json()["grade"] == "five_good" and done.json()["upper_total"] == 90
    chosen = admin.post(f"{url}/exemplar", {"title": "一支部典型", "story": "事迹"}, content_type="application/json")
    assert chosen.status_code == 201
    published = admin.post(f"{BASE}/exemplars/{chosen.json()['id']}/publish", content_type="application/json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    counts = admin.get(f"{BASE}/counts?year={YEAR}").json()["rows"][0]
    assert (counts["org_id"], counts["assessed"], counts["five_good"], counts["exemplars"]) == (
        world.district_a.pk, 2, 2, 2)
    applicable = secretary.get(f"{BASE}/applicable?org={world.branch_a1.code}&year={YEAR}").json()
    assert applicable["id"] == scene["standard"].pk and len(applicable["dimensions"]) == 5


def test_api_refusals_answer_422_in_chinese_and_write_nothing(world, scene):
    before = written()
    admin = api_client("a_admin")
    grade = admin.post(f"{BASE}/grade", {"org_id": world.branch_a2.pk, "year": YEAR, "grade": "failed"},
                       content_type="application/json")
    assert grade.status_code == 422 and "等次调整须经上级考评" in refusal_text(grade)
    none = admin.post(f"{BASE}/grade", {"org_id": world.branch_a1.pk, "year": YEAR, "grade": "five_good"},
                      content_type="application/json")
    assert none.status_code == 422 and "等次调整须经上级考评" in refusal_text(none)
    issued = api_client("city_admin").put(f"{BASE}/standards/{scene['standard'].pk}", {
        "title": "改", "year": YEAR, "dimensions": [{"name": "维度", "items": [{"text": "条", "points": 5}]}]},
        content_type="application/json")
    assert issued.status_code == 422 and "已印发" in refusal_text(issued)
    ids = item_ids(scene["submitted"])
    high = admin.post(f"{BASE}/assessments/{scene['submitted'].pk}/assess",
                      {"scores": [{"item_id": pk, "score": 11} for pk in ids]}, content_type="application/json")
    assert high.status_code == 422 and "须在0至10分之间" in refusal_text(high)
    not_five = admin.post(f"{BASE}/assessments/{scene['submitted'].pk}/exemplar", {"title": "典型", "story": "事迹"},
                          content_type="application/json")
    assert not_five.status_code == 422 and "五好党支部" in refusal_text(not_five)
    street = admin.post(f"{BASE}/assessments", {"org_id": world.street_a.pk, "year": YEAR},
                        content_type="application/json")
    assert street.status_code == 422 and "只有党支部" in refusal_text(street)
    assert written() == before


def test_malformed_ids_and_parameters_are_404_or_422_not_errors(world, scene):
    client = api_client("city_admin")
    for path in ("standards", "assessments"):
        assert client.get(f"{BASE}/{path}/{HUGE}").status_code == 404, path
        assert client.get(f"{BASE}/{path}/abc").status_code == 404, path
        assert client.get(f"{BASE}/{path}/0").status_code in (404, 422), path
    for url in (f"{BASE}/assessments/{HUGE}/submit", f"{BASE}/exemplars/{HUGE}/publish",
                f"{BASE}/standards/{HUGE}/issue"):
        assert client.post(url, {}, content_type="application/json").status_code in (404, 422), url
    for query in ("org=%00", "org=" + "x" * 41, "org=NOSUCH", "year=1800"):
        assert client.get(f"{BASE}/counts?{query}").status_code in (404, 422), query
    assert client.get(f"{BASE}/applicable").status_code == 422
    bad = client.post(f"{BASE}/standards", {"org_id": 0, "title": "", "year": 1, "dimensions": []},
                      content_type="application/json")
    assert bad.status_code == 422 and any("\u4e00" <= ch <= "\u9fff" for ch in refusal_text(bad))
