"""Demo members: realistic names, checksum-valid ID numbers from the districts' region codes."""

import random
from datetime import date, timedelta

from django.utils import timezone

from accounts.demo import _user
from accounts.models import Grant
from core import idcard
from core.access import Role
from core.crypto import get_provider
from members.models import Member, MemberStatus, mask_phone
from orgs.demo import random_name
from orgs.models import MEMBERSHIP_KINDS, Org

REGION = {"HP": "120101", "HD": "120102", "HX": "120103", "NK": "120104", "HB": "120105", "HQ": "120106",
          "BC": "120113"}


# The demo's occupations (free text in the archive, as a roster writes them).
OCCUPATIONS = ("企业管理人员", "专业技术人员", "工人", "公务员", "事业单位人员", "农牧渔民", "专业技术人员",
               "企业管理人员", "工人", "社区工作者")


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
    branches = list(Org.objects.filter(kind__in=MEMBERSHIP_KINDS).only("pk", "code", "path"))
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
                # Taken in turn, not from rng: the demo's other values stay what they were.
                occupation=("离退休人员" if age >= 60 else "学生" if age < 23
                            else OCCUPATIONS[len(rows) % len(OCCUPATIONS)]),
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


def load_accounts() -> list[tuple[str, str]]:
    """The demo branch secretary in 和平区 and a member of that branch: accounts of two of its
    members (after ``accounts.demo.load``); return (username, description)."""
    made = []
    branch = Org.objects.get(code="HP01C01B01")
    secretary_member = Member.objects.filter(org=branch, status=MemberStatus.FULL).order_by("pk").first()
    secretary = _user("secretary", secretary_member.name)
    Grant.objects.create(user=secretary, role=Role.SECRETARY, org=branch)
    secretary_member.user = secretary
    secretary_member.save(update_fields=["user"])
    made.append(("secretary", f"{branch.name}书记"))
    plain = Member.objects.filter(org=branch, user__isnull=True).order_by("pk").first()
    member_user = _user("member", plain.name)
    plain.user = member_user
    plain.save(update_fields=["user"])
    made.append(("member", f"{branch.name}党员"))
    return made
