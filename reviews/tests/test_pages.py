"""述职评议 pages and API: every page and API operation answers the anonymous with the login (401
for the API), in scope with the page or the write, out of scope with 404 (``SCOPE_TESTED``, for
orgs/tests/test_scope.py's meta-test); refusals answer in Chinese and write nothing; the lists'
query counts do not grow with their rows; the results export is the user's rows only."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditEntry
from dangjian.testing import api_client, pdf_bytes, refusal_text
from reviews import services
from reviews.models import FollowUp, Rating, ReportRound, ReportSubject, ReviewerGroup
from reviews.tests.test_reviews import closed_round

pytestmark = pytest.mark.django_db

PAGES = {"reviews:home", "reviews:rounds", "reviews:round_new", "reviews:round", "reviews:round_edit",
         "reviews:group_new", "reviews:group_edit", "reviews:group_delete", "reviews:round_open",
         "reviews:round_close", "reviews:subject", "reviews:subject_report", "reviews:subject_file",
         "reviews:subject_rate", "reviews:subject_feedback", "reviews:results", "reviews:followups",
         "reviews:followup_done"}
API = {"api:reviews_rounds", "api:reviews_round", "api:reviews_round_add", "api:reviews_group_add",
       "api:reviews_round_open", "api:reviews_round_close", "api:reviews_subject", "api:reviews_to_rate",
       "api:reviews_rating_add", "api:reviews_results", "api:reviews_followups", "api:reviews_followup_done"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/reviews"


def district_round(world, *, year=None, opened=False) -> ReportRound:
    """和平区's round over its street (a draft with one group of its admin and the secretary, 90%), or,
    ``opened``, 河西区's round over its branch, open, its admin the one reviewer."""
    year = year or timezone.localdate().year
    if opened:
        round = services.round_save(actor=world.users["b_admin"], org=world.district_b, year=year,
                                    title=f"{year}年度河西区述职评议", subjects=[world.branch_b1])
        services.group_save(actor=world.users["b_admin"], round=round, name="区委常委", weight=100,
                            reviewers=["b_admin"])
        return services.round_open(actor=world.users["b_admin"], round=round)
    round = services.round_save(actor=world.users["a_admin"], org=world.district_a, year=year,
                                title=f"{year}年度和平区述职评议", subjects=[world.street_a])
    services.group_save(actor=world.users["a_admin"], round=round, name="区委常委", weight=90,
                        reviewers=["a_admin", "secretary"])
    return round


@pytest.fixture
def scene(world, settings, tmp_path):
    """The city's round closed (和平区 78.00 较好 with feedback and a follow-up, 河西区 84.00), 和平区's
    draft round (its street's report a PDF), 河西区's open round."""
    settings.FILES_ROOT = tmp_path
    city = closed_round(world)
    hp = city.subjects.get(org=world.district_a)
    services.subject_feedback(actor=world.users["city_admin"], subject=hp, feedback="暗访发现组织生活不规范",
                              followups=[("规范三会一课记录", timezone.localdate() + timedelta(days=30))])
    draft = district_round(world)
    street = draft.subjects.get()
    services.subject_report(actor=world.users["a_admin"], subject=street, report="街道党工委述职报告",
                            upload=SimpleUploadedFile("述职报告.pdf", pdf_bytes(), content_type="application/pdf"))
    return {"city": city, "hp": hp, "draft": draft, "group": draft.groups.get(), "street": street,
            "open": district_round(world, opened=True), "followup": FollowUp.objects.get()}


def written() -> tuple:
    return (ReportRound.objects.count(), list(ReportRound.objects.order_by("pk").values_list("state", flat=True)),
            ReportSubject.objects.count(), ReviewerGroup.objects.count(), Rating.objects.count(),
            FollowUp.objects.filter(done_on__isnull=False).count(),
            list(ReportSubject.objects.order_by("pk").values_list("report", "feedback")))


def page_urls(scene) -> dict[str, tuple[str, str]]:
    """Each page: (url, method) on 和平区's objects (the city's subject for 和平区, its draft)."""
    draft, group = scene["draft"], scene["group"]
    return {
        "reviews:home": ("/reviews/", "get"),
        "reviews:rounds": (reverse("reviews:rounds"), "get"),
        "reviews:round_new": (reverse("reviews:round_new") + "?org=HP", "get"),
        "reviews:round": (reverse("reviews:round", args=[draft.pk]), "get"),
        "reviews:round_edit": (reverse("reviews:round_edit", args=[draft.pk]), "get"),
        "reviews:group_new": (reverse("reviews:group_new", args=[draft.pk]), "get"),
        "reviews:group_edit": (reverse("reviews:group_edit", args=[draft.pk, group.pk]), "get"),
        "reviews:group_delete": (reverse("reviews:group_delete", args=[draft.pk, group.pk]), "post"),
        "reviews:round_open": (reverse("reviews:round_open", args=[draft.pk]), "post"),
        "reviews:subject": (reverse("reviews:subject", args=[scene["hp"].pk]), "get"),
        "reviews:subject_report": (reverse("reviews:subject_report", args=[scene["street"].pk]), "get"),
        "reviews:subject_file": (reverse("reviews:subject_file", args=[scene["street"].pk]), "get"),
        "reviews:results": (reverse("reviews:results"), "get"),
        "reviews:followups": (reverse("reviews:followups"), "get"),
        "reviews:followup_done": (reverse("reviews:followup_done", args=[scene["followup"].pk]), "get"),
    }


def test_every_page_asks_the_anonymous_to_log_in(world, scene):
    anonymous = Client()
    urls = {**page_urls(scene), "reviews:round_close": (reverse("reviews:round_close", args=[scene["open"].pk]), "get"),
            "reviews:subject_rate": (reverse("reviews:subject_rate", args=[scene["open"].subjects.get().pk]), "get"),
            "reviews:subject_feedback": (reverse("reviews:subject_feedback", args=[scene["hp"].pk]), "get")}
    assert set(urls) == PAGES
    before = written()
    for name, (url, method) in urls.items():
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    assert written() == before


def test_every_page_in_scope(world, scene):
    client = world.client("a_admin")
    for name, (url, method) in page_urls(scene).items():
        if method == "get":
            assert client.get(url).status_code == 200, name
    page = client.get(reverse("reviews:subject", args=[scene["hp"].pk])).content.decode()
    assert 'id="score"' in page and "78.00" in page and "规范三会一课记录" in page
    assert 'id="ratings"' not in page  # the reviewed org sees the result, not the ratings


def test_every_page_is_not_found_out_of_scope(world, scene):
    before = written()
    client = world.client("b_admin")
    for name, (url, method) in page_urls(scene).items():
        if name in ("reviews:home", "reviews:rounds", "reviews:results", "reviews:followups"):
            continue  # 河西区's own lists
        assert getattr(client, method)(url).status_code == 404, name
    # The convening org's pages: the reviewed org's admin neither closes nor writes the feedback.
    a_admin = world.client("a_admin")
    assert a_admin.get(reverse("reviews:round_close", args=[scene["open"].pk])).status_code == 404
    assert a_admin.get(reverse("reviews:subject_rate", args=[scene["open"].subjects.get().pk])).status_code == 404
    assert a_admin.get(reverse("reviews:subject_feedback", args=[scene["hp"].pk])).status_code == 404
    assert a_admin.post(reverse("reviews:subject_feedback", args=[scene["hp"].pk]), {"feedback": "改"}).status_code == 404
    for persona in ("outsider",):
        outsider = world.client(persona)
        for name in ("reviews:home", "reviews:rounds", "reviews:results", "reviews:followups"):
            assert outsider.get(page_urls(scene)[name][0]).status_code == 404, name
    assert written() == before


def test_the_convening_org_sees_the_ratings_per_group_and_writes_the_feedback(world, scene):
    client = world.client("city_admin")
    page = client.get(reverse("reviews:subject", args=[scene["hp"].pk])).content.decode()
    assert 'id="ratings"' in page and "市委常委" in page and "平均 90.0" in page
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = client.post(reverse("reviews:subject_feedback", args=[scene["hp"].pk]),
                           {"feedback": "问题整改要见底", "followup_1": "建立问题清单", "due_1": due})
    assert response.status_code == 302
    assert FollowUp.objects.filter(text="建立问题清单", org=world.district_a).exists()
    city = client.get(reverse("reviews:round", args=[scene["city"].pk])).content.decode()
    assert "78.00" in city and "84.00" in city and "已完成" in city


def test_a_reviewer_without_a_role_rates_from_the_home_page(world, scene):
    """The member (no oversight role) is a reviewer of the city's round; in an open round they
    find the subjects on the home page and rate; the rating form refuses a second rating."""
    round = services.round_save(actor=world.users["a_admin"], org=world.district_a, year=2020, title="2020年度述职",
                                subjects=[world.street_a])
    services.group_save(actor=world.users["a_admin"], round=round, name="党员代表", weight=100, reviewers=["member"])
    services.round_open(actor=world.users["a_admin"], round=round)
    member = world.client("member")
    home = member.get("/reviews/").content.decode()
    subject = round.subjects.get()
    assert reverse("reviews:subject_rate", args=[subject.pk]) in home and "述职评议" in home
    response = member.post(reverse("reviews:subject_rate", args=[subject.pk]), {"grade": "fair", "comment": "问题找得准"})
    assert response.status_code == 302 and Rating.objects.filter(subject=subject, grade="fair").exists()
    again = member.post(reverse("reviews:subject_rate", args=[subject.pk]), {"grade": "good"})
    assert again.status_code == 200 and "已评议过该述职对象" in again.content.decode()
    assert Rating.objects.filter(subject=subject).count() == 1
    assert member.get(reverse("reviews:subject", args=[subject.pk])).status_code == 200
    assert member.get(reverse("reviews:round", args=[round.pk])).status_code == 404  # the round is the org's
    assert member.get(reverse("reviews:rounds")).status_code == 404


def test_the_form_refuses_bad_input_in_chinese_and_writes_nothing(world, scene):
    before = written()
    client = world.client("a_admin")
    draft = scene["draft"]
    response = client.post(reverse("reviews:round_open", args=[draft.pk]), follow=True)
    assert "各评议组权重合计须为100%，现为90%" in response.content.decode()
    response = client.post(reverse("reviews:group_new", args=[draft.pk]),
                           {"name": "党代表", "weight": "20", "reviewers": "secretary"})
    assert response.status_code == 200 and "一人只能在一个评议组" in response.content.decode()
    response = client.post(reverse("reviews:round_new") + "?org=HP",
                           {"title": "又一轮", "year": str(timezone.localdate().year), "subjects": "HP01"})
    assert "已有" in response.content.decode()
    response = client.post(reverse("reviews:round_new") + "?org=HP", {"title": "x", "year": "2019", "subjects": "HX"})
    assert "没有这些党组织：HX" in response.content.decode()
    assert written() == before


def test_the_results_export_is_the_users_rows(world, scene):
    export = reverse("reviews:results") + "?export=csv"
    city = world.client("city_admin").get(export)
    assert city.status_code == 200 and city["Content-Type"].startswith("text/csv")
    text = city.content.decode("utf-8-sig")
    assert "78.00" in text and "84.00" in text and "较好" in text
    mine = world.client("a_admin").get(export).content.decode("utf-8-sig")
    assert "78.00" in mine and "84.00" not in mine
    assert AuditEntry.objects.filter(action="export", object_type="reviews.reportsubject").count() == 2


def more_rows(world, count: int, start: int = 0):
    """Rounds of 和平区 in earlier years (drafts) and of 河西区 (open, its admin the reviewer), follow-ups."""
    year = timezone.localdate().year
    hx = ReportSubject.objects.get(org=world.district_b, round__org=world.city)
    for n in range(start, start + count):
        district_round(world, year=year - 1 - n)
        district_round(world, year=year - 1 - n, opened=True)
        services.subject_feedback(actor=world.users["city_admin"], subject=hx, feedback="意见",
                                  followups=[(f"整改{n}", timezone.localdate() + timedelta(days=10 + n))])


def test_the_lists_query_counts_do_not_grow_with_their_rows(world, scene, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = [(world.client(name), url) for name, url in (
        ("city_admin", reverse("reviews:rounds")), ("city_admin", reverse("reviews:results")),
        ("city_admin", reverse("reviews:followups")), ("city_admin", "/reviews/"), ("b_admin", "/reviews/"))]
    apis = [(api_client(name), f"{BASE}/{path}") for name, path in (
        ("city_admin", "rounds"), ("city_admin", "results"), ("city_admin", "followups"), ("b_admin", "to-rate"))]
    more_rows(world, 1)
    counted = {}
    for client, url in pages + apis:
        client.get(url)  # warm the per-session caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counted[(id(client), url)] = len(captured)
    more_rows(world, 5, start=1)
    for client, url in pages + apis:
        with django_assert_max_num_queries(counted[(id(client), url)]):
            assert client.get(url).status_code == 200, url
    assert len(apis[3][0].get(f"{BASE}/to-rate").json()) == 7


# --- the API -----------------------------------------------------------------------------------------


def api_calls(world, scene) -> list[tuple[str, str, dict | None]]:
    """One call of every operation on 和平区's objects: (method, url, body)."""
    draft, hp = scene["draft"], scene["hp"]
    return [
        ("get", f"{BASE}/rounds/{draft.pk}", None),
        ("post", f"{BASE}/rounds", {"org_id": world.district_a.pk, "year": 2019, "title": "2019年度述职",
                                    "subjects": ["HP01"]}),
        ("post", f"{BASE}/rounds/{draft.pk}/groups", {"name": "党代表", "weight": 10, "reviewers": ["member"]}),
        ("post", f"{BASE}/rounds/{draft.pk}/open", None),
        ("get", f"{BASE}/subjects/{hp.pk}", None),
        ("post", f"{BASE}/followups/{scene['followup'].pk}/done", {"note": "已规范"}),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, body or {}, content_type="application/json")


def test_every_api_operation_needs_a_token(world, scene):
    anonymous = Client()
    open_subject = scene["open"].subjects.get()
    calls = api_calls(world, scene) + [("get", f"{BASE}/{p}", None) for p in ("rounds", "results", "followups",
                                                                                 "to-rate")] + [
        ("post", f"{BASE}/rounds/{scene['open'].pk}/close", None),
        ("post", f"{BASE}/subjects/{open_subject.pk}/ratings", {"grade": "good"})]
    for method, url, body in calls:
        assert call(anonymous, method, url, body).status_code == 401, url


def test_every_api_operation_is_not_found_out_of_scope(world, scene):
    before = written()
    for persona in ("b_admin", "outsider"):
        client = api_client(persona)
        for method, url, body in api_calls(world, scene):
            response = call(client, method, url, body)
            assert response.status_code == 404, (persona, method, url, response.content[:300])
    a_admin = api_client("a_admin")
    assert a_admin.post(f"{BASE}/rounds/{scene['open'].pk}/close").status_code == 404
    open_subject = scene["open"].subjects.get()
    assert a_admin.post(f"{BASE}/subjects/{open_subject.pk}/ratings", {"grade": "good"},
                        content_type="application/json").status_code == 404
    for persona in ("member", "outsider"):
        for path in ("rounds", "results", "followups"):
            assert api_client(persona).get(f"{BASE}/{path}").status_code == 404, (persona, path)
    assert api_client("outsider").get(f"{BASE}/to-rate").json() == []
    assert written() == before


def test_every_api_operation_in_scope(world, scene):
    client = api_client("a_admin")
    for method, url, body in api_calls(world, scene):
        response = call(client, method, url, body)
        expected = 201 if url.endswith(("/rounds", "/groups")) else 200
        assert response.status_code == expected, (method, url, response.content[:500])
    assert ReportRound.objects.filter(year=2019, org=world.district_a).exists()
    assert ReportRound.objects.get(pk=scene["draft"].pk).state == "open"
    assert FollowUp.objects.get(pk=scene["followup"].pk).note == "已规范"
    assert client.get(f"{BASE}/subjects/{scene['hp'].pk}").json()["score"] in ("78.00", 78.0, "78")
    b_admin = api_client("b_admin")
    open_subject = scene["open"].subjects.get()
    assert [s["id"] for s in b_admin.get(f"{BASE}/to-rate").json()] == [open_subject.pk]
    rated = b_admin.post(f"{BASE}/subjects/{open_subject.pk}/ratings", {"grade": "good"},
                         content_type="application/json")
    assert rated.status_code == 201 and rated.json()["grade"] == "good"
    closed = b_admin.post(f"{BASE}/rounds/{scene['open'].pk}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    results = api_client("city_admin").get(f"{BASE}/results?year={timezone.localdate().year}").json()["items"]
    assert {r["grade"] for r in results} >= {"fair", "good"}


def test_api_refusals_answer_422_in_chinese_and_write_nothing(world, scene):
    before = written()
    b_admin = api_client("b_admin")
    open_subject = scene["open"].subjects.get()
    assert b_admin.post(f"{BASE}/rounds/{scene['open'].pk}/close").status_code == 422
    twice = [b_admin.post(f"{BASE}/subjects/{open_subject.pk}/ratings", {"grade": g},
                          content_type="application/json") for g in ("good", "poor")]
    assert twice[0].status_code == 201 and twice[1].status_code == 422
    assert "已评议过该述职对象" in refusal_text(twice[1])
    Rating.objects.filter(subject=open_subject).delete()
    bad = b_admin.post(f"{BASE}/subjects/{open_subject.pk}/ratings", {"grade": "excellent"},
                       content_type="application/json")
    assert bad.status_code == 422
    weights = api_client("a_admin").post(f"{BASE}/rounds/{scene['draft'].pk}/groups",
                                         {"name": "党代表", "weight": 10, "reviewers": ["nobody"]},
                                         content_type="application/json")
    assert weights.status_code == 422 and "没有这些账号：nobody" in refusal_text(weights)
    member = api_client("member")  # a reviewer of the closed city round
    closed_subject = scene["city"].subjects.get(org=world.district_b)
    late = member.post(f"{BASE}/subjects/{closed_subject.pk}/ratings", {"grade": "good"},
                       content_type="application/json")
    assert late.status_code == 422 and "不在评议阶段" in refusal_text(late)
    assert written() == before
