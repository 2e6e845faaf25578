"""Every model's scoping is a declaration (core.models.BaseModel): a conformance test walks every
concrete BaseModel subclass, and the scope's verbs (covers_above, granting, the grant trees)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from core.access import SELF, TREES, Role, get_scope
from core.models import BaseModel
from dangjian.testing import make_user
from members.models import Member
from orgs.models import Org

MODELS = sorted((m for m in apps.get_models() if issubclass(m, BaseModel)), key=lambda m: m._meta.label)
LABELS = [m._meta.label for m in MODELS]


def written_by_hand(model, name: str) -> bool:
    """``name`` defined in the model's own classes rather than derived by BaseModel."""
    return any(name in vars(k) for k in model.__mro__ if issubclass(k, BaseModel) and k is not BaseModel)


def lookups(model) -> tuple[str, ...]:
    return (model.scope_org,) if isinstance(model.scope_org, str) else tuple(model.scope_org)


def walk(model, lookup: str, *, forward_only: bool):
    """The model a lookup ends on; each step must be a relation (forward FKs only, if asked)."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        assert field.is_relation, f"{model.__name__}.{name} is not a relation"
        if forward_only:
            assert field.many_to_one or field.one_to_one and field.concrete, \
                f"{model.__name__}.{name} is not a foreign key"
        model = field.related_model
    return model


def actions(model) -> set[str]:
    """The actions the model's tree grants under its prefix ("view", "change", "edit" …)."""
    prefix = model.scope_perm_prefix + "."
    return {perm[len(prefix):] for perms in TREES[model.scope_tree].permissions.values()
            for perm in perms if perm.startswith(prefix)}


@pytest.mark.parametrize("label", LABELS)
def test_every_model_declares_its_scoping_once(label):
    model = apps.get_model(label)
    if model.scope_custom:
        # A model scoped otherwise says why, and writes that scope_filter by hand.
        assert not model.scope_org and written_by_hand(model, "scope_filter"), label
        return
    assert model.scope_org, f"{label}: declare scope_org and scope_perm_prefix (or scope_custom with the reason)"
    assert not written_by_hand(model, "scope_filter") and not written_by_hand(model, "audit_org"), \
        f"{label}: scope_filter and audit_org follow from the declaration"


@pytest.mark.parametrize("label", [m._meta.label for m in MODELS if m.scope_org])
def test_the_declared_path_is_a_chain_of_foreign_keys_to_a_node_of_the_tree(label):
    model = apps.get_model(label)
    node = apps.get_model(TREES[model.scope_tree].node_model)
    for lookup in lookups(model):
        reached = model if lookup == SELF else walk(model, lookup, forward_only=True)
        assert reached is node, f"{label}.{lookup} leads to {reached.__name__}, not {node.__name__}"


@pytest.mark.parametrize("label", [m._meta.label for m in MODELS if m.scope_org])
def test_the_permission_prefix_is_registered_with_the_tree(label):
    model = apps.get_model(label)
    assert model.scope_perm_prefix in TREES[model.scope_tree].prefixes()
    assert "view" in actions(model) or model.scope_tree != "org"


@pytest.mark.parametrize("label", [m._meta.label for m in MODELS if m.scope_own])
def test_the_own_rule_leads_to_the_members_record_or_org(label):
    model = apps.get_model(label)
    own = model.scope_own
    target = {"member": Member, "org": Org}[own.of]
    reached = model if own.lookup == "pk" else walk(model, own.lookup, forward_only=False)
    assert reached is target


# --- on data: the outsider sees nothing, the city admin everything in the city --------------------


@pytest.fixture
def story(world):
    """Rows of most models, written the documented way (services and the apps' test helpers)."""
    from care import services as care
    from members import services as members
    from orglife import services as orglife
    from orglife.tests.helpers import record
    from orgs import services as orgs
    from portal import services as portal
    from portal.tests.helpers import make_portal, publish
    from recruitment import services as recruitment
    from recruitment.tests.helpers import grow_branches, open_case, walk
    from transfers import services as transfers
    from transfers.tests.helpers import issue

    users, today = world.users, timezone.localdate()
    grow_branches(world)  # a branch needs three full members to vote on an admission
    case = open_case(world)
    walk(world, case, 17)
    notice = case.notices.order_by("starts_on").first()
    recruitment.objection_add(actor=users["secretary"], notice=notice, received_on=notice.starts_on, text="反映的问题")
    recruitment.plan_save(actor=users["a_admin"], org=world.district_a, year=today.year, total=3,
                          quotas={"farmer": 1})
    for held_on in (today - timedelta(days=14), today - timedelta(days=7)):  # the second copies the first
        orglife.meeting_submit(actor=users["secretary"], meeting=record(world, held_on=held_on))
    topic = orglife.topic_propose(actor=users["member"], org=world.branch_a1, title="如何做好社区服务")
    orglife.topic_vote(actor=users["member"], topic=topic)
    issue(world, member="a2_member")
    member = Member.objects.get(pk=world.members["a1_member"].pk)
    transfers.certificate_issue(actor=users["secretary"], member=member, number="LD-1", issued_on=today,
                                valid_until=today + timedelta(days=365), city="北京")
    for kind, data in {"hardship": {"kind": "illness", "description": "慢性病", "since": "2020-01-01"},
                       "position": {"title": "委员", "started": "2020-01-01"},
                       "reward": {"kind": "reward", "name": "优秀党员", "decided": "2021-07-01"},
                       "family": {"relation": "父亲", "name": "张某"},
                       "travel": {"destination": "日本", "purpose": "旅游", "departed": "2019-05-01"},
                       "appraisal": {"year": "2023", "result": "excellent"},
                       "observation": {"starts_on": "2019-03-01", "ends_on": "2020-03-01", "issuer": "区纪委"}}.items():
        members.record_add(actor=users["secretary"], member=member, kind=kind, data=data)
    members.correction_create(actor=users["member"], member=member, field_name="native_place",
                              requested_value="天津")
    from dues import services as dues

    dues.year_set(actor=users["secretary"], member=member, year=today.year, category="employed", base_fen=540_000)
    dues.year_confirm(actor=users["secretary"], org=member.org, year=today.year)
    this_month = today.year * 12 + today.month - 1
    dues.standing_open(actor=users["secretary"], member=member, paid_up_to=this_month - 1)
    dues.payment_record(actor=users["secretary"], member=member, first_month=this_month, months=1, method="cash")
    dues.remittance_record(actor=users["secretary"], org=member.org, year=today.year, amount_fen=8100, remitted_on=today)
    care.visit_record(actor=users["secretary"], member=member, visited=today, visitors="张书记",
                      occasion="daily", amount=Decimal("100"))
    from learning import services as learning

    channel = learning.channel_create(actor=users["a_admin"], org=world.district_a, name="党史学习")
    course = learning.course_create(actor=users["a_admin"], org=world.district_a, title="学习课程", channel=channel)
    from orgs import services as org_settings

    org_settings.setting_set(actor=users["a_admin"], org=world.district_a, key="points_ranking", value=False)
    learning.item_add(actor=users["a_admin"], course=course, kind="article", title="第一讲", seconds=60, body="正文")
    learning.offline_hours_record(actor=users["secretary"], member=member, day=today, hours=2, subject="党校培训",
                                  evidence="结业证书")
    from regional import services as regional

    committee = orgs.org_create(actor=users["city_admin"], parent=world.street_a, name="测试大厦党委", code="HP01CX",
                                kind="committee", founded=date(2015, 6, 1), sector="building")
    building = regional.building_create(actor=users["city_admin"], committee=committee, name="测试大厦")
    unit = regional.unit_add(actor=users["city_admin"], building=building, name="丙公司", kind="enterprise")
    regional.instructor_assign(actor=users["city_admin"], unit=unit, member=world.members["a2_member"])
    regional.org_serve(actor=users["city_admin"], building=building, org=world.branch_a1)
    from regional import villages

    rural = orgs.org_create(actor=users["city_admin"], parent=world.street_a, name="测试村党支部", code="HP01V01",
                            kind="branch", founded=date(2000, 1, 1), sector="rural")
    village = villages.village_mark(actor=users["city_admin"], org=rural, difficulty="other", marked_on=date(2023, 1, 1))
    villages.first_secretary_assign(actor=users["city_admin"], village=village, member=world.members["a2_member"])
    villages.pairing_add(actor=users["city_admin"], village=village, unit_org=world.branch_a1)
    task = villages.task_add(actor=users["city_admin"], village=village, title="修路", owner="镇政府",
                             deadline=date(2025, 1, 1))
    villages.report_add(actor=users["city_admin"], village=village, task=task, text="已开工")
    villages.assess(actor=users["city_admin"], village=village, year=2024, grade="达标")
    from regional import cobuilding

    cobuilding.seat_add(actor=users["city_admin"], org=world.street_a, partner_unit="区税务局", member=world.members["a2_member"])
    cobuilding.meeting_record(actor=users["city_admin"], org=world.street_a, held_on=today, topic="共建项目", units=3)
    project = cobuilding.item_add(actor=users["city_admin"], org=world.street_a, kind="project", title="便民服务站")
    cobuilding.project_complete(actor=users["city_admin"], item=project)
    from exams import services as exams
    from exams.tests.test_exams import bank, exam

    bank(world, n=3)
    exams.attempt_start(actor=users["member"], exam=exam(world, questions=2))
    from training import services as training

    day = today - timedelta(days=1) if today.month > 1 or today.day > 1 else today
    training.group_study_record(actor=users["secretary"], org=world.branch_a1, kind="branch", held_on=day, topic="学习党章",
                                hours=2, attendees=[world.members["a1_member"]])
    klass = training.class_create(actor=users["a_admin"], org=world.district_a, title="书记轮训班", target="all",
                                  cycle_start=day.year, cycle_end=day.year, starts=day, ends=day)
    training.enrol(actor=users["a_admin"], klass=klass, members=[world.members["a1_member"]])
    training.session_record(actor=users["a_admin"], klass=klass, held_on=day, topic="党章", hours=3,
                            present=[world.members["a1_member"]])
    from pledges import services as pledges

    pledge = pledges.pledge_create(actor=users["member"], text="每月走访联系户两户")
    pledges.pledge_review(actor=users["a_admin"], pledge=pledge, approve=True)
    pledges.record_add(actor=users["member"], pledge=pledge, day=today, text="走访了两户联系户")
    pledges.post_create(actor=users["a_admin"], org=world.branch_a1, kind="zone", name="3号楼责任区",
                        duties="联系3号楼住户", holder=world.members["a1_member"])
    from community import services as community
    from community.tests.test_checkin import make_places

    places = make_places(world)
    checkin = community.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    community.checkin_decide(actor=users["a_admin"], checkin=checkin, confirm=True)
    team = community.team_create(actor=users["a_admin"], community=places["community"], name="助老服务队")
    community.checkin_assign(actor=users["a_admin"], checkin=checkin, team=team)
    community.record_add(actor=users["a_admin"], checkin=checkin, day=today, hours=2, content="陪同老人就医")
    community.rating_record(actor=users["a_admin"], checkin=checkin, year=today.year, grade="good")
    from orders import services as orders

    item = orders.item_save(actor=users["a_admin"], community=places["community"], name="助老陪诊")
    order = orders.order_place(item=item, name="王大妈", phone="13812345678", address="朝阳里5号楼", need="陪同就医",
                               ip="10.7.0.1")
    orders.order_dispatch(actor=users["a_admin"], order=order, team=team)
    from oversight import services as oversight
    from oversight.tests.test_oversight import (
        add_item,
        checks_for,
        make_plan,
        make_team,
        start_inspection,
    )

    make_plan(world)
    oversight.visit_record(actor=users["a_admin"], team=make_team(world), org=world.branch_a1,
                           checks=checks_for(world.branch_a1))
    rectification = add_item(world, start_inspection(world))
    oversight.evidence_submit(actor=users["secretary"], item=rectification, text="已补开支委会")
    oversight.bulletin_generate(actor=users["a_admin"], org=world.district_a, year=today.year,
                                quarter=(today.month - 1) // 3 + 1)
    from soe.tests.test_soe import divide, make_committees, report

    report(world, divide(world, make_committees(world)).shares.order_by("pk").first())  # district A's SOE ledger
    from lagging import services as lagging
    from lagging.tests.test_lagging import done, open_case, plan, task

    lagging_case = open_case(world)  # branch A1 listed as lagging, its plan and task done, closed with the grade
    plan(world, lagging_case)
    done(world, task(world, lagging_case))
    lagging.case_close(actor=users["a_admin"], case=lagging_case, grade_after="good", text="验收合格")
    from reviews.tests.test_reviews import records as report_reviews

    report_reviews(world)  # a closed 述职评议 round of the city, its ratings, feedback and a follow-up
    from fivegood.tests.test_fivegood import records as fivegood_records

    fivegood_records(world)  # the city's standard, assessments of branches A1, A2 (五好, an exemplar) and B1
    orgs.term_create(actor=users["a_admin"], org=world.branch_a1, started=date(2024, 1, 1),
                     members=[("secretary", "李建国")])
    orgs.org_move(actor=users["city_admin"], org=world.branch_a2, new_parent=world.district_b, reason="区划调整")
    news = make_portal(world)
    portal.comment_post(article=publish(news), body="好文章", name="读者")
    return news


def test_the_outsider_sees_nothing_and_the_city_admin_everything_in_the_city(world, story):
    from portal import services as portal

    outsider, city_admin = world.users["outsider"], world.users["city_admin"]
    # Whoever reviews every top channel is the portal's "city admin".
    chief = make_user("chief_reviewer")
    for channel in story.channels.values():
        if channel.depth == 1:
            portal.grant(user=chief, channel=channel, role="reviewer")
    checked = set()
    for model in MODELS:
        if model.scope_custom:
            assert not model.objects.visible_to(outsider).exists(), model
            if model.objects.exists():
                checked.add(model._meta.label)
            continue
        for action in actions(model):
            assert not model.objects.visible_to(outsider, action).exists(), (model, action)
        whole = model.objects.count()
        if model.scope_tree == "org":
            assert model.objects.visible_to(city_admin).count() == whole, model
        else:
            assert model.objects.visible_to(chief, "review").count() == whole, model
        if whole:
            checked.add(model._meta.label)
    # A model the story writes no row of is checked on an empty table only: a new model joins the
    # story (or this list, saying why).
    assert set(LABELS) - checked == {
        "members.ImportBatch", "members.MemberDocument", "orglife.Attachment", "portal.ArticleImage",  # files
    }


# --- the verbs -------------------------------------------------------------------------------------


def test_covers_above_needs_a_grant_strictly_above_the_org(world):
    district_admin, secretary = get_scope(world.users["a_admin"]), get_scope(world.users["secretary"])
    branch = world.branch_a1
    assert district_admin.covers_above(branch.path, "orglife.review")
    assert not district_admin.covers_above(world.district_a.path, "orglife.review")  # its own org
    assert not district_admin.covers_above(world.branch_b1.path, "orglife.review")  # another district
    assert secretary.covers(branch.path, "orglife.change") and not secretary.covers_above(branch.path, "orglife.change")


def test_granting_lists_the_orgs_of_a_permission_without_the_members_own(world):
    secretary = world.users["secretary"]
    assert set(Org.objects.granting(secretary, "orglife.change")) == {world.branch_a1, world.group_a1}
    assert not Org.objects.granting(secretary, "recruitment.approve").exists()
    # The member sees their own org, but holds no permission on it.
    member = world.users["member"]
    assert list(Org.objects.visible_to(member)) == [world.branch_a1]
    assert not Org.objects.granting(member, "org.view").exists()
    assert set(Org.objects.granting(world.users["a_admin"], "member.change")) == set(
        Org.objects.subtree(world.district_a))
    # The org tree's registered loader reads what the scope holds.
    assert TREES["org"].grants_of(secretary.pk) == get_scope(secretary).tree("org")


def test_channel_grants_are_a_grant_tree_read_once_per_request(world, django_assert_num_queries):
    from portal import demo
    from portal import services as portal
    from portal.models import Channel

    channels = demo._channels()
    top, below = channels["zixun"], channels["tianjin"]
    editor = make_user("editor_of_tianjin")
    portal.grant(user=editor, channel=below, role="editor")
    scope = get_scope(editor)
    with django_assert_num_queries(1):
        channels = scope.tree("channel")
        assert scope.tree("channel") is channels
    assert channels.covers(below.path, "portal.edit") and not channels.covers(top.path, "portal.edit")
    assert not channels.holds("portal.review")
    assert list(Channel.objects.visible_to(editor, "edit")) == [below]
    assert list(Channel.objects.granting(editor, "portal.edit")) == [below]
    # A new grant is seen at once: the scope's cache is cleared like after an org grant.
    portal.grant(user=editor, channel=top, role="reviewer")
    assert get_scope(editor).tree("channel").covers(top.path, "portal.review")
    assert not get_scope(world.users["city_admin"]).tree("channel").holds("portal.edit")
    assert Role.ORG_ADMIN not in TREES["channel"].permissions
