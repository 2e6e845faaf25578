"""`dangjian demo --scale city`: members spread unevenly over the branches, inserted with
core.bulk.insert_many; checksum-valid, never repeated ID numbers from dangjian.bench.id_number
(the same affine permutation as `dangjian bench tree`), per district region. The bench's helpers
are handed in by dangjian.city (apps do not import the project package)."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from core import idcard
from core.bulk import insert_many
from core.crypto import get_provider
from members.demo import OCCUPATIONS
from members.models import Education, Member, MemberStatus
from members.pinyin import pinyin_fields
from orgs.demo import random_name
from orgs.models import Org, OrgKind

BATCH = 10_000
# Education as the party's statistics bulletin gives it (大专及以上 about 59 %).
EDUCATIONS = (Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE, Education.SECONDARY,
              Education.HIGH_SCHOOL, Education.JUNIOR)
EDUCATION_WEIGHTS = (6, 31, 22, 7, 12, 22)


def region_of(org_path: str, districts: dict[str, str]) -> str:
    return districts[org_path[: 2 * Org.steplen]]


def districts(regions: tuple[str, ...]) -> dict[str, str]:
    """District path → its region code (GB/T 2260), in the order of orgs.demo.DISTRICTS."""
    paths = Org.objects.filter(depth=2).order_by("path").values_list("path", flat=True)
    return {path: regions[i % len(regions)] for i, path in enumerate(paths)}


def load(rng: random.Random, *, total: int, spread: Callable[..., list[int]], id_number: Callable[[str, int], str],
         regions: tuple[str, ...], progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Insert ``total`` members; returns the last serial used per region (ID numbers after it are
    free for the recruitment cases)."""
    branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path").values_list("pk", "path"))
    region_by_path = districts(regions)
    counts = spread(total, len(branches), rng, minimum=0, weights=[rng.randint(6, 45) for _ in branches])
    counts[0] += 3  # the demo secretary's branch (HP01C01B01, the first) has a secretary and a member
    serials = dict.fromkeys(regions, 0)
    provider = get_provider()
    today = timezone.localdate()
    rows: list[dict] = []
    done = 0
    spelled: dict[str, dict[str, str]] = {}  # names repeat: spell each once
    for index, ((org_id, path), count) in enumerate(zip(branches, counts, strict=True)):
        region = region_of(path, region_by_path)
        for k in range(count):
            serials[region] += 1
            number = id_number(region, serials[region])
            born = idcard.birth_date(number)
            adult = born + timedelta(days=365 * 18 + 5)
            joined = min(adult + timedelta(days=rng.randrange(0, 365 * 30)), today - timedelta(days=rng.randrange(30, 800)))
            joined = max(joined, adult)
            if index == 0 and k == 0:
                joined = min(joined, today - timedelta(days=800))
            name = random_name(rng)
            if name not in spelled:
                spelled[name] = pinyin_fields(name)
            age = today.year - born.year
            rows.append({
                **spelled[name], "org_id": org_id, "name": name, "gender": idcard.gender(number), "birth_date": born,
                "education": rng.choices(EDUCATIONS, EDUCATION_WEIGHTS)[0],
                "occupation": "离退休人员" if age >= 60 else "学生" if age < 23 else rng.choice(OCCUPATIONS),
                "id_number_cipher": provider.encrypt(number), "id_number_index": provider.blind_index(number),
                "id_number_masked": idcard.mask(number), "joined": joined,
                "status": MemberStatus.PROBATIONARY if (today - joined).days < 365 else MemberStatus.FULL,
            })
            if len(rows) == BATCH:
                done += insert_many(Member, rows)
                rows = []
                if progress:
                    progress(done)
    done += insert_many(Member, rows)
    return serials
