"""`dangjian demo --scale city`: the city's org tree — 天津市, its 16 districts of uneven size,
streets, communities, branches and party groups, built in bulk (orgs.bulk.build) with the shape of
`dangjian bench tree` (dangjian.bench.Shape and spread, handed in by dangjian.city: apps do not
import the project package) but the demo's codes (TJ, HP, HP01C01B01…), so
the demo accounts find their orgs.

Each district also has its in-service side (在职党员: the members who check in with a community
where they live, community.rules.IN_SERVICE_SECTORS): an organ working committee (区级机关工委,
code ``<district>JG``) over the bureaus' and institutions' committees, and the state-assets
committee (区国资委党委, ``<district>GZ``) over the state-owned companies' committees, each with
branches. Their branches are taken off the end of the communities' (about ``IN_SERVICE_SHARE`` of
them; every community keeps its first branch, so HP01C01B01 stays), and their committees off the
party groups, so the totals of orgs and branches are those of the shape."""

import random
from collections.abc import Callable
from datetime import date

from orgs import bulk
from orgs.bulk import Node
from orgs.demo import COMMUNITY_WORDS, DISTRICTS, STREETS
from orgs.models import Org, OrgKind, OrgLevel, Sector

# Relative district sizes: the central districts are small, 滨海新区 and the outer ones large.
DISTRICT_WEIGHTS = {"HP": 0.5, "HD": 0.8, "HX": 0.9, "NK": 1.0, "HB": 0.7, "HQ": 0.6, "DL": 1.0, "XQ": 1.1,
                    "JN": 0.9, "BC": 1.0, "WQ": 1.3, "BD": 1.1, "BH": 2.2, "NH": 0.6, "JH": 1.0, "JZ": 1.0}
FOUNDED = date(2000, 1, 1)


Spread = Callable[..., list[int]]  # dangjian.bench.spread(total, slots, rng, *, minimum=1, weights=None)

# The share of the planned branches that are in-service (organs, institutions, SOEs) rather than
# communities'; two thirds of them under the organ working committee, a third under the SOEs'.
IN_SERVICE_SHARE = 0.22
ORGAN_SHARE = 2 / 3
BRANCHES_PER_UNIT = 8  # about, under each bureau's, institution's or company's committee
ORGANS = [(Sector.GOVERNMENT, name) for name in (
    "教育局", "卫生健康委", "商务局", "民政局", "城市管理委", "人力社保局", "发展改革委", "财政局", "司法局",
    "住房建设委", "交通运输委", "生态环境局", "市场监管局", "文化旅游局", "应急管理局", "统计局", "审计局",
    "退役军人事务局", "医疗保障局", "农业农村委", "水务局", "科技局")] + [(Sector.INSTITUTION, name) for name in (
    "图书馆", "文化馆", "档案馆", "疾病预防控制中心", "政务服务中心", "融媒体中心", "公共资源交易中心", "社会福利院")]
COMPANIES = ["建设集团有限公司", "水务集团有限公司", "商贸集团有限公司", "城市投资集团有限公司", "公交集团有限公司",
             "供热集团有限公司", "国有资产经营有限公司", "旅游集团有限公司", "燃气有限公司", "环境集团有限公司"]


def plan(rng: random.Random, shape, spread: Spread) -> Node:
    """``shape``: the counts of streets, communities, branches and groups (dangjian.bench.Shape)."""
    city = Node("中共天津市委员会", "TJ", OrgKind.COMMITTEE, OrgLevel.CITY, founded=FOUNDED)
    weights = [DISTRICT_WEIGHTS[code] for _, code in DISTRICTS]
    districts = [city.add(Node(f"中共天津市{name}委员会", code, OrgKind.COMMITTEE, OrgLevel.DISTRICT,
                               founded=FOUNDED)) for name, code in DISTRICTS]
    streets = []
    for district, count in zip(districts, spread(shape.streets, 16, rng, weights=weights), strict=True):
        names = STREETS.get(district.code, [])
        for i in range(1, count + 1):
            label = names[i - 1] if i <= len(names) else f"第{i}街道"
            streets.append(district.add(Node(f"{label}党工委", f"{district.code}{i:02d}", OrgKind.WORKING_COMMITTEE,
                                              OrgLevel.STREET, Sector.COMMUNITY, founded=FOUNDED)))
    communities = []
    for street, count in zip(streets, spread(shape.communities, len(streets), rng), strict=True):
        for i in range(1, count + 1):
            word = COMMUNITY_WORDS[(i - 1) % len(COMMUNITY_WORDS)]
            suffix = "" if i <= len(COMMUNITY_WORDS) else str((i - 1) // len(COMMUNITY_WORDS) + 1)
            communities.append(street.add(Node(f"{word}{suffix}社区党委", f"{street.code}C{i:02d}", OrgKind.COMMITTEE,
                                                OrgLevel.COMMUNITY, Sector.COMMUNITY, founded=FOUNDED)))
    branches = []
    moved = dict.fromkeys((d.code for d in districts), 0)  # in-service branches per district
    for community, count in zip(communities, spread(shape.branches, len(communities), rng), strict=True):
        # the last of the community's branches go in service (rounded at random); its first stays
        taken = min(count - 1, int(count * IN_SERVICE_SHARE + rng.random()))
        moved[community.code[:2]] += taken
        for i in range(1, count - taken + 1):
            branches.append(community.add(Node(f"第{i}党支部", f"{community.code}B{i:02d}", OrgKind.BRANCH,
                                               OrgLevel.UNIT, Sector.COMMUNITY, founded=FOUNDED)))
    added = 0  # committees over the in-service branches: taken off the party groups
    for (name, _), district in zip(DISTRICTS, districts, strict=True):
        organs = round(moved[district.code] * ORGAN_SHARE)
        for top, units, count in (
                (Node(f"中共天津市{name}委区级机关工作委员会", f"{district.code}JG", OrgKind.WORKING_COMMITTEE,
                      OrgLevel.DISTRICT, Sector.GOVERNMENT, founded=FOUNDED),
                 [(sector, f"{name}{unit}", "机关党委" if sector == Sector.GOVERNMENT else "党委")
                  for sector, unit in rng.sample(ORGANS, len(ORGANS))], organs),
                (Node(f"中共天津市{name}国资委委员会", f"{district.code}GZ", OrgKind.COMMITTEE, OrgLevel.DISTRICT,
                      Sector.SOE, founded=FOUNDED),
                 [(Sector.SOE, f"{name.removesuffix('区').removesuffix('新')}{company}", "党委")
                  for company in COMPANIES], moved[district.code] - organs)):
            district.add(top)
            added += 1
            shares = spread(count, min(len(units), max(1, round(count / BRANCHES_PER_UNIT))), rng) if count else []
            for k, ((sector, unit_name, label), share) in enumerate(zip(units, shares, strict=False), start=1):
                unit = top.add(Node(f"{unit_name}{label}", f"{top.code}{k:02d}", OrgKind.COMMITTEE, OrgLevel.UNIT, sector,
                                    unit_name=unit_name, founded=FOUNDED))
                added += 1
                for i in range(1, share + 1):
                    branches.append(unit.add(Node(f"第{i}党支部", f"{unit.code}B{i:02d}", OrgKind.BRANCH, OrgLevel.UNIT,
                                                  sector, unit_name=unit_name, founded=FOUNDED)))
    for branch, count in zip(branches, spread(max(0, shape.groups - added), len(branches), rng, minimum=0), strict=True):
        for i in range(1, count + 1):
            branch.add(Node(f"第{i}党小组", f"{branch.code}G{i}", OrgKind.GROUP, OrgLevel.UNIT, branch.sector,
                            founded=FOUNDED))
    return city


def load(rng: random.Random, *, shape, spread: Spread) -> int:
    bulk.build([plan(rng, shape, spread)])
    return Org.objects.count()
