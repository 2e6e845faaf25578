"""Demo org tree: 天津市 with its 16 districts; 和平区 and 河西区 down to branches and groups, with
every kind and sector; a village in 北辰区 (双街村, from the article)."""

import random
from datetime import date, timedelta

from django.utils import timezone

from orgs import bulk
from orgs.bulk import Node
from orgs.models import LeadershipMember, LeadershipTerm, Org, OrgKind, OrgLevel, Post, Sector
from orgs.rules import NO_TERM_KINDS, default_term_end

DISTRICTS = [
    ("和平区", "HP"), ("河东区", "HD"), ("河西区", "HX"), ("南开区", "NK"), ("河北区", "HB"),
    ("红桥区", "HQ"), ("东丽区", "DL"), ("西青区", "XQ"), ("津南区", "JN"), ("北辰区", "BC"),
    ("武清区", "WQ"), ("宝坻区", "BD"), ("滨海新区", "BH"), ("宁河区", "NH"), ("静海区", "JH"),
    ("蓟州区", "JZ"),
]
STREETS = {
    "HP": ["劝业场街道", "小白楼街道", "五大道街道", "新兴街道", "南营门街道", "南市街道"],
    "HX": ["大营门街道", "下瓦房街道", "桃园街道", "挂甲寺街道", "马场街道", "越秀路街道", "友谊路街道",
           "天塔街道", "尖山街道", "陈塘庄街道", "柳林街道", "东海街道", "梅江街道", "太湖路街道"],
}
COMMUNITY_WORDS = ["朝阳里", "新华里", "鞍山道", "贵州路", "南京路", "宝鸡道", "福安里", "崇仁里", "建设路",
                   "文化村", "和睦里", "育才里", "平山道", "永安道", "体院北", "友谊北", "紫金山", "珠江里"]
UNIT_TEMPLATES = [
    # (sector, unit names to pick from, top kind)
    (Sector.GOVERNMENT, ["区教育局", "区卫生健康委", "区商务局", "区民政局", "区城市管理委", "区人力社保局"],
     OrgKind.COMMITTEE),
    (Sector.INSTITUTION, ["区图书馆", "区文化馆", "区档案馆", "区疾病预防控制中心", "区政务服务中心"],
     OrgKind.GENERAL_BRANCH),
    (Sector.SOE, ["津城建设集团有限公司", "津城水务集团有限公司", "津城商贸集团有限公司"], OrgKind.COMMITTEE),
    (Sector.SCHOOL, ["第一中学", "第二十中学", "实验小学", "育才中学", "新华小学"], OrgKind.GENERAL_BRANCH),
    (Sector.HOSPITAL, ["区人民医院", "区中医医院", "区妇幼保健院"], OrgKind.COMMITTEE),
    (Sector.NON_PUBLIC, ["华信科技有限公司", "鼎盛物流有限公司", "启航软件有限公司", "海纳商贸有限公司"],
     OrgKind.BRANCH),
    (Sector.SOCIAL_ORG, ["社会工作服务中心", "志愿者协会", "养老服务协会"], OrgKind.BRANCH),
]


SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国建华志强志明海燕晓东晓丽丹宇浩"
         "鑫鹏俊辉慧颖婷雪梅琳楠欣怡佳宁凯旭晨阳子涵思远嘉诚文博雨萱梓轩一鸣振华淑珍淑华凤兰秀珍德福永胜")


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given[:2]


def _founded(rng) -> date:
    return date(1985, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))


def _branches(prefix: str, count: int, sector: str, rng, *, unit: str = "", kind=OrgKind.BRANCH,
              groups=True) -> list[Node]:
    result = []
    for i in range(1, count + 1):
        branch = Node(f"{unit}第{_cn(i)}党支部", f"{prefix}B{i:02d}", kind, sector=sector, founded=_founded(rng))
        if groups and rng.random() < 0.6:
            for g in range(1, rng.randint(2, 3) + 1):
                branch.add(Node(f"第{_cn(g)}党小组", f"{prefix}B{i:02d}G{g}", OrgKind.GROUP, sector=sector,
                                founded=branch.founded))
        result.append(branch)
    return result


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _district_detail(code: str, name: str, rng) -> list[Node]:
    children: list[Node] = []
    for s, street in enumerate(STREETS[code], start=1):
        scode = f"{code}{s:02d}"
        node = Node(f"{name}{street}党工委", scode, OrgKind.WORKING_COMMITTEE, OrgLevel.STREET,
                    Sector.COMMUNITY, founded=_founded(rng))
        words = rng.sample(COMMUNITY_WORDS, rng.randint(3, 5))
        for c, word in enumerate(words, start=1):
            ccode = f"{scode}C{c:02d}"
            community_name = f"{street.removesuffix('街道')}{word}社区"
            community = Node(f"{community_name}党委", ccode, OrgKind.COMMITTEE,
                             OrgLevel.COMMUNITY, Sector.COMMUNITY, founded=_founded(rng))
            community.children = _branches(ccode, rng.randint(3, 5), Sector.COMMUNITY, rng, unit=community_name)
            node.add(community)
        children.append(node)
    # Units under the district committee: organs, institutions, SOEs, schools, hospitals, 两新.
    for u, (sector, names, kind) in enumerate(UNIT_TEMPLATES, start=1):
        for k, unit in enumerate(rng.sample(names, 2), start=1):
            ucode = f"{code}U{u}{k}"
            label = {OrgKind.COMMITTEE: "党委", OrgKind.GENERAL_BRANCH: "党总支", OrgKind.BRANCH: "党支部"}[kind]
            unit_name = name + unit.removeprefix("区")
            top = Node(f"{unit_name}{label}", ucode, kind, OrgLevel.UNIT, sector, unit_name=unit_name,
                       founded=_founded(rng))
            if kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
                top.children = _branches(ucode, rng.randint(2, 4), sector, rng, unit=unit.removeprefix("区"))
            children.append(top)
    return children


def _heping_extras(rng) -> list[Node]:
    """创新大厦 building committee (article: 24 orgs, 55 members, 7 joint branches of instructors),
    a park and a temporary branch."""
    building = Node("和平创新大厦党委", "HPCXDS", OrgKind.COMMITTEE, OrgLevel.UNIT, Sector.BUILDING,
                    unit_name="创新大厦", founded=date(2015, 6, 18))
    for i in range(1, 18):
        building.add(Node(f"创新大厦第{_cn(i)}企业党支部", f"HPCXDSB{i:02d}", OrgKind.BRANCH,
                          sector=Sector.NON_PUBLIC, founded=date(2015, 7, 1) + timedelta(days=30 * i)))
    for i in range(1, 8):
        building.add(Node(f"创新大厦党建指导员第{_cn(i)}联合党支部", f"HPCXDSJ{i:02d}", OrgKind.JOINT_BRANCH,
                          sector=Sector.NON_PUBLIC, founded=date(2016, 3, 1)))
    temp = Node("和平区党员干部培训班临时党支部", "HPTMP01", OrgKind.TEMPORARY_BRANCH, sector=Sector.GOVERNMENT,
                founded=timezone.localdate() - timedelta(days=60))
    return [building, temp]


def _hexi_extras(rng) -> list[Node]:
    park = Node("河西区服务业发展园区党委", "HXPARK", OrgKind.COMMITTEE, OrgLevel.UNIT, Sector.PARK,
                founded=date(2012, 5, 1))
    park.children = _branches("HXPARK", 3, Sector.PARK, rng, unit="服务业发展园区")
    university = Node("天津某职业大学党委", "HXUNIV", OrgKind.COMMITTEE, OrgLevel.UNIT, Sector.UNIVERSITY,
                      founded=date(1990, 9, 1))
    college = Node("经济管理学院党总支", "HXUNIVG1", OrgKind.GENERAL_BRANCH, sector=Sector.UNIVERSITY,
                   founded=date(1995, 9, 1))
    college.children = _branches("HXUNIVG1", 3, Sector.UNIVERSITY, rng, unit="经济管理学院")
    university.add(college)
    return [park, university]


def load(rng: random.Random) -> dict[str, Org]:
    city = Node("中共天津市委员会", "TJ", OrgKind.COMMITTEE, OrgLevel.CITY, founded=date(1949, 1, 15))
    for name, code in DISTRICTS:
        district = Node(f"中共天津市{name}委员会", code, OrgKind.COMMITTEE, OrgLevel.DISTRICT,
                        founded=date(1955, 1, 1))
        if code in STREETS:
            district.children = _district_detail(code, name, rng)
            district.children += _heping_extras(rng) if code == "HP" else _hexi_extras(rng)
        if code == "BC":
            town = Node("北辰区双街镇党委", "BC01", OrgKind.COMMITTEE, OrgLevel.STREET, Sector.RURAL,
                        founded=date(1958, 1, 1))
            village = Node("双街村党委", "BC01V01", OrgKind.COMMITTEE, OrgLevel.COMMUNITY, Sector.RURAL,
                           founded=date(1960, 1, 1))
            village.children = _branches("BC01V01", 6, Sector.RURAL, rng, unit="双街村")
            town.add(village)
            district.add(town)
        city.add(district)
    return bulk.build([city])


def load_terms(rng: random.Random, member_names: dict[int, list[tuple[int, str]]]) -> None:
    """Leadership terms: most current, some ending within 90 days, some ended (换届提醒)."""
    today = timezone.localdate()
    terms, posts = [], []
    orgs = list(Org.objects.exclude(kind__in=NO_TERM_KINDS).only("pk", "kind", "level", "sector", "founded"))
    for org in orgs:
        roll = rng.random()
        if roll < 0.05:
            continue  # no term recorded: flagged
        if roll < 0.15:
            ends = today + timedelta(days=rng.randint(5, 85))
        elif roll < 0.22:
            ends = today - timedelta(days=rng.randint(10, 300))
        else:
            ends = today + timedelta(days=rng.randint(120, 1000))
        years = default_term_end(org, ends).year - ends.year
        started = ends - timedelta(days=365 * years + years // 4)
        if started < org.founded:  # the first term starts when the org was founded
            started = org.founded
            ends = default_term_end(org, started)
        terms.append(LeadershipTerm(org_id=org.pk, started=started, ends=ends))
    LeadershipTerm.objects.bulk_create(terms, batch_size=1000)
    by_org = {t.org_id: t for t in LeadershipTerm.objects.all()}
    for org_id, term in by_org.items():
        people = member_names.get(org_id) or [(None, random_name(rng)) for _ in range(7)]
        # Branches of 7+ full members usually have a committee; some are left without (flag).
        post_list = [Post.SECRETARY]
        if len(people) >= 7 and rng.random() < 0.85:
            post_list += [Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE]
        elif rng.random() < 0.5:
            post_list.append(Post.DEPUTY)
        for post, (member_id, name) in zip(post_list, rng.sample(people, min(len(people), len(post_list))), strict=False):
            posts.append(LeadershipMember(term=term, post=post, name=name, member_id=member_id))
    LeadershipMember.objects.bulk_create(posts, batch_size=1000)
