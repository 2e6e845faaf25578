"""Demo building committee: 和平区 创新大厦 exactly as the article describes it (seed-figures.md):
24 party orgs with 55 members under the building committee (the orgs demo makes 17 enterprise
branches and 7 joint branches of instructors) covering 15 non-public enterprises; 16 more
branches (77 members on the ledger) affiliated elsewhere and served without changing their
affiliation; 24 instructors assigned to the 24 units with no members, which sit in the 7 joint
branches; 100 % organizational and work coverage. Inserted in bulk; the demo command rebuilds
the summaries afterwards."""

import random
from datetime import date

from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgKind
from regional.models import Building, BuildingUnit, Instructor, ServedOrg, UnitKind

COMMITTEE = "HPCXDS"
ENTERPRISES = 15  # with members and a branch of their own
MEMBERS = [4] * 10 + [3] * 5  # 55 members in the 15 enterprises
NO_MEMBER_UNITS = 24  # each with one instructor, in the 7 joint branches
SOCIAL_ORGS = 4  # of the units with no members
SERVED_MEMBERS = [5] * 13 + [4] * 3  # 16 branches, 77 members
TRADES = ["科技", "信息", "咨询", "传媒", "设计", "金融服务", "贸易", "软件", "文化", "法律服务", "物流", "网络",
          "数据", "教育科技", "广告", "医疗科技", "建筑设计", "会计服务", "旅游", "电子商务"]


def load(rng: random.Random) -> Building | None:
    committee = Org.objects.filter(code=COMMITTEE).first()
    if committee is None:
        return None
    building = Building.objects.create(committee=committee, name="创新大厦", address="天津市和平区")
    branches = list(Org.objects.filter(parent_path_q(committee), kind=OrgKind.BRANCH).order_by("code"))
    joints = list(Org.objects.filter(parent_path_q(committee), kind=OrgKind.JOINT_BRANCH).order_by("code"))
    units = []
    for i in range(ENTERPRISES):
        units.append(BuildingUnit(building=building, name=f"天津创新{TRADES[i % len(TRADES)]}有限公司{_suffix(i)}",
                                  kind=UnitKind.ENTERPRISE, members=MEMBERS[i], party_org=branches[i], reached=True))
    for i in range(NO_MEMBER_UNITS):
        social = i >= NO_MEMBER_UNITS - SOCIAL_ORGS
        name = (f"和平区{TRADES[i % len(TRADES)]}促进会{_suffix(i)}" if social
                else f"天津{TRADES[(i + 5) % len(TRADES)]}工作室{_suffix(i)}")
        units.append(BuildingUnit(building=building, name=name,
                                  kind=UnitKind.SOCIAL_ORG if social else UnitKind.ENTERPRISE,
                                  members=0, joint_branch=joints[i % len(joints)], reached=True))
    BuildingUnit.objects.bulk_create(units)
    no_members = [u for u in building.units.filter(members=0).order_by("pk")]
    elsewhere = Member.objects.filter(org__code__startswith="HP", status__in=ACTIVE_STATUSES).exclude(
        org__path__startswith=committee.path).order_by("pk")
    people = rng.sample(list(elsewhere.values_list("pk", flat=True)[:2000]), len(no_members))
    Instructor.objects.bulk_create(Instructor(unit=unit, member_id=pk, assigned_on=date(2016, 3, 1))
                                   for unit, pk in zip(no_members, people, strict=True))
    served = (Org.objects.filter(code__startswith="HP", kind=OrgKind.BRANCH).exclude(path__startswith=committee.path)
              .order_by("code"))
    picks = rng.sample(list(served.values_list("pk", flat=True)[:400]), len(SERVED_MEMBERS))
    ServedOrg.objects.bulk_create(ServedOrg(building=building, org_id=pk, members=members, since=date(2016, 7, 1))
                                  for pk, members in zip(picks, SERVED_MEMBERS, strict=True))
    return building


def parent_path_q(org: Org):
    from django.db.models import Q

    return Q(path__startswith=org.path, depth=org.depth + 1)


def _suffix(i: int) -> str:
    return "" if i < len(TRADES) else str(i // len(TRADES) + 1)


VILLAGE = "BC01V01"  # 北辰区 双街村 (orgs.demo)


def load_villages(rng: random.Random) -> None:
    """北辰区's village paired with a unit of 和平区, its first secretary, a plan of three tasks
    (one done), two progress reports and two years of grades. Inserted directly; the demo command
    rebuilds the summaries afterwards."""
    from datetime import timedelta

    from django.utils import timezone

    from regional.models import Pairing, PlanTask, ProgressReport, Village, VillageAssessment

    org = Org.objects.filter(code=VILLAGE).first()
    if org is None:
        return
    today = timezone.localdate()
    secretary = rng.choice(list(Member.objects.filter(org__code__startswith="HP", status__in=ACTIVE_STATUSES)
                                .values_list("pk", flat=True)[:500]))
    village = Village.objects.create(org=org, difficulty="weak_economy", marked_on=date(today.year - 2, 3, 1),
                                     first_secretary_id=secretary,
                                     goals="村集体经济年收入达到50万元；村级活动场所提升改造；班子建设达到“五好”标准")
    partner = Org.objects.filter(code__startswith="HP", level="unit", sector="government").order_by("code").first()
    if partner is not None:
        Pairing.objects.create(village=village, unit_org=partner, since=date(today.year - 2, 4, 1))
    tasks = [PlanTask.objects.create(village=village, title=title, owner=owner, deadline=deadline, done_on=done)
             for title, owner, deadline, done in [
                 ("建设蔬菜温室大棚20座", "第一书记", date(today.year - 1, 10, 31), date(today.year - 1, 9, 20)),
                 ("村级活动场所提升改造", "结对帮扶单位", date(today.year, 12, 31), None),
                 ("发展党员1名（农民）", "村党委", date(today.year, 12, 31), None)]]
    ProgressReport.objects.create(village=village, task=tasks[0], reported_on=date(today.year - 1, 9, 20),
                                  text="20座温室大棚建成投产，村集体年增收约18万元")
    ProgressReport.objects.create(village=village, task=tasks[1], reported_on=today - timedelta(days=10),
                                  text="活动场所改造方案已报镇党委，施工单位已确定")
    VillageAssessment.objects.create(village=village, year=today.year - 2, grade="后进")
    VillageAssessment.objects.create(village=village, year=today.year - 1, grade="达标")


def load_cobuilding(rng: random.Random) -> None:
    """和平区's first street (an expanded working committee, 大工委): three part-time members from
    co-building units, two joint meetings, the three lists, one project done and one under way."""
    from datetime import timedelta

    from django.utils import timezone

    from orgs.models import OrgLevel
    from regional.models import CoBuildItem, CommitteeSeat, JointMeeting

    street = Org.objects.filter(code__startswith="HP", level=OrgLevel.STREET).order_by("code").first()
    if street is None:
        return
    today = timezone.localdate()
    people = rng.sample(list(Member.objects.filter(org__code__startswith="HP", status__in=ACTIVE_STATUSES)
                             .values_list("pk", flat=True)[:500]), 3)
    for pk, unit in zip(people, ["和平区税务局", "天津市第一中心医院（和平院区）", "和平区图书馆"], strict=True):
        CommitteeSeat.objects.create(org=street, partner_unit=unit, member_id=pk)
    JointMeeting.objects.create(org=street, held_on=today - timedelta(days=75), topic="年度共建项目确定", units=12)
    JointMeeting.objects.create(org=street, held_on=today - timedelta(days=12), topic="共建项目进展通报", units=10)
    CoBuildItem.objects.create(org=street, kind="need", title="老旧小区加装电梯咨询")
    CoBuildItem.objects.create(org=street, kind="need", title="老年人健康讲座")
    CoBuildItem.objects.create(org=street, kind="resource", title="周末开放会议室", partner_unit="和平区税务局")
    CoBuildItem.objects.create(org=street, kind="resource", title="义诊专家团队", partner_unit="天津市第一中心医院（和平院区）")
    CoBuildItem.objects.create(org=street, kind="project", title="社区义诊进楼门", partner_unit="天津市第一中心医院（和平院区）",
                               done_on=today - timedelta(days=20))
    CoBuildItem.objects.create(org=street, kind="project", title="社区书房共建", partner_unit="和平区图书馆")
