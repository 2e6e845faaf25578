"""SOE party-building ledgers (国企党建工作台账): a task divided among the SOE party committees below
the dividing org, refused for any other org; each committee's quarterly progress (quarters begun,
not before the task's year, corrected while no later one is in, nothing after done); the shares
still to report; the figures the quarterly bulletin takes equal the rows counted by hand. Pages and
API: in scope they answer, out of scope 404 (``SCOPE_TESTED``)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditEntry
from core.errors import NotFound
from dangjian.testing import api_client, refusal_text
from orgs.models import Org, OrgKind, OrgLevel, Sector
from oversight import bulletins
from oversight import services as oversight_services
from soe import selectors, services
from soe.models import Progress, SoeReport, SoeShare, SoeTask

pytestmark = pytest.mark.django_db

PAGES = {"soe:home", "soe:shares", "soe:task_new", "soe:task", "soe:task_edit", "soe:share", "soe:report"}
API = {"api:soe_tasks", "api:soe_task", "api:soe_task_add", "api:soe_task_change", "api:soe_shares",
       "api:soe_share", "api:soe_report"}
SCOPE_TESTED = PAGES | API


def _child(parent: Org, name: str, code: str, sector=Sector.SOE, kind=OrgKind.COMMITTEE) -> Org:
    parent.refresh_from_db()
    return Org.objects.add_child(parent, {"name": name, "code": code, "kind": kind, "sector": sector,
                                          "level": OrgLevel.UNIT, "founded": date(2000, 1, 1)})


def make_committees(world) -> dict:
    """District A's SOE work committee with two companies' committees below it; one company's
    committee in district B."""
    gz = _child(world.district_a, "中共天津市和平区国资委委员会", "HPGZ")
    return {"gz": gz, "a1": _child(gz, "津城建设集团有限公司党委", "HPGZ01"),
            "a2": _child(gz, "津城水务集团有限公司党委", "HPGZ02"),
            "b1": _child(world.district_b, "津城商贸集团有限公司党委", "HXGZ01")}


@pytest.fixture
def soe(world):
    return make_committees(world)


def this_quarter():
    return bulletins.quarter_of(timezone.localdate())


def divide(world, soe, *, org=None, shares=None, actor="a_admin", year=None, **fields):
    today = timezone.localdate()
    values = {"title": "推进党建工作要求写入公司章程", "due_on": today + timedelta(days=60), **fields}
    return services.task_save(actor=world.users[actor], org=org or world.district_a, year=year or today.year,
                              shares=[soe["a1"], soe["a2"]] if shares is None else shares, **values)


def report(world, share, *, period=None, progress=Progress.UNDERWAY, actor="a_admin", **fields):
    year, quarter = period or this_quarter()
    return services.report_save(actor=world.users[actor], share=share, year=year, quarter=quarter,
                                progress=progress, text=fields.pop("text", "已召开专题会研究章程修改"), **fields)


def refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(str(m) for messages in caught.value.message_dict.values() for m in messages)


# --- dividing a task ---------------------------------------------------------------------------------

def test_a_task_is_divided_among_the_soe_committees_below_the_dividing_org(world, soe):
    task = divide(world, soe)
    second = divide(world, soe, title="落实双向进入、交叉任职", shares=[soe["a1"]])
    assert (task.number, second.number) == (1, 2)
    shares = list(task.shares.order_by("org__path"))
    assert [s.org for s in shares] == [soe["a1"], soe["a2"]]
    assert all(s.progress == Progress.PENDING and s.due_on == task.due_on for s in shares)
    assert AuditEntry.objects.filter(action="soe.task_save", object_id=str(task.pk)).exists()


@pytest.mark.parametrize("case, message", [
    ("community branch", "不是国有企业党组织"),
    ("party group", "不是国有企业党组织"),
    ("other district", "须是中共天津市和平区委员会的下级党组织"),
    ("itself", "须是中共天津市和平区委员会的下级党组织"),
    ("none", "请填写承担任务的国有企业党组织"),
    ("due before the year", "完成时限不能早于"),
    ("no title", "请填写任务"),
])
def test_a_division_outside_the_rules_is_refused_and_writes_nothing(world, soe, case, message):
    group = _child(soe["a1"], "第一党小组", "HPGZ01G1", kind=OrgKind.GROUP)
    shares, fields = {"community branch": [soe["a1"], world.branch_a1], "party group": [group],
                      "other district": [soe["b1"]], "itself": [world.district_a], "none": []}.get(case), {}
    if case == "due before the year":
        fields["due_on"] = date(timezone.localdate().year - 1, 12, 31)
    if case == "no title":
        fields["title"] = "  "
    assert message in refused(lambda: divide(world, soe, shares=shares, **fields))
    assert not SoeTask.objects.exists() and not SoeShare.objects.exists()
    assert not AuditEntry.objects.filter(action="soe.task_save").exists()


def test_only_the_dividing_orgs_managers_divide_its_tasks(world, soe):
    with pytest.raises(NotFound):
        divide(world, soe, actor="b_admin")
    assert not SoeTask.objects.exists()


def test_a_task_changes_its_committees_but_keeps_one_that_has_reported(world, soe):
    task = divide(world, soe)
    report(world, task.shares.get(org=soe["a1"]))
    later = timezone.localdate() + timedelta(days=90)
    services.task_save(actor=world.users["a_admin"], org=world.district_a, task=task, year=task.year,
                       title=task.title, due_on=later, shares=[soe["a1"]])  # a2 had not reported: dropped
    assert list(task.shares.values_list("org_id", "due_on")) == [(soe["a1"].pk, later)]
    message = refused(lambda: services.task_save(actor=world.users["a_admin"], org=world.district_a, task=task,
                                                  year=task.year, title="改名", due_on=later, shares=[soe["a2"]]))
    assert "已报送进展的分工不能取消：津城建设集团有限公司党委" in message
    task.refresh_from_db()
    assert task.title == "推进党建工作要求写入公司章程" and task.shares.get().org == soe["a1"]


# --- quarterly progress --------------------------------------------------------------------------------

def test_a_quarters_report_is_corrected_in_place_and_done_sets_the_done_day(world, soe):
    share = divide(world, soe).shares.get(org=soe["a1"])
    report(world, share, lead="王建华")
    report(world, share, progress=Progress.DONE, text="章程修改已经股东会通过")
    share.refresh_from_db()
    assert share.reports.count() == 1 and share.reports.get().text == "章程修改已经股东会通过"
    assert (share.progress, share.done_on, share.lead) == (Progress.DONE, timezone.localdate(), "王建华")
    report(world, share, progress=Progress.UNDERWAY)  # the same quarter corrected: not done after all
    share.refresh_from_db()
    assert (share.progress, share.done_on) == (Progress.UNDERWAY, None)
    assert AuditEntry.objects.filter(action="soe.report_save").count() == 3


def test_a_report_outside_the_rules_is_refused_and_writes_nothing(world, soe):
    today = timezone.localdate()
    previous = bulletins.last_quarter(today)
    year, quarter = this_quarter()
    following = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    share = divide(world, soe, year=previous[0], due_on=date(previous[0], 12, 31) + timedelta(days=400)
                   ).shares.get(org=soe["a1"])
    assert "还没有开始" in refused(lambda: report(world, share, period=following))
    assert f"任务是{previous[0]}年的" in refused(lambda: report(world, share, period=(previous[0] - 1, 4)))
    assert "请填写工作进展" in refused(lambda: report(world, share, text=" "))
    assert "请选择进展" in refused(lambda: report(world, share, progress="finished"))
    assert not SoeReport.objects.exists()
    report(world, share, period=previous)
    report(world, share, period=(year, quarter), progress=Progress.DONE)
    # The earlier quarter can't be corrected once a later one is in; nothing after done.
    assert "已报送以后季度的进展" in refused(lambda: report(world, share, period=previous, text="补充"))
    assert SoeReport.objects.get(year=previous[0], quarter=previous[1]).text == "已召开专题会研究章程修改"
    # A share reported done in one quarter takes no report of a later quarter.
    other = divide(world, soe, year=previous[0], title="双向进入", shares=[soe["a2"]],
                   due_on=date(previous[0], 12, 31) + timedelta(days=400)).shares.get()
    report(world, other, period=previous, progress=Progress.DONE)
    assert "报告完成，不再报送" in refused(lambda: report(world, other, period=(year, quarter)))
    assert other.reports.count() == 1


def test_a_committee_of_another_district_cannot_report(world, soe):
    share = divide(world, soe).shares.get(org=soe["a1"])
    with pytest.raises(NotFound):
        report(world, share, actor="b_admin")
    assert not SoeReport.objects.exists()


def test_the_shares_still_to_report_this_quarter(world, soe):
    task = divide(world, soe)
    a1, a2 = task.shares.get(org=soe["a1"]), task.shares.get(org=soe["a2"])
    assert set(selectors.to_report(world.users["a_admin"], timezone.localdate())) == {a1, a2}
    report(world, a1)
    assert list(selectors.to_report(world.users["a_admin"], timezone.localdate())) == [a2]
    assert list(selectors.to_report(world.users["b_admin"], timezone.localdate())) == []


def test_the_ledger_owes_reports_from_the_quarter_the_task_was_divided(world, soe):
    task = divide(world, soe)
    a1, a2 = task.shares.get(org=soe["a1"]), task.shares.get(org=soe["a2"])
    done = report(world, a1, progress=Progress.DONE)
    quarter = this_quarter()[1]
    cells = dict(selectors.ledger(task, timezone.localdate()))
    assert cells[a1][quarter - 1] == done and cells[a2][quarter - 1] is None  # owed, not in
    # Quarters ended before the task was divided, and quarters not begun, owe nothing.
    assert all(cell == "" for q, cell in enumerate(cells[a2], start=1) if q != quarter)


def test_the_report_periods_run_from_the_last_reported_quarter_to_this_one(world, soe):
    today = timezone.localdate()
    previous = bulletins.last_quarter(today)
    share = divide(world, soe, year=previous[0]).shares.get(org=soe["a1"])
    periods = selectors.report_periods(share, today)
    assert periods[0] == this_quarter() and periods[-1] == (previous[0], 1)
    report(world, share, period=previous)
    assert selectors.report_periods(share, today) == [this_quarter(), previous]


# --- the bulletin's section ----------------------------------------------------------------------------

def test_the_bulletins_section_counts_the_shares_and_reports_of_each_district(world, soe):
    b_gz = _child(world.district_b, "中共天津市河西区国资委委员会", "HXGZ")
    b2 = _child(b_gz, "津城能源集团有限公司党委", "HXGZ02")
    today = timezone.localdate()
    a_task = divide(world, soe)
    late = divide(world, soe, title="党建工作台账", shares=[soe["a1"]], due_on=today)
    city_task = services.task_save(actor=world.users["city_admin"], org=world.city, year=today.year,
                                   title="党建与生产经营融合", due_on=today + timedelta(days=30),
                                   shares=[soe["a2"], soe["b1"], b2])
    report(world, a_task.shares.get(org=soe["a1"]), progress=Progress.DONE)
    report(world, city_task.shares.get(org=soe["b1"]), actor="b_admin")
    SoeShare.objects.filter(task=late).update(due_on=today - timedelta(days=1))  # now overdue
    bulletin = oversight_services.bulletin_generate(actor=world.users["city_admin"], org=world.city,
                                                   year=today.year, quarter=this_quarter()[1])
    part = next(s for s in bulletin.sections if s["key"] == "soe")
    rows = {r["org"]: r["figures"] for r in part["rows"]}
    assert rows[world.district_a.pk] == {"shares": 4, "reported": 1, "done": 1, "overdue": 1, "rate": 25}
    assert rows[world.district_b.pk] == {"shares": 2, "reported": 1, "done": 0, "overdue": 0, "rate": 0}
    assert part["total"] == {"shares": 6, "reported": 2, "done": 1, "overdue": 1, "rate": 17}
    # The same as the rows counted by hand.
    assert part["total"]["shares"] == SoeShare.objects.filter(task__year=today.year).count()
    assert [r["org"] for r in part["rows"]][:2] == [world.district_a.pk, world.district_b.pk]  # ranked by rate


# --- pages and API ---------------------------------------------------------------------------------------

def _urls(task, share) -> dict:
    return {"soe:task": reverse("soe:task", args=[task.pk]), "soe:task_edit": reverse("soe:task_edit", args=[task.pk]),
            "soe:share": reverse("soe:share", args=[share.pk]), "soe:report": reverse("soe:report", args=[share.pk])}


def test_pages_in_scope_answer_and_out_of_scope_404(world, soe):
    task = divide(world, soe)
    share = task.shares.get(org=soe["a1"])
    a_admin, b_admin = Client(), Client()
    a_admin.force_login(world.users["a_admin"])
    b_admin.force_login(world.users["b_admin"])
    for name, url in _urls(task, share).items():
        assert a_admin.get(url).status_code == 200, name
        assert b_admin.get(url).status_code == 404, name
        assert Client().get(url).status_code == 302, name
    for name in ("soe:home", "soe:shares"):
        assert task.title in a_admin.get(reverse(name)).content.decode()
        assert task.title not in b_admin.get(reverse(name)).content.decode()
    assert a_admin.get(reverse("soe:task_new") + f"?org={world.district_a.code}").status_code == 200
    assert a_admin.get(reverse("soe:task_new") + f"?org={world.district_b.code}").status_code == 404
    assert b_admin.post(reverse("soe:report", args=[share.pk]), {"period": "x"}).status_code == 404
    export = a_admin.get(reverse("soe:shares") + "?export=csv")
    assert export.status_code == 200 and "津城建设集团有限公司党委" in export.content.decode("utf-8-sig")
    assert "津城建设集团" not in b_admin.get(reverse("soe:shares") + "?export=csv").content.decode("utf-8-sig")


def test_the_pages_divide_a_task_and_report_its_progress(world, soe):
    client = Client()
    client.force_login(world.users["a_admin"])
    today = timezone.localdate()
    response = client.post(reverse("soe:task_new") + f"?org={world.district_a.code}", {
        "year": today.year, "title": "党建工作台账规范化", "detail": "", "due_on": f"{today + timedelta(days=30):%Y-%m-%d}",
        "shares": "HPGZ01\n津城水务集团有限公司党委"})
    task = SoeTask.objects.get()
    assert response.status_code == 302 and task.shares.count() == 2
    share = task.shares.get(org=soe["a1"])
    assert "本季度待报送进展" in client.get(reverse("soe:home")).content.decode()
    year, quarter = this_quarter()
    response = client.post(reverse("soe:report", args=[share.pk]), {
        "period": f"{year}-{quarter}", "progress": "done", "text": "台账已按要求建立", "lead": "王建华"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.progress == Progress.DONE and share.lead == "王建华"
    page = client.get(reverse("soe:task", args=[task.pk])).content.decode()
    assert "已完成" in page and "未报" in page
    # A refusal comes back on the form in Chinese; nothing written.
    response = client.post(reverse("soe:task_new") + f"?org={world.district_a.code}", {
        "year": today.year, "title": "错误的分工", "due_on": f"{today:%Y-%m-%d}", "shares": "HP01B01"})
    assert response.status_code == 200 and "不是国有企业党组织" in response.content.decode()
    assert SoeTask.objects.count() == 1


def test_the_lists_read_a_fixed_number_of_queries(world, soe):
    client = Client()
    client.force_login(world.users["city_admin"])
    divide(world, soe)
    client.get(reverse("soe:home"))  # the session and the caches warmed
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("soe:shares")).status_code == 200
            assert client.get(reverse("soe:home")).status_code == 200
        counts.append(len(queries))
        divide(world, soe, title="再一项任务")
    assert counts[0] == counts[1]


def test_the_api_divides_reports_and_answers_404_out_of_scope(world, soe):
    a_api, b_api = api_client("a_admin"), api_client("b_admin")
    today = timezone.localdate()
    year, quarter = this_quarter()
    response = a_api.post("/api/v1/soe/tasks", {
        "org_id": world.district_a.pk, "year": today.year, "title": "党建工作台账规范化",
        "due_on": f"{today + timedelta(days=30):%Y-%m-%d}", "shares": ["HPGZ01", "HPGZ02"]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    task_id = response.json()["id"]
    share_id = response.json()["shares"][0]["id"]
    assert a_api.get(f"/api/v1/soe/tasks/{task_id}").status_code == 200
    assert b_api.get(f"/api/v1/soe/tasks/{task_id}").status_code == 404
    assert b_api.get(f"/api/v1/soe/shares/{share_id}").status_code == 404
    assert [t["id"] for t in a_api.get("/api/v1/soe/tasks").json()["items"]] == [task_id]
    assert b_api.get("/api/v1/soe/tasks").json()["items"] == []
    assert len(a_api.get("/api/v1/soe/shares").json()["items"]) == 2
    assert b_api.get("/api/v1/soe/shares").json()["items"] == []
    body = {"year": year, "quarter": quarter, "progress": "underway", "text": "已部署"}
    assert b_api.post(f"/api/v1/soe/shares/{share_id}/reports", body,
                      content_type="application/json").status_code == 404
    response = a_api.post(f"/api/v1/soe/shares/{share_id}/reports", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["reports"][0]["text"] == "已部署"
    nope = a_api.post(f"/api/v1/soe/shares/{share_id}/reports", {**body, "year": year + 1},
                      content_type="application/json")
    assert nope.status_code == 422 and "还没有开始" in refusal_text(nope)
    change = {"title": "改", "due_on": f"{today:%Y-%m-%d}", "shares": ["HXGZ01"]}
    assert b_api.put(f"/api/v1/soe/tasks/{task_id}", change, content_type="application/json").status_code == 404
    wrong = a_api.put(f"/api/v1/soe/tasks/{task_id}", {**change, "shares": ["HP01B01"]},
                      content_type="application/json")
    assert wrong.status_code == 422 and "不是国有企业党组织" in refusal_text(wrong)
    assert SoeTask.objects.get().title == "党建工作台账规范化"
