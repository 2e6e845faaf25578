"""Demo members: realistic names, checksum-valid ID numbers from the districts' region codes."""

import random
from datetime import date, timedelta

from django.utils import timezone

from core import idcard
from core.crypto import get_provider
from members.models import Member, MemberStatus, mask_phone
from orgs.models import BRANCH_KINDS, Org

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国建华志强志明海燕晓东晓丽丹宇浩"
         "鑫鹏俊辉慧颖婷雪梅琳楠欣怡佳宁凯旭晨阳子涵思远嘉诚文博雨萱梓轩一鸣振华淑珍淑华凤兰秀珍德福永胜")
REGION = {"HP": "120101", "HD": "120102", "HX": "120103", "NK": "120104", "HB": "120105", "HQ": "120106",
          "BC": "120113"}


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given[:2]


def random_id_number(rng: random.Random, region: str, born: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 100)
        gender_digit = rng.choice("13579" if male else "02468")
        first17 = f"{region}{born:%Y%m%d}{seq:02d}{gender_digit}"
        number = first17 + idcard.check_char(first17)
        if number not in used:
            used.add(number)
            return number


def load(rng: random.Random, target: int = 5000) -> dict[int, list[tuple[int, str]]]:
    """Spread about ``target`` members over the populated districts' branches."""
    provider = get_provider()
    branches = list(Org.objects.filter(kind__in=BRANCH_KINDS).only("pk", "code", "path"))
    weights = [rng.randint(6, 45) for _ in branches]
    scale = target / sum(weights)
    used: set[str] = set()
    rows: list[Member] = []
    today = timezone.localdate()
    for branch, weight in zip(branches, weights, strict=True):
        count = max(3, round(weight * scale))
        region = REGION.get(branch.code[:2], "120101")
        for _ in range(count):
            born = date(1938, 1, 1) + timedelta(days=rng.randrange(0, 365 * 64))
            male = rng.random() < 0.62
            joined = born + timedelta(days=365 * rng.randint(18, 45) + rng.randrange(0, 365))
            joined = min(joined, today - timedelta(days=rng.randrange(30, 800)))
            adult = date(born.year + 18, born.month, min(born.day, 28)) + timedelta(days=3)
            if joined < adult:
                joined = adult + timedelta(days=rng.randrange(0, 300))
            probationary = (today - joined).days < 365
            number = random_id_number(rng, region, born, male, used)
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            age = (today - born).days // 365
            member = Member(
                org_id=branch.pk, name=random_name(rng), gender="male" if male else "female",
                birth_date=born, id_number_cipher=provider.encrypt(number),
                id_number_index=provider.blind_index(number), id_number_masked=idcard.mask(number),
                status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL, joined=joined,
                applied=joined - timedelta(days=rng.randint(400, 1500)),
                converted=None if probationary else joined + timedelta(days=365),
                ethnicity=rng.choices(["汉族", "回族", "满族", "蒙古族", "朝鲜族"], [92, 4, 2, 1, 1])[0],
                native_place=rng.choice(["天津", "河北沧州", "山东德州", "河北唐山", "北京", "山西大同"]),
                education=rng.choices(["postgraduate", "bachelor", "college", "secondary", "high_school", "junior"],
                                      [8, 35, 22, 10, 12, 13])[0],
                category=("retired" if age >= 60 else "student" if age < 23 else
                          rng.choices(["in_service", "mobile", "unemployed"], [90, 6, 4])[0]),
                phone_cipher=provider.encrypt(phone), phone_index=provider.blind_index(phone),
                phone_masked=mask_phone(phone),
            )
            member.set_name(member.name)
            if member.applied < adult:
                member.applied = adult
            rows.append(member)
    Member.objects.bulk_create(rows, batch_size=1000)
    names: dict[int, list[tuple[int, str]]] = {}
    for pk, org_id, name in Member.objects.filter(status=MemberStatus.FULL).values_list("pk", "org_id", "name"):
        names.setdefault(org_id, []).append((pk, name))
    return names
