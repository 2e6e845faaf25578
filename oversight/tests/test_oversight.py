"""Oversight workflows and rules: guidance plans and the checklist an org is held to, supervision
teams and visits, inspections, the rectification item's states (open → submitted → returned →
submitted → closed, closing only on accepted evidence), who may do what, escalation (督办), and
the rectification plan's arithmetic."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import files
from core.audit import AuditEntry
from core.errors import NotFound
from dangjian.testing import pdf_bytes
from orgs.models import Sector
from oversight import rules, selectors, services
from oversight.models import (
    Decision,
    Evidence,
    Inspection,
    ItemState,
    OversightMonth,
    RectificationItem,
    SupervisionTeam,
    Visit,
)

pytestmark = pytest.mark.django_db

CHECKLIST = ["支部委员会健全，按期换届", "三会一课按规定召开并记录", "党员教育管理台账完整"]


def half_of(day):
    return 1 if day.month <= 6 else 2


def start_inspection(world, *, targets=None, actor=None, **fields):
    today = timezone.localdate()
    values = {"title": "基层党建综合巡查", "year": today.year, "half": half_of(today), "kind": "general",
              "timing": "scheduled", "notice": "unannounced", "started_on": today,
              "targets": [world.branch_a1, world.branch_a2] if targets is None else targets, **fields}
    return services.inspection_start(actor=actor or world.users["a_admin"], org=world.district_a, **values)


def add_item(world, inspection, *, org=None, days=30, **fields):
    today = timezone.localdate()
    values = {"problem": "三会一课记录不全，9月支委会未召开", "owner": "李建国", "deadline": today + timedelta(days=days),
              "evidence_required": "补开支委会的会议记录照片", **fields}
    return services.item_add(actor=world.users["a_admin"], inspection=inspection, org=org or world.branch_a1,
                             **values)


def make_setup(world) -> dict:
    inspection = start_inspection(world)
    return {"inspection": inspection, "item": add_item(world, inspection), "inspector": world.users["a_admin"],
            "secretary": world.users["secretary"]}


@pytest.fixture
def setup(world):
    return make_setup(world)


def month_row(org):
    return OversightMonth.objects.get(org=org, month=timezone.localdate().replace(day=1))


# --- the rectification item's states ---------------------------------------------------------------

def test_an_item_is_submitted_returned_resubmitted_and_closed_on_acceptance(world, setup):
    item, inspector, secretary = setup["item"], setup["inspector"], setup["secretary"]
    assert item.state == ItemState.OPEN and month_row(world.branch_a1).opened == 1
    services.evidence_submit(actor=secretary, item=item, text="已补开支委会")
    item.refresh_from_db()
    assert (item.state, item.rounds) == (ItemState.SUBMITTED, 1)
    services.evidence_return(actor=inspector, item=item, comment="会议记录没有签到页")
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    services.evidence_submit(actor=secretary, item=item, text="补上签到页")
    services.evidence_accept(actor=inspector, item=item, comment="整改到位")
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.closed_at is not None and item.rounds == 2
    # Every round kept, with its decision.
    assert list(Evidence.objects.filter(item=item).values_list("round", "decision")) == [
        (1, Decision.RETURNED), (2, Decision.ACCEPTED)]
    assert month_row(world.branch_a1).closed == 1
    assert set(AuditEntry.objects.filter(action__startswith="oversight.evidence").values_list("action", flat=True)) \
        == {"oversight.evidence_submit", "oversight.evidence_return", "oversight.evidence_accept"}


def test_an_item_does_not_close_without_submitted_evidence(world, setup):
    item, inspector = setup["item"], setup["inspector"]
    with pytest.raises(ValidationError, match="还没有提交佐证材料"):
        services.evidence_accept(actor=inspector, item=item)
    with pytest.raises(ValidationError, match="还没有提交佐证材料"):
        services.evidence_return(actor=inspector, item=item, comment="不行")
    services.evidence_submit(actor=setup["secretary"], item=item, text="已整改")
    services.evidence_return(actor=inspector, item=item, comment="不到位")
    with pytest.raises(ValidationError):  # returned evidence cannot be accepted afterwards
        services.evidence_accept(actor=inspector, item=item)
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED and item.closed_at is None


def test_a_closed_item_takes_no_more_evidence_or_decisions(world, setup):
    item = setup["item"]
    services.evidence_submit(actor=setup["secretary"], item=item, text="已整改")
    services.evidence_accept(actor=setup["inspector"], item=item)
    with pytest.raises(ValidationError, match="已销号"):
        services.evidence_submit(actor=setup["secretary"], item=item, text="再交一次")
    with pytest.raises(ValidationError, match="已销号"):
        services.evidence_accept(actor=setup["inspector"], item=item)
    assert Evidence.objects.count() == 1


def test_the_rectifying_org_cannot_decide_and_nobody_accepts_their_own_submission(world, setup):
    item = setup["item"]
    with pytest.raises(NotFound):  # a branch secretary cannot act for the inspecting district
        services.evidence_submit(actor=world.users["b_admin"], item=item, text="别的区")
    services.evidence_submit(actor=world.users["a_admin"], item=item, text="区里代为提交")
    with pytest.raises(NotFound):
        services.evidence_accept(actor=setup["secretary"], item=item)
    with pytest.raises(ValidationError, match="不能验收本人提交"):
        services.evidence_accept(actor=world.users["a_admin"], item=item)
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED
    services.evidence_accept(actor=world.users["city_admin"], item=item)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED


def test_a_return_needs_a_reason_and_a_new_deadline_within_the_limit(world, setup):
    item = setup["item"]
    services.evidence_submit(actor=setup["secretary"], item=item, text="已整改")
    with pytest.raises(ValidationError, match="退回须写明理由"):
        services.evidence_return(actor=setup["inspector"], item=item, comment="  ")
    too_late = item.found_on + timedelta(days=rules.MAX_DEADLINE_DAYS + 1)
    with pytest.raises(ValidationError, match="新的整改时限"):
        services.evidence_return(actor=setup["inspector"], item=item, comment="不到位", deadline=too_late)
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED and not Evidence.objects.exclude(decision="").exists()
    later = timezone.localdate() + timedelta(days=60)
    services.evidence_return(actor=setup["inspector"], item=item, comment="不到位", deadline=later)
    item.refresh_from_db()
    assert item.deadline == later


def test_submitting_needs_the_text(world, setup):
    with pytest.raises(ValidationError, match="请写明整改情况"):
        services.evidence_submit(actor=setup["secretary"], item=setup["item"], text="")
    assert not Evidence.objects.exists()


def test_a_refused_file_leaves_nothing_behind(world, setup, settings, tmp_path):
    settings.FILES_ROOT = tmp_path
    fake = SimpleUploadedFile("照片.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError):
        services.evidence_submit(actor=setup["secretary"], item=setup["item"], text="已整改", upload=fake)
    assert not Evidence.objects.exists()
    pdf = SimpleUploadedFile("记录.pdf", pdf_bytes(), content_type="application/pdf")
    evidence = services.evidence_submit(actor=setup["secretary"], item=setup["item"], text="已整改", upload=pdf)
    assert evidence.file and evidence.file_type == "application/pdf" and evidence.file_name == "记录.pdf"
    assert files.path_of(evidence.file).exists()


# --- inspections and items -------------------------------------------------------------------------

def test_inspection_targets_are_below_the_inspecting_org(world):
    for targets, message in [([world.branch_b1], "下级党组织"), ([world.district_a], "下级党组织"),
                             ([world.group_a1], "党小组"), ([], "请选择巡查对象")]:
        with pytest.raises(ValidationError, match=message):
            start_inspection(world, targets=targets)
    with pytest.raises(NotFound):  # the secretary holds oversight.inspect on the branch only
        start_inspection(world, actor=world.users["secretary"])
    assert not Inspection.objects.exists()


def test_an_inspection_starts_within_its_half_year(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="半年内"):
        start_inspection(world, half=3 - half_of(today))
    with pytest.raises(ValidationError, match="半年"):
        start_inspection(world, half=5)
    assert not Inspection.objects.exists()


def test_an_item_is_for_a_target_with_an_owner_a_deadline_and_the_evidence_required(world):
    inspection = start_inspection(world, targets=[world.branch_a1])
    with pytest.raises(ValidationError, match="不是本次巡查的对象"):
        add_item(world, inspection, org=world.branch_a2)
    with pytest.raises(ValidationError) as refused:
        add_item(world, inspection, problem="", owner="", evidence_required="")
    assert set(refused.value.message_dict) == {"problem", "owner", "evidence_required"}
    with pytest.raises(ValidationError, match=f"{rules.MAX_DEADLINE_DAYS}天以内"):
        add_item(world, inspection, days=rules.MAX_DEADLINE_DAYS + 1)
    with pytest.raises(ValidationError, match="天以内"):
        add_item(world, inspection, days=0)
    with pytest.raises(NotFound):
        services.item_add(actor=world.users["b_admin"], inspection=inspection, org=world.branch_a1, problem="x",
                          owner="y", deadline=timezone.localdate() + timedelta(days=3), evidence_required="z")
    assert not RectificationItem.objects.exists() and not OversightMonth.objects.exists()


# --- escalation ------------------------------------------------------------------------------------

def test_the_escalation_depth_rises_a_level_a_week_and_stops_at_the_inspector():
    depth = rules.escalation_depth
    assert depth(org_depth=4, inspector_depth=2, days_overdue=0) == 4
    assert depth(org_depth=4, inspector_depth=2, days_overdue=1) == 3
    assert depth(org_depth=4, inspector_depth=2, days_overdue=rules.ESCALATE_EVERY_DAYS) == 3
    assert depth(org_depth=4, inspector_depth=2, days_overdue=rules.ESCALATE_EVERY_DAYS + 1) == 2
    assert depth(org_depth=4, inspector_depth=2, days_overdue=365) == 2


def test_an_overdue_item_is_escalated_to_the_street_then_the_district(world, setup):
    item, deadline = setup["item"], setup["item"].deadline
    assert services.items_escalate(today=deadline) == 0
    assert services.items_escalate(today=deadline + timedelta(days=1)) == 1
    item.refresh_from_db()
    assert item.escalated_to == world.street_a and item.overdue is False  # not overdue yet today
    assert services.items_escalate(today=deadline + timedelta(days=2)) == 0  # already there
    assert services.items_escalate(today=deadline + timedelta(days=rules.ESCALATE_EVERY_DAYS + 1)) == 1
    item.refresh_from_db()
    assert item.escalated_to == world.district_a
    assert services.items_escalate(today=deadline + timedelta(days=100)) == 0  # never above the inspector
    assert AuditEntry.objects.filter(action="oversight.item_escalate").count() == 2


def test_an_item_waiting_for_acceptance_is_not_escalated(world, setup):
    services.evidence_submit(actor=setup["secretary"], item=setup["item"], text="已整改")
    assert services.items_escalate(today=setup["item"].deadline + timedelta(days=30)) == 0


def test_overdue_and_escalated_counts_per_child(world, setup):
    late = add_item(world, setup["inspection"], org=world.branch_a2, days=1)
    RectificationItem.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=10))
    services.items_escalate()
    counts = selectors.open_counts(world.users["city_admin"], [world.city, world.district_a, world.district_b])
    assert counts[world.city.pk] == {"open": 2, "overdue": 1, "escalated": 1}
    assert counts[world.district_b.pk] == {"open": 0, "overdue": 0, "escalated": 0}
    # The secretary of branch A1 sees only the branch's item.
    mine = selectors.open_counts(world.users["secretary"], [world.branch_a1, world.branch_a2])
    assert mine[world.branch_a1.pk]["open"] == 1 and mine[world.branch_a2.pk]["open"] == 0


def test_the_rectification_plan_counts_open_problems_by_district_and_sector(world):
    a = start_inspection(world)
    add_item(world, a)
    add_item(world, a, org=world.branch_a2)
    closed = add_item(world, a, org=world.branch_a2, problem="发展党员材料不全")
    services.evidence_submit(actor=world.users["city_admin"], item=closed, text="已补齐")
    services.evidence_accept(actor=world.users["a_admin"], item=closed)
    today = timezone.localdate()
    b = services.inspection_start(actor=world.users["b_admin"], org=world.district_b, title="专项巡查", year=today.year,
                                  half=half_of(today), kind="special", timing="random", notice="announced",
                                  targets=[world.branch_b1], started_on=today)
    late = services.item_add(actor=world.users["b_admin"], inspection=b, org=world.branch_b1, problem="支部未按期换届",
                             owner="赵志强", deadline=today + timedelta(days=5), evidence_required="换届选举结果批复")
    RectificationItem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    plan = selectors.rectification_plan(world.users["city_admin"], world.city)
    assert plan["total"] == {"open": 3, "overdue": 1}
    assert [(org.code, figures) for org, figures in plan["children"]] == [
        ("HP", {"open": 2, "overdue": 0}), ("HX", {"open": 1, "overdue": 1})]
    assert plan["sectors"] == [("社区", {"open": 3, "overdue": 1})]
    # District A's admin sees district A's problems only.
    assert selectors.rectification_plan(world.users["a_admin"], world.district_a)["total"] == {"open": 2, "overdue": 0}


# --- plans, checklists, teams and visits -----------------------------------------------------------

def make_plan(world, org=None, items=CHECKLIST, **fields):
    values = {"sector": Sector.COMMUNITY, "year": timezone.localdate().year, "title": "社区党建指导方案", **fields}
    actor = world.users["city_admin"] if org is None or org == world.city else world.users["a_admin"]
    return services.plan_save(actor=actor, org=org or world.city, items=items, **values)


def test_an_org_is_held_to_the_nearest_plan_for_its_sector(world):
    city_plan = make_plan(world)
    district_plan = make_plan(world, org=world.district_a, items=["网格党建全覆盖", *CHECKLIST], title="和平区社区方案")
    year = timezone.localdate().year
    assert selectors.plan_for(world.branch_a1, year) == district_plan
    assert selectors.plan_for(world.branch_b1, year) == city_plan
    assert [i.text for i in selectors.checklist_for(world.branch_a1, year)][0] == "网格党建全覆盖"
    assert selectors.plan_for(world.branch_a1, year - 1) is None
    assert selectors.plan_for(world.district_a, year) is None  # no sector: no checklist


def test_a_plan_is_checked_and_one_per_org_sector_and_year(world):
    make_plan(world)
    with pytest.raises(ValidationError, match="已有"):
        make_plan(world)
    with pytest.raises(ValidationError, match="重复"):
        make_plan(world, items=["一", "一"], year=2020)
    with pytest.raises(ValidationError, match="至少填写一项"):
        make_plan(world, items=["  "], year=2020)
    with pytest.raises(ValidationError, match="请选择领域"):
        make_plan(world, sector="moon", year=2020)
    with pytest.raises(NotFound):
        services.plan_save(actor=world.users["a_admin"], org=world.city, sector=Sector.RURAL, year=2020,
                           title="越级", items=["x"])


def make_team(world, targets=None):
    return services.team_form(actor=world.users["a_admin"], org=world.district_a, name="第一督导组", leader="刘明",
                              members="陈红、周强", targets=targets or [world.branch_a1, world.street_a])


def checks_for(org, met=True):
    return {item.pk: (met, "") for item in selectors.checklist_for(org, timezone.localdate().year)}


def test_a_visit_answers_every_checklist_item_and_counts_its_problems(world):
    make_plan(world)
    team = make_team(world)
    assert month_row(world.district_a).teams == 1
    checks = checks_for(world.branch_a1)
    first = next(iter(checks))
    with pytest.raises(ValidationError, match="逐项填写"):
        services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a1, checks={first: (True, "")})
    failing = {**checks, first: (False, "换届超期")}
    with pytest.raises(ValidationError, match="写明发现的问题"):
        services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a1, checks=failing)
    with pytest.raises(ValidationError, match="不是第一督导组的督导对象"):
        services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a2, checks=checks)
    assert not Visit.objects.exists()
    visit = services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a1, checks=failing,
                                  findings="支委会换届超期两个月")
    assert visit.problems == 1 and visit.checks.filter(met=False).count() == 1
    row = month_row(world.branch_a1)
    assert (row.visits, row.problems) == (1, 1)
    counts = selectors.children_counts([world.city, world.district_a], timezone.localdate(), timezone.localdate())
    assert counts[world.city.pk] == {"teams": 1, "visits": 1, "problems": 1, "opened": 0, "closed": 0}


def test_a_plans_checklist_is_frozen_once_a_visit_used_it(world):
    plan = make_plan(world)
    team = make_team(world)
    services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a1, checks=checks_for(world.branch_a1))
    with pytest.raises(ValidationError, match="不能再修改检查事项"):
        services.plan_save(actor=world.users["city_admin"], org=world.city, plan=plan, sector=plan.sector,
                           year=plan.year, title=plan.title, items=["新的一项"])
    renamed = services.plan_save(actor=world.users["city_admin"], org=world.city, plan=plan, sector=plan.sector,
                                 year=plan.year, title="改名后的方案", items=CHECKLIST)
    assert renamed.title == "改名后的方案" and renamed.items.count() == len(CHECKLIST)


def test_a_team_covers_orgs_below_its_org(world):
    with pytest.raises(ValidationError, match="下级党组织"):
        make_team(world, targets=[world.branch_b1])
    with pytest.raises(ValidationError, match="请选择督导对象"):
        services.team_form(actor=world.users["a_admin"], org=world.district_a, name="x", leader="y", targets=[])
    assert not SupervisionTeam.objects.exists()


def test_orgs_are_named_by_code_or_name_within_the_subtree(world):
    assert selectors.orgs_named(world.district_a, "hp01b01，朝阳里社区第二党支部") == [world.branch_a1, world.branch_a2]
    with pytest.raises(ValidationError, match="HX01B01"):
        selectors.orgs_named(world.district_a, "HP01B01 HX01B01")


def test_owed_items_are_warnings_red_past_the_deadline_and_yellow_within_a_week(world, setup):
    from insights import rules as insights_rules
    from insights import selectors as insights_selectors

    soon = add_item(world, setup["inspection"], org=world.branch_a2, days=insights_rules.RECTIFY_SOON_DAYS)
    later = add_item(world, setup["inspection"], org=world.branch_a2, days=insights_rules.RECTIFY_SOON_DAYS + 1)
    waiting = add_item(world, setup["inspection"], days=1)
    services.evidence_submit(actor=setup["secretary"], item=waiting, text="已整改")
    RectificationItem.objects.filter(pk=waiting.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    item = setup["item"]
    RectificationItem.objects.filter(pk=item.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    services.items_escalate()
    found = {w.url: w for w in insights_selectors.warnings(world.district_a) if w.kind == "rectification"}
    assert set(found) == {item.get_absolute_url(), soon.get_absolute_url()}  # not the later one, not the submitted
    assert found[item.get_absolute_url()].level == insights_rules.RED
    assert "提级至小白楼街道党工委督办" in found[item.get_absolute_url()].text
    assert found[soon.get_absolute_url()].level == insights_rules.YELLOW
    assert later.get_absolute_url() not in found
    assert not [w for w in insights_selectors.warnings(world.district_b) if w.kind == "rectification"]


def test_the_daily_command_escalates_overdue_items(world, setup):
    import io

    from django.core.management import call_command

    RectificationItem.objects.filter(pk=setup["item"].pk).update(deadline=timezone.localdate() - timedelta(days=1))
    out = io.StringIO()
    call_command("oversight", "escalate", stdout=out)
    assert "已提级督办 1 项" in out.getvalue()
    setup["item"].refresh_from_db()
    assert setup["item"].escalated_to == world.street_a
