"""Oversight pages and API: every page and API operation answers the anonymous with the login (401
for the API), in scope with the page or the write, out of scope with 404 (``SCOPE_TESTED``, for
orgs/tests/test_scope.py's meta-test); refusals answer in Chinese and write nothing; the lists'
query counts do not grow with their rows; the ledger's export is the user's rows only."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditEntry
from dangjian.testing import api_client, pdf_bytes, refusal_text
from oversight import rules, services
from oversight.models import (
    Evidence,
    GuidancePlan,
    Inspection,
    ItemState,
    RectificationItem,
    SupervisionTeam,
    Visit,
)
from oversight.tests.test_oversight import (
    add_item,
    checks_for,
    half_of,
    make_plan,
    make_setup,
    make_team,
    start_inspection,
)

pytestmark = pytest.mark.django_db

PAGES = {"oversight:home", "oversight:rectification", "oversight:plans", "oversight:plan_new", "oversight:plan",
         "oversight:plan_edit", "oversight:teams", "oversight:team_new", "oversight:team", "oversight:visit_new",
         "oversight:visits", "oversight:visit", "oversight:visit_file", "oversight:inspections",
         "oversight:inspection_new", "oversight:inspection", "oversight:item_new", "oversight:items",
         "oversight:item", "oversight:evidence_submit", "oversight:evidence_return", "oversight:evidence_accept",
         "oversight:evidence_file"}
API = {"api:oversight_counts", "api:oversight_rectification", "api:oversight_plans", "api:oversight_plan",
       "api:oversight_plan_add", "api:oversight_plan_change", "api:oversight_checklist", "api:oversight_teams",
       "api:oversight_team", "api:oversight_team_add", "api:oversight_visits", "api:oversight_visit",
       "api:oversight_visit_add", "api:oversight_inspections", "api:oversight_inspection",
       "api:oversight_inspection_add", "api:oversight_item_add", "api:oversight_items", "api:oversight_item",
       "api:oversight_evidence_submit", "api:oversight_evidence_return", "api:oversight_evidence_accept"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/oversight"
HUGE = "99999999999999999999999"


def pdf(name="记录.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def scene(world, settings, tmp_path):
    """District A's plan, team (with a visit to branch A1, its photo a PDF) and unannounced
    inspection of branches A1 and A2: two items at A1 with evidence submitted by the branch's
    secretary (the first with a PDF), one at A2; district B's own inspection of its branch, with one
    item."""
    settings.FILES_ROOT = tmp_path
    made = make_setup(world)
    a_admin = world.users["a_admin"]
    made["other_item"] = add_item(world, made["inspection"], org=world.branch_a2, problem="二支部发展党员材料不全")
    made["plan"] = make_plan(world, org=world.district_a, title="和平区社区党建指导方案")
    made["team"] = make_team(world)
    made["visit"] = services.visit_record(actor=a_admin, team=made["team"], org=world.branch_a1,
                                          checks=checks_for(world.branch_a1), upload=pdf("现场.pdf"))
    made["evidence"] = services.evidence_submit(actor=made["secretary"], item=made["item"], text="已补开支委会",
                                                upload=pdf())
    made["second"] = add_item(world, made["inspection"], problem="党员教育管理台账缺失")
    services.evidence_submit(actor=made["secretary"], item=made["second"], text="已建立台账")
    today = timezone.localdate()
    b_inspection = services.inspection_start(
        actor=world.users["b_admin"], org=world.district_b, title="河西区专项巡查", year=today.year,
        half=half_of(today), kind="special", timing="random", notice="announced", targets=[world.branch_b1],
        started_on=today)
    made["b_item"] = services.item_add(actor=world.users["b_admin"], inspection=b_inspection, org=world.branch_b1,
                                       problem="河西支部未按期换届", owner="赵志强", deadline=today + timedelta(days=20),
                                       evidence_required="换届选举结果批复")
    return made


def object_urls(scene) -> dict[str, str]:
    """Every page about one object of district A, by url name."""
    item, team = scene["item"], scene["team"]
    return {
        "oversight:plan": reverse("oversight:plan", args=[scene["plan"].pk]),
        "oversight:plan_edit": reverse("oversight:plan_edit", args=[scene["plan"].pk]),
        "oversight:team": reverse("oversight:team", args=[team.pk]),
        "oversight:visit_new": reverse("oversight:visit_new", args=[team.pk]),
        "oversight:visit": reverse("oversight:visit", args=[scene["visit"].pk]),
        "oversight:visit_file": reverse("oversight:visit_file", args=[scene["visit"].pk]),
        "oversight:inspection": reverse("oversight:inspection", args=[scene["inspection"].pk]),
        "oversight:item_new": reverse("oversight:item_new", args=[scene["inspection"].pk]),
        "oversight:item": reverse("oversight:item", args=[item.pk]),
        "oversight:evidence_submit": reverse("oversight:evidence_submit", args=[item.pk]),
        "oversight:evidence_return": reverse("oversight:evidence_return", args=[item.pk]),
        "oversight:evidence_accept": reverse("oversight:evidence_accept", args=[item.pk]),
        "oversight:evidence_file": reverse("oversight:evidence_file", args=[scene["evidence"].pk]),
    }


def org_urls(world) -> dict[str, str]:
    """Every page about an org, naming district A."""
    code = world.district_a.code
    return {name: reverse(name) + f"?org={code}" for name in (
        "oversight:home", "oversight:rectification", "oversight:plan_new", "oversight:team_new",
        "oversight:inspection_new")}


LISTS = ("oversight:plans", "oversight:teams", "oversight:visits", "oversight:inspections", "oversight:items")


def written(scene) -> tuple:
    """What a refused write would have changed."""
    item = RectificationItem.objects.get(pk=scene["item"].pk)
    return (GuidancePlan.objects.count(), GuidancePlan.objects.get(pk=scene["plan"].pk).title,
            SupervisionTeam.objects.count(), Visit.objects.count(), Inspection.objects.count(),
            RectificationItem.objects.count(), Evidence.objects.count(), item.state, item.rounds)


# --- pages -----------------------------------------------------------------------------------------

def test_every_page_asks_the_anonymous_to_log_in(world, scene):
    before = written(scene)
    anonymous = Client()
    urls = {**object_urls(scene), **org_urls(world), **{name: reverse(name) for name in LISTS}}
    assert set(urls) == PAGES
    for name, url in urls.items():
        response = anonymous.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], name
        assert anonymous.post(url).status_code == 302, name
    assert written(scene) == before


def test_every_page_in_scope_answers(world, scene):
    client = world.client("a_admin")
    for name, url in {**object_urls(scene), **org_urls(world)}.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("oversight:visit_new", args=[scene["team"].pk])
                      + f"?org={world.branch_a1.pk}").status_code == 200
    # The files come back as they were uploaded.
    download = client.get(object_urls(scene)["oversight:evidence_file"])
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content) == pdf_bytes()
    assert client.get(object_urls(scene)["oversight:visit_file"])["Content-Type"] == "application/pdf"


def test_the_pages_show_what_they_are_about(world, scene):
    client = world.client("a_admin")
    urls = object_urls(scene)
    assert "三会一课记录不全" in client.get(urls["oversight:inspection"]).content.decode()
    item_page = client.get(urls["oversight:item"]).content.decode()
    assert "已补开支委会" in item_page and "记录.pdf" in item_page and 'id="accept"' in item_page
    assert "现场.pdf" in client.get(urls["oversight:visit"]).content.decode()
    assert "支部委员会健全" in client.get(urls["oversight:plan"]).content.decode()
    assert "第一督导组" in client.get(reverse("oversight:teams")).content.decode()
    home = client.get(reverse("oversight:home")).content.decode()
    assert world.street_a.name in home and 'id="to-accept"' in home
    plan = client.get(org_urls(world)["oversight:rectification"]).content.decode()
    assert 'id="total-open">3<' in plan


def test_every_page_is_not_found_out_of_scope(world, scene):
    before = written(scene)
    other = world.client("b_admin")  # another district
    for name, url in {**object_urls(scene), **org_urls(world)}.items():
        assert other.get(url).status_code == 404, name
        if not name.endswith("_file"):  # downloads answer GET only
            assert other.post(url, {"title": "改名", "comment": "不行", "text": "别的区"}).status_code == 404, name
    for name in LISTS:  # the lists answer, without district A's rows
        body = other.get(reverse(name)).content.decode()
        for text in ("三会一课记录不全", "第一督导组", "和平区社区党建指导方案", "基层党建综合巡查", world.branch_a1.name):
            assert text not in body, (name, text)
    assert written(scene) == before


def test_a_member_and_an_outsider_find_no_page(world, scene):
    for persona in ("member", "outsider"):
        client = world.client(persona)
        for name, url in {**object_urls(scene), **org_urls(world)}.items():
            assert client.get(url).status_code == 404, (persona, name)
        for name in (*LISTS, "oversight:home"):
            assert client.get(reverse(name)).status_code == 404, (persona, name)


def test_the_secretary_rectifies_the_branchs_item_without_seeing_the_unannounced_inspection(world, scene):
    secretary = world.client("secretary")
    urls = object_urls(scene)
    page = secretary.get(urls["oversight:item"])
    assert page.status_code == 200 and scene["inspection"].title in page.content.decode()
    assert urls["oversight:inspection"] not in page.content.decode()  # named, not linked
    for name in ("oversight:inspection", "oversight:item_new", "oversight:evidence_return",
                 "oversight:evidence_accept", "oversight:plan", "oversight:plan_edit", "oversight:team",
                 "oversight:visit_new"):
        assert secretary.get(urls[name]).status_code == 404, name
    # What was found at the branch: the visit, its photo and the branch's own evidence.
    for name in ("oversight:visit", "oversight:visit_file", "oversight:evidence_file", "oversight:evidence_submit"):
        assert secretary.get(urls[name]).status_code == 200, name
    assert secretary.get(reverse("oversight:home")).status_code == 200
    # Branch A2's item is not the secretary's.
    other = scene["other_item"]
    for name in ("oversight:item", "oversight:evidence_submit"):
        assert secretary.get(reverse(name, args=[other.pk])).status_code == 404, name
    assert secretary.post(reverse("oversight:evidence_submit", args=[other.pk]), {"text": "代交"}).status_code == 404
    assert other.problem not in secretary.get(reverse("oversight:items")).content.decode()
    assert scene["inspection"].title not in secretary.get(reverse("oversight:inspections")).content.decode()
    assert not Evidence.objects.filter(item=other).exists()


def test_an_evidence_file_of_another_branch_is_not_found(world, scene):
    other = services.evidence_submit(actor=world.users["a_admin"], item=scene["other_item"], text="区里代交",
                                     upload=pdf("二支部.pdf"))
    url = reverse("oversight:evidence_file", args=[other.pk])
    assert world.client("a_admin").get(url).status_code == 200
    for persona in ("secretary", "b_admin", "member", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    for persona in ("b_admin", "member", "outsider"):
        assert world.client(persona).get(object_urls(scene)["oversight:visit_file"]).status_code == 404, persona
    # A round without a file has no download.
    bare = services.evidence_submit(actor=world.users["secretary"], item=add_item(world, scene["inspection"]),
                                    text="无附件")
    assert world.client("a_admin").get(reverse("oversight:evidence_file", args=[bare.pk])).status_code == 404


def test_malformed_and_unknown_ids_and_orgs_are_not_found(world, scene):
    client = world.client("city_admin")
    for name in ("oversight:plan", "oversight:team", "oversight:visit_new", "oversight:visit", "oversight:visit_file",
                 "oversight:inspection", "oversight:item_new", "oversight:item", "oversight:evidence_submit",
                 "oversight:evidence_file"):
        url = reverse(name, args=[1]).replace("/1/", f"/{HUGE}/")
        assert client.get(url).status_code == 404, name
    for name in ("oversight:home", "oversight:rectification", "oversight:plan_new"):
        assert client.get(reverse(name) + "?org=NOSUCH").status_code == 404, name
        assert client.get(reverse(name) + "?org=%00bad").status_code in (400, 404, 422), name
    visit_new = reverse("oversight:visit_new", args=[scene["team"].pk])
    assert client.get(visit_new + f"?org={world.branch_a2.pk}").status_code == 404  # not the team's target
    assert client.post(visit_new, {"day": timezone.localdate().isoformat()}).status_code == 404  # no org chosen
    assert client.get(reverse("oversight:items") + "?inspection=abc").status_code == 200
    assert client.get(reverse("oversight:items") + f"?inspection={HUGE}").status_code == 200


# --- writes on the pages ---------------------------------------------------------------------------

def test_the_forms_write_through_the_services(world, scene):
    client = world.client("a_admin")
    today = timezone.localdate()
    code = world.district_a.code
    made = client.post(reverse("oversight:plan_new") + f"?org={code}", {
        "sector": "rural", "year": today.year, "title": "农村党建指导方案", "items": "村两委班子健全\n三会一课"})
    plan = GuidancePlan.objects.get(title="农村党建指导方案")
    assert made.status_code == 302 and made["Location"] == plan.get_absolute_url()
    assert list(plan.items.values_list("text", flat=True)) == ["村两委班子健全", "三会一课"]
    edited = client.post(reverse("oversight:plan_edit", args=[plan.pk]), {
        "sector": "rural", "year": today.year, "title": "农村党建指导方案（修订）", "items": "村两委班子健全"})
    assert edited.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "农村党建指导方案（修订）" and plan.items.count() == 1

    formed = client.post(reverse("oversight:team_new") + f"?org={code}", {
        "name": "第二督导组", "leader": "王强", "members": "", "formed_on": today.isoformat(),
        "targets": "HP01B01，朝阳里社区第二党支部"})
    assert formed.status_code == 302
    team = SupervisionTeam.objects.get(name="第二督导组")
    assert set(team.targets.values_list("org__code", flat=True)) == {"HP01B01", "HP01B02"}
    checks = {f"met_{pk}": "yes" for pk in checks_for(world.branch_a2)}
    first = next(iter(checks_for(world.branch_a2)))
    visited = client.post(reverse("oversight:visit_new", args=[team.pk]) + f"?org={world.branch_a2.pk}", {
        "day": today.isoformat(), **checks, f"met_{first}": "no", f"note_{first}": "未按期换届",
        "findings": "支委会换届超期", "file": pdf("照片.pdf")})
    assert visited.status_code == 302, visited.content.decode()[:2000]
    visit = Visit.objects.get(team=team)
    assert (visit.org, visit.problems, visit.file_name) == (world.branch_a2, 1, "照片.pdf")

    started = client.post(reverse("oversight:inspection_new") + f"?org={code}", {
        "title": "下半年专项巡查", "year": today.year, "half": half_of(today), "kind": "special", "timing": "random",
        "notice": "announced", "started_on": today.isoformat(), "focus": "", "targets": "HP01B02"})
    assert started.status_code == 302
    inspection = Inspection.objects.get(title="下半年专项巡查")
    found = client.post(reverse("oversight:item_new", args=[inspection.pk]), {
        "org": world.branch_a2.pk, "problem": "党员发展档案缺页", "owner": "王芳",
        "deadline": (today + timedelta(days=30)).isoformat(), "evidence_required": "补齐后的档案目录",
        "found_on": today.isoformat()})
    assert found.status_code == 302 and found["Location"] == inspection.get_absolute_url()
    assert inspection.items.get().problem == "党员发展档案缺页"


def test_the_evidence_rounds_on_the_pages(world, scene):
    item = scene["item"]
    admin = world.client("a_admin")
    returned = admin.post(reverse("oversight:evidence_return", args=[item.pk]), {"comment": "没有签到页"})
    assert returned.status_code == 302 and returned["Location"] == item.get_absolute_url()
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    secretary = world.client("secretary")
    resubmitted = secretary.post(reverse("oversight:evidence_submit", args=[item.pk]),
                                 {"text": "补上签到页", "file": pdf("签到.pdf")})
    assert resubmitted.status_code == 302
    assert Evidence.objects.get(item=item, round=2).file_name == "签到.pdf"
    # The secretary cannot accept; the district does.
    assert secretary.post(reverse("oversight:evidence_accept", args=[item.pk]), {}).status_code == 404
    accepted = admin.post(reverse("oversight:evidence_accept", args=[item.pk]), {"comment": "整改到位"})
    assert accepted.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.rounds == 2
    page = admin.get(item.get_absolute_url()).content.decode()
    assert "已销号" in page and "验收通过" in page and 'id="submit-evidence"' not in page


def test_refusals_answer_in_chinese_and_write_nothing(world, scene):
    before = written(scene)
    client = world.client("a_admin")
    today = timezone.localdate()
    too_far = client.post(reverse("oversight:item_new", args=[scene["inspection"].pk]), {
        "org": world.branch_a1.pk, "problem": "问题", "owner": "李建国",
        "deadline": (today + timedelta(days=rules.MAX_DEADLINE_DAYS + 1)).isoformat(),
        "evidence_required": "照片", "found_on": today.isoformat()})
    assert too_far.status_code == 200 and f"{rules.MAX_DEADLINE_DAYS}天以内" in too_far.content.decode()
    wrong_org = client.post(reverse("oversight:item_new", args=[scene["inspection"].pk]), {
        "org": world.branch_b1.pk, "problem": "问题", "owner": "李建国",
        "deadline": (today + timedelta(days=3)).isoformat(), "evidence_required": "照片"})
    assert wrong_org.status_code == 200 and "选择一个有效的选项" in wrong_org.content.decode()
    unknown = client.post(reverse("oversight:inspection_new"), {
        "title": "巡查", "year": today.year, "half": half_of(today), "kind": "general", "timing": "scheduled",
        "notice": "announced", "started_on": today.isoformat(), "targets": "HP01B01 HX01B01"})
    assert unknown.status_code == 200 and "没有这些党组织：HX01B01" in unknown.content.decode()
    team = client.post(reverse("oversight:team_new"), {"name": "第三督导组", "leader": "王强",
                                                       "formed_on": today.isoformat(), "targets": "HP01B01G1"})
    assert team.status_code == 200 and "党小组不作为督导对象" in team.content.decode()
    duplicate = client.post(reverse("oversight:plan_new"), {
        "sector": "community", "year": today.year, "title": "又一个", "items": "一"})
    assert duplicate.status_code == 200 and "已有" in duplicate.content.decode()
    blank_return = client.post(reverse("oversight:evidence_return", args=[scene["item"].pk]), {"comment": ""})
    assert blank_return.status_code == 200 and "这个字段是必填项" in blank_return.content.decode()
    own = world.client("secretary").post(reverse("oversight:evidence_submit", args=[scene["item"].pk]),
                                         {"text": "再交一次"})
    assert own.status_code == 200 and "待验收，不能提交佐证材料" in own.content.decode()
    fake = SimpleUploadedFile("照片.png", b"not an image", content_type="image/png")
    refused = client.post(reverse("oversight:evidence_submit", args=[scene["other_item"].pk]),
                          {"text": "已整改", "file": fake})
    assert refused.status_code == 200 and "文件类型不支持" in refused.content.decode()
    visit = client.post(reverse("oversight:visit_new", args=[scene["team"].pk]) + f"?org={world.branch_a1.pk}",
                        {"day": today.isoformat(), "findings": ""})
    assert visit.status_code == 200 and "这个字段是必填项" in visit.content.decode()
    assert written(scene) == before


# --- the lists: query counts, export ---------------------------------------------------------------

def more_rows(world, scene, n, start=0):
    """``n`` more of every kind of row in district A (``start``: the plans' first year after 2000)."""
    a_admin = world.users["a_admin"]
    for i in range(start, start + n):
        team = make_team(world)
        services.visit_record(actor=a_admin, team=team, org=world.branch_a1, checks=checks_for(world.branch_a1))
        inspection = start_inspection(world, title=f"巡查{i}")
        add_item(world, inspection, problem=f"问题{i}")
        make_plan(world, org=world.district_a, year=2000 + i, title=f"方案{i}")
    services.items_escalate(today=timezone.localdate() + timedelta(days=40))


def test_the_lists_query_counts_do_not_grow_with_their_rows(world, scene, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("a_admin")
    urls = [reverse(name) for name in LISTS] + [reverse("oversight:home"), org_urls(world)["oversight:rectification"],
                                                reverse("oversight:items") + "?open=yes&escalated=yes"]
    api = api_client("a_admin")
    api_urls = [f"{BASE}/{path}" for path in ("plans", "teams", "visits", "inspections", "items", "counts",
                                               "rectification")]
    more_rows(world, scene, 1)  # a row of every kind on every list, the escalated ones too
    counted = {}
    for url in urls:
        client.get(url)  # warm the per-session caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counted[url] = len(captured)
    for url in api_urls:
        api.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        counted[url] = len(captured)
    more_rows(world, scene, 6, start=1)
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            assert client.get(url).status_code == 200
    for url in api_urls:
        with django_assert_max_num_queries(counted[url]):
            assert api.get(url).status_code == 200


def test_the_ledger_export_is_the_users_rows(world, scene):
    export = reverse("oversight:items") + "?export=csv"
    mine = world.client("a_admin").get(export)
    assert mine.status_code == 200 and mine["Content-Type"].startswith("text/csv")
    text = mine.content.decode("utf-8-sig")
    assert "三会一课记录不全" in text and "二支部发展党员材料不全" in text and "河西支部未按期换届" not in text
    assert "待验收" in text and "待整改" in text  # the states in words
    theirs = world.client("b_admin").get(export).content.decode("utf-8-sig")
    assert "河西支部未按期换届" in theirs and "三会一课记录不全" not in theirs
    branch = world.client("secretary").get(export).content.decode("utf-8-sig")
    assert "三会一课记录不全" in branch and "二支部发展党员材料不全" not in branch
    filtered = world.client("city_admin").get(export + f"&org={world.branch_b1.code}").content.decode("utf-8-sig")
    assert "河西支部未按期换届" in filtered and "三会一课记录不全" not in filtered
    assert AuditEntry.objects.filter(action="export", object_type="oversight.rectificationitem").count() == 4
    assert world.client("member").get(export).status_code == 404


# --- the API ---------------------------------------------------------------------------------------

def api_calls(world, scene) -> list[tuple[str, str, dict | None]]:
    """One call of every operation on district A's objects: (method, url, body)."""
    item, team, plan = scene["item"], scene["team"], scene["plan"]
    today = timezone.localdate()
    code = world.district_a.code
    return [
        ("get", f"{BASE}/counts?org={code}", None),
        ("get", f"{BASE}/rectification?org={code}", None),
        ("get", f"{BASE}/plans/{plan.pk}", None),
        ("post", f"{BASE}/plans", {"org_id": world.district_a.pk, "sector": "rural", "year": today.year,
                                   "title": "农村方案", "items": ["一"]}),
        ("put", f"{BASE}/plans/{plan.pk}", {"sector": plan.sector, "year": plan.year, "title": "改名",
                                            "items": ["支部委员会健全，按期换届", "三会一课按规定召开并记录",
                                                      "党员教育管理台账完整"]}),
        ("get", f"{BASE}/checklist?org={world.branch_a1.code}", None),
        ("get", f"{BASE}/teams/{team.pk}", None),
        ("post", f"{BASE}/teams", {"org_id": world.district_a.pk, "name": "第九督导组", "leader": "王强",
                                   "members": "", "targets": ["HP01B01"]}),
        ("get", f"{BASE}/visits/{scene['visit'].pk}", None),
        ("post", f"{BASE}/teams/{team.pk}/visits", {
            "org_id": world.branch_a1.pk, "checks": [{"item_id": pk, "met": True}
                                                     for pk in checks_for(world.branch_a1)]}),
        ("get", f"{BASE}/inspections/{scene['inspection'].pk}", None),
        ("post", f"{BASE}/inspections", {
            "org_id": world.district_a.pk, "title": "又一次巡查", "year": today.year, "half": half_of(today),
            "kind": "general", "timing": "random", "notice": "announced", "focus": "", "targets": ["HP01B02"]}),
        ("post", f"{BASE}/inspections/{scene['inspection'].pk}/items", {
            "org_id": world.branch_a1.pk, "problem": "组织生活会未召开", "owner": "李建国",
            "deadline": (today + timedelta(days=20)).isoformat(), "evidence_required": "会议记录",
            "found_on": today.isoformat()}),
        ("get", f"{BASE}/items/{item.pk}", None),
        ("post", f"{BASE}/items/{scene['other_item'].pk}/evidence", {"text": "已整改"}),
        ("post", f"{BASE}/items/{item.pk}/return", {"comment": "没有签到页"}),
        ("post", f"{BASE}/items/{scene['second'].pk}/accept", {"comment": "整改到位"}),
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json") if body is not None \
        else client.get(url)


def test_every_api_operation_needs_a_token(world, scene):
    anonymous = Client()
    calls = api_calls(world, scene) + [("get", f"{BASE}/{path}", None)
                                       for path in ("plans", "teams", "visits", "inspections", "items")]
    for method, url, body in calls:
        assert call(anonymous, method, url, body).status_code == 401, url


def test_every_api_operation_is_not_found_out_of_scope(world, scene):
    before = written(scene)
    for persona in ("b_admin", "member", "outsider"):
        client = api_client(persona)
        for method, url, body in api_calls(world, scene):
            response = call(client, method, url, body)
            assert response.status_code == 404, (persona, method, url, response.content[:300])
    # The lists answer with the user's rows only; the member and the outsider hold no oversight.view.
    other = api_client("b_admin")
    assert [i["problem"] for i in other.get(f"{BASE}/items").json()["items"]] == ["河西支部未按期换届"]
    for path in ("plans", "teams", "visits"):
        assert other.get(f"{BASE}/{path}").json()["items"] == [], path
    assert len(other.get(f"{BASE}/inspections").json()["items"]) == 1
    for persona in ("member", "outsider"):
        for path in ("plans", "teams", "visits", "inspections", "items", "counts", "rectification"):
            assert api_client(persona).get(f"{BASE}/{path}").status_code == 404, (persona, path)
    assert written(scene) == before


def test_the_secretary_on_the_api(world, scene):
    secretary = api_client("secretary")
    item = scene["item"]
    assert secretary.get(f"{BASE}/items/{item.pk}").json()["evidence"][0]["text"] == "已补开支委会"
    assert secretary.get(f"{BASE}/inspections/{scene['inspection'].pk}").status_code == 404
    assert secretary.get(f"{BASE}/items/{scene['other_item'].pk}").status_code == 404
    assert secretary.post(f"{BASE}/items/{item.pk}/accept", {}, content_type="application/json").status_code == 404
    assert secretary.post(f"{BASE}/items/{scene['other_item'].pk}/evidence", {"text": "代交"},
                          content_type="application/json").status_code == 404
    assert {i["id"] for i in secretary.get(f"{BASE}/items").json()["items"]} == {item.pk, scene["second"].pk}
    assert secretary.get(f"{BASE}/inspections").json()["items"] == []
    checklist = secretary.get(f"{BASE}/checklist?org={world.branch_a1.code}").json()
    assert checklist["plan"]["id"] == scene["plan"].pk and len(checklist["items"]) == 3
    assert Evidence.objects.count() == 2


def test_every_api_operation_in_scope(world, scene):
    client = api_client("a_admin")
    for method, url, body in api_calls(world, scene):
        response = call(client, method, url, body)
        expected = 201 if method == "post" and url.endswith(("/plans", "/teams", "/visits", "/inspections",
                                                                "/items")) else 200
        assert response.status_code == expected, (method, url, response.content[:500])
    assert GuidancePlan.objects.get(pk=scene["plan"].pk).title == "改名"
    assert GuidancePlan.objects.filter(title="农村方案").exists()
    assert SupervisionTeam.objects.filter(name="第九督导组").exists()
    assert Visit.objects.count() == 2 and Inspection.objects.filter(title="又一次巡查").exists()
    assert RectificationItem.objects.filter(problem="组织生活会未召开").exists()
    states = dict(RectificationItem.objects.values_list("pk", "state"))
    assert (states[scene["item"].pk], states[scene["second"].pk], states[scene["other_item"].pk]) == (
        ItemState.RETURNED, ItemState.CLOSED, ItemState.SUBMITTED)
    # The lists and figures.
    assert {i["id"] for i in client.get(f"{BASE}/items?state=returned").json()["items"]} == {scene["item"].pk}
    counts = client.get(f"{BASE}/counts").json()
    assert counts["rows"][0]["org_id"] == world.district_a.pk
    assert (counts["rows"][0]["opened"], counts["rows"][0]["closed"], counts["rows"][0]["open"]) == (4, 1, 3)


def test_the_api_round_of_an_item(world, scene):
    admin, secretary = api_client("a_admin"), api_client("secretary")
    url = f"{BASE}/items/{scene['item'].pk}"
    returned = admin.post(f"{url}/return", {"comment": "没有签到页"}, content_type="application/json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    resubmitted = secretary.post(f"{url}/evidence", {"text": "补上签到页"}, content_type="application/json")
    assert resubmitted.status_code == 200 and resubmitted.json()["rounds"] == 2
    accepted = admin.post(f"{url}/accept", {"comment": "整改到位"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "closed"
    assert [e["decision"] for e in admin.get(url).json()["evidence"]] == ["returned", "accepted"]


def test_api_refusals_answer_422_in_chinese_and_write_nothing(world, scene):
    before = written(scene)
    client = api_client("a_admin")
    today = timezone.localdate()
    unknown = client.post(f"{BASE}/inspections", {
        "org_id": world.district_a.pk, "title": "巡查", "year": today.year, "half": half_of(today), "kind": "general",
        "timing": "random", "notice": "announced", "targets": ["HP01B01", "NOSUCH"]}, content_type="application/json")
    assert unknown.status_code == 422 and "没有这些党组织：NOSUCH" in refusal_text(unknown)
    team = client.post(f"{BASE}/teams", {"org_id": world.district_a.pk, "name": "组", "leader": "王",
                                         "targets": ["HX01B01"]}, content_type="application/json")
    assert team.status_code == 422 and "HX01B01" in refusal_text(team)
    too_far = client.post(f"{BASE}/inspections/{scene['inspection'].pk}/items", {
        "org_id": world.branch_a1.pk, "problem": "问题", "owner": "李建国", "evidence_required": "照片",
        "deadline": (today + timedelta(days=rules.MAX_DEADLINE_DAYS + 1)).isoformat(), "found_on": today.isoformat()},
        content_type="application/json")
    assert too_far.status_code == 422 and f"{rules.MAX_DEADLINE_DAYS}天以内" in refusal_text(too_far)
    again = client.post(f"{BASE}/items/{scene['item'].pk}/evidence", {"text": "再交"},
                        content_type="application/json")
    assert again.status_code == 422 and "不能提交佐证材料" in refusal_text(again)
    blank = client.post(f"{BASE}/items/{scene['item'].pk}/return", {"comment": ""}, content_type="application/json")
    assert blank.status_code == 422
    duplicate = client.post(f"{BASE}/plans", {"org_id": world.district_a.pk, "sector": "community",
                                              "year": today.year, "title": "重复", "items": ["一"]},
                            content_type="application/json")
    assert duplicate.status_code == 422 and "已有" in refusal_text(duplicate)
    unchecked = client.post(f"{BASE}/teams/{scene['team'].pk}/visits", {"org_id": world.branch_a1.pk},
                            content_type="application/json")
    assert unchecked.status_code == 422 and "逐项填写" in refusal_text(unchecked)
    not_target = client.post(f"{BASE}/teams/{scene['team'].pk}/visits", {"org_id": world.branch_a2.pk},
                             content_type="application/json")
    assert not_target.status_code == 404
    not_inspected = client.post(f"{BASE}/inspections/{scene['inspection'].pk}/items", {
        "org_id": world.branch_b1.pk, "problem": "问题", "owner": "李", "evidence_required": "照片",
        "deadline": (today + timedelta(days=3)).isoformat(), "found_on": today.isoformat()},
        content_type="application/json")
    assert not_inspected.status_code == 404
    assert written(scene) == before


def test_malformed_ids_and_parameters_are_404_or_422_not_errors(world, scene):
    client = api_client("city_admin")
    for path in ("plans", "teams", "visits", "inspections", "items"):
        assert client.get(f"{BASE}/{path}/{HUGE}").status_code == 404, path
        assert client.get(f"{BASE}/{path}/abc").status_code == 404, path
        assert client.get(f"{BASE}/{path}/0").status_code in (404, 422), path
    for url in (f"{BASE}/items/{HUGE}/evidence", f"{BASE}/items/{HUGE}/accept",
                f"{BASE}/teams/{HUGE}/visits", f"{BASE}/inspections/{HUGE}/items"):
        assert client.post(url, {}, content_type="application/json").status_code in (404, 422), url
    for query in ("org=%00", "org=" + "x" * 41, "org=NOSUCH"):
        assert client.get(f"{BASE}/counts?{query}").status_code in (404, 422), query
        assert client.get(f"{BASE}/rectification?{query}").status_code in (404, 422), query
    assert client.get(f"{BASE}/checklist").status_code == 422
    assert client.get(f"{BASE}/checklist?org=HP01B01&year=1800").status_code == 422
    for query in ("inspection=abc", f"inspection={HUGE}", "state=moon", "org=NOSUCH", "deadline_from=2024-13-01"):
        assert client.get(f"{BASE}/items?{query}").status_code in (200, 404, 422), query
    bad = client.post(f"{BASE}/plans", {"org_id": 0, "sector": "moon", "year": 1, "title": "", "items": []},
                      content_type="application/json")
    assert bad.status_code == 422 and any("\u4e00" <= ch <= "\u9fff" for ch in refusal_text(bad))
