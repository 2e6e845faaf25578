"""`dangjian demo --scale city`: a year's recruitment cases in the branches, inserted in bulk,
each at one of steps 1–9 (application to sponsors) with the dates the rules ask: the talk within a
month of the application, the activist at least 6 months after it, the candidate at least a year
after the activist with half-yearly assessments in between, the upper filings a few days after.
Some cases are left waiting past a deadline (talk, assessment), so red and yellow cases appear.
Stage, last step and the yellow/red days come from recruitment.rules, as the services store them.
The steps after 9 need their own records (review, pre-review, votes, notices) and come through the
services in the small demo only."""

import random
from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from core import idcard
from core.bulk import insert_many
from core.crypto import get_provider
from core.dates import add_months
from members.city import districts, region_of
from orgs.demo import random_name
from orgs.models import Org, OrgKind
from recruitment import rules
from recruitment.models import Case, CaseStatus, Step

MAX_STEP = 9


def _dates(rng: random.Random, applied: date, upto: int) -> dict[int, list[date]]:
    """Step number → dates, from the application up to ``upto``, in the rules' order and spacing."""
    steps = {1: [applied]}
    d = applied
    for n in range(2, upto + 1):
        if n == 2:
            d = applied + timedelta(days=rng.randrange(7, 25))
        elif n == 3:
            d = add_months(applied, 6) + timedelta(days=rng.randrange(0, 30))
        elif n == 6:
            d = add_months(steps[3][0], 5)
            steps[6] = [d]
            if upto >= 7:
                steps[6].append(add_months(steps[3][0], 10))
            continue
        elif n == 7:
            d = add_months(steps[3][0], 12) + timedelta(days=rng.randrange(0, 20))
        else:
            d = d + timedelta(days=rng.randrange(3, 15))
        steps[n] = [d]
    return steps


def load(rng: random.Random, *, per_branch: float, serials: dict[str, int], id_number: Callable[[str, int], str],
         regions: tuple[str, ...]) -> int:
    """About ``per_branch`` cases per branch; ID numbers follow the members' (``serials``: the last
    used per region, of dangjian.bench.id_number), so none repeats a member's."""
    today = timezone.localdate()
    provider = get_provider()
    region_by_path = districts(regions)
    branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
    count = max(MAX_STEP * 2, round(len(branches) * per_branch))
    serials = dict(serials)
    cases, planned = [], []
    for i in range(count):
        org = branches[i % len(branches)] if i < len(branches) else rng.choice(branches)
        upto = 1 + i % MAX_STEP
        # Recent applicants, some of them waiting longer than the rules allow; no step after today.
        applied = today - timedelta(days=rng.randrange(1, 60 if upto < 6 else 200))
        steps = _dates(rng, applied, upto)
        while max(max(ds) for ds in steps.values()) >= today:
            applied -= timedelta(days=30)
            steps = _dates(rng, applied, upto)
        region = region_of(org.path, region_by_path)
        serials[region] += 1
        number = id_number(region, serials[region])
        born = idcard.birth_date(number)
        if (applied - born).days < 365 * 18 + 5:
            continue  # too young to apply (rules.check_age)
        history = rules.History(steps={n: [SimpleNamespace(done_on=d) for d in ds] for n, ds in steps.items()})
        case = Case(org=org, status=CaseStatus.OPEN, applied=applied)
        warn_on, due_on = rules.warn_and_due(case, history)
        cases.append({
            "org_id": org.pk, "name": random_name(rng), "gender": idcard.gender(number), "birth_date": born,
            "id_number_cipher": provider.encrypt(number), "id_number_index": provider.blind_index(number),
            "id_number_masked": idcard.mask(number), "status": CaseStatus.OPEN, "stage": rules.stage_of(history),
            "last_step": upto, "applied": applied, "warn_on": warn_on, "due_on": due_on,
        })
        planned.append((org.pk, number, steps))
    insert_many(Case, cases)
    by_index = dict(Case.objects.values_list("id_number_index", "pk"))
    rows = []
    for org_id, number, steps in planned:
        case_id = by_index[provider.blind_index(number)]
        for n, ds in steps.items():
            for d in ds:
                rows.append({"case_id": case_id, "org_id": org_id, "number": n, "done_on": d,
                             "note": rules.STEP[n].label})
    insert_many(Step, rows)
    return len(cases)
