"""The organizational-life benchmark behind `dangjian bench orglife [--minutes N]`.

Under its own org subtree (codes ``BENCHOL…``: a city of 16 districts, streets, branches with a
party group each, about one branch per 60 records, i.e. a year of meetings), it generates N
submitted meeting records whose minutes come from the template grammar (orglife.grammar), 2 % of
them near-copies of an earlier record (names, org, dates and figures changed, sentences shuffled,
sometimes one replaced), and times:

- the **index build**: fingerprints (normalise, shingle, MinHash, LSH bands) and the index rows
  (one fingerprint row and 16 band rows per record), written with multi-row INSERTs;
- the **per-record check** a submission runs (``copydetect.find_copies`` on a fresh fingerprint:
  one indexed query on (band, bucket), exact Jaccard on the candidates), median and p95, with the
  recall on injected copies and the flag rate on originals;
- the **city compliance roll-up** (``orglife.selectors.rollup`` on the city root).

It reports the peak RSS and deletes its data at the end.
"""

import random
import secrets
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.utils import timezone

from core import audit, summaries
from core.bulk import insert_many
from dangjian import bench
from orglife import copydetect, grammar, selectors
from orglife import summaries as meeting_months
from orglife.models import (
    Meeting,
    MeetingKind,
    MeetingMonth,
    MeetingPeriods,
    MeetingState,
    MinutesBand,
    MinutesFingerprint,
)
from orgs import bulk
from orgs.bulk import Node
from orgs.demo import random_name
from orgs.models import Org, OrgKind, OrgLevel

PREFIX = "BENCHOL"
PER_BRANCH = 60  # records per branch: about a year of meetings
CHUNK = 5000
COPY_SHARE = 0.02
SAMPLE = 200
# How often each kind occurs in a year of a branch (the group's meetings go to its party group).
KIND_WEIGHTS = {MeetingKind.THEME_DAY: 12, MeetingKind.COMMITTEE_MEETING: 10, MeetingKind.GROUP_MEETING: 12,
                MeetingKind.BRANCH_ASSEMBLY: 4, MeetingKind.LECTURE: 4, MeetingKind.REVIEW_MEETING: 1,
                MeetingKind.APPRAISAL: 1, MeetingKind.TALK: 2}


def build_orgs(branches: int) -> list[tuple[int, int, str]]:
    """The city; returns (branch id, group id, branch name) for every branch."""
    city = Node("基准测试组织生活市委", f"{PREFIX}", OrgKind.COMMITTEE, OrgLevel.CITY)
    per_district = max(1, branches // 16)
    made = 0
    for d in range(16):
        district = city.add(Node(f"基准测试第{d + 1}区委", f"{PREFIX}D{d:02d}", OrgKind.COMMITTEE, OrgLevel.DISTRICT))
        streets = max(1, per_district // 40)
        for s in range(streets):
            street = district.add(Node(f"基准测试第{d + 1}区第{s + 1}街道党工委", f"{PREFIX}D{d:02d}S{s:03d}",
                                       OrgKind.WORKING_COMMITTEE, OrgLevel.STREET))
            count = per_district // streets + (1 if s < per_district % streets else 0)
            if d == 15 and s == streets - 1:
                count += branches - 16 * per_district  # the remainder
            for _ in range(count):
                code = f"{PREFIX}B{made:06d}"
                branch = street.add(Node(f"基准测试第{made + 1}党支部", code, OrgKind.BRANCH))
                branch.add(Node("第一党小组", code + "G", OrgKind.GROUP))
                made += 1
    with transaction.atomic():
        bulk.build([city])
    groups = dict(Org.objects.filter(code__startswith=f"{PREFIX}B", kind=OrgKind.GROUP).values_list("code", "pk"))
    return [(pk, groups[code + "G"], name) for pk, code, name in Org.objects.filter(
        code__startswith=f"{PREFIX}B", kind=OrgKind.BRANCH).order_by("code").values_list("pk", "code", "name")]


def drop() -> None:
    """Delete the benchmark's index rows, meetings and orgs (plain DELETEs: the ORM would load
    hundreds of thousands of meetings first)."""
    quote = connection.ops.quote_name
    band, fingerprint, meeting, org = (quote(m._meta.db_table) for m in (MinutesBand, MinutesFingerprint, Meeting, Org))
    of_bench = f"SELECT m.id FROM {meeting} m JOIN {org} o ON o.id = m.org_id WHERE o.code LIKE %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for summary in (MeetingMonth, MeetingPeriods):
            cursor.execute(f"DELETE FROM {quote(summary._meta.db_table)} WHERE org_id IN "
                           f"(SELECT id FROM {org} WHERE code LIKE %s)", [PREFIX + "%"])
        for table in (band, fingerprint):
            cursor.execute(f"DELETE FROM {table} WHERE meeting_id IN ({of_bench})", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {meeting} WHERE org_id IN (SELECT id FROM {org} WHERE code LIKE %s)",
                       [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {org} WHERE code LIKE %s", [PREFIX + "%"])


class Corpus:
    """The generated records: texts of the current chunk, a pool of earlier ones to copy from,
    and the samples the check is timed on."""

    def __init__(self, rng: random.Random, branches: list[tuple[int, int, str]]):
        self.rng, self.branches = rng, branches
        self.names = {pk: [random_name(rng) for _ in range(8)] for pk, _group, _name in branches}
        self.org_names = {pk: name for pk, _group, name in branches}
        self.pool: list[list] = []  # [text, branch id, branch name, meeting id] of records to copy from
        self.sources: set[int] = set()  # meeting ids that were copied (their check finds the copy)
        self.copies: list[tuple] = []  # (meeting id, text, names, source text, source names) of copies
        self.originals: list[tuple[int, str, list[str]]] = []

    def normalising_names(self, branch: int) -> list[str]:
        """What services.names_for gives: the members' names and the org's name."""
        return [*self.names[branch], self.org_names[branch]]

    def record(self, serial: int, today: date) -> tuple[dict, str, list[str], tuple | None, list | None]:
        rng = self.rng
        branch, group, name = self.branches[serial % len(self.branches)]
        names = self.names[branch]
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        held_on = today - timedelta(days=rng.randrange(0, 365))
        copy = None
        if self.pool and rng.random() < COPY_SHARE:
            entry = rng.choice(self.pool)
            source, source_branch, source_name, source_id = entry
            self.sources.add(source_id)
            entry = None
            copy = (source, self.normalising_names(source_branch))
            text = grammar.near_copy(rng, source, names=self.names[source_branch], new_names=names, org=source_name,
                                     new_org=name, held_on=held_on)
        else:
            text = grammar.minutes(rng, org=name, names=names, held_on=held_on, kind=MeetingKind(kind).label)
            entry = [text, branch, name, None]  # pooled by the caller once it has an id
        starts = timezone.make_aware(datetime.combine(held_on, clock(9)))
        row = {"org_id": group if kind == MeetingKind.GROUP_MEETING else branch, "kind": kind,
               "state": MeetingState.SUBMITTED, "held_on": held_on, "start_time": clock(9), "place": "会议室",
               "host": names[0], "recorder": names[-1], "topic": f"{MeetingKind(kind).label}（基准）", "minutes": text,
               "signin_token": secrets.token_urlsafe(12), "signin_opens": starts - timedelta(minutes=30),
               "signin_closes": starts + timedelta(hours=2)}
        return row, text, self.normalising_names(branch), copy, entry

    def keep(self, entry: list, meeting_id: int) -> None:
        """Offer an inserted original to the pool of copy sources (a rolling sample)."""
        entry[3] = meeting_id
        if len(self.pool) < 5000:
            self.pool.append(entry)
        elif self.rng.random() < 0.05:
            self.pool[self.rng.randrange(len(self.pool))] = entry


def _analyze() -> None:
    """PostgreSQL: ANALYZE the fresh tables (what autovacuum does soon after a bulk load)."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Org, Meeting, MinutesFingerprint, MinutesBand):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(total: int, *, log, seed: int = 2017) -> dict:
    bench.check_database()
    drop()
    rng = random.Random(seed)
    report: dict = {"database": connection.vendor, "version": bench.database_version(), "minutes": total}
    started = time.monotonic()
    branches = build_orgs(max(16, total // PER_BRANCH))
    report.update(branches=len(branches), orgs=Org.objects.filter(code__startswith=PREFIX).count(),
                  orgs_s=round(time.monotonic() - started, 1))
    corpus = Corpus(rng, branches)
    today = timezone.localdate()
    timings = {"generate": 0.0, "insert": 0.0, "fingerprint": 0.0, "index_rows": 0.0}
    injected = 0
    try:
        for start in range(0, total, CHUNK):
            clock_0 = time.monotonic()
            made = [corpus.record(serial, today) for serial in range(start, min(total, start + CHUNK))]
            clock_1 = time.monotonic()
            with transaction.atomic():
                last = Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                insert_many(Meeting, [row for row, *_ in made])
                ids = list(Meeting.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))
            clock_2 = time.monotonic()
            fingerprints, bands = [], []
            for meeting_id, (_row, text, names, _copy, _entry) in zip(ids, made, strict=True):
                fp_row, band_rows = copydetect.index_rows(meeting_id, copydetect.fingerprint(text, names))
                fingerprints.append(fp_row)
                bands += band_rows
            clock_3 = time.monotonic()
            with transaction.atomic():
                insert_many(MinutesFingerprint, fingerprints)
                insert_many(MinutesBand, bands)
            clock_4 = time.monotonic()
            for key, seconds in zip(timings, (clock_1 - clock_0, clock_2 - clock_1, clock_3 - clock_2,
                                              clock_4 - clock_3), strict=True):
                timings[key] += seconds
            for meeting_id, (_row, text, names, copy, entry) in zip(ids, made, strict=True):
                injected += copy is not None
                if entry is not None:
                    corpus.keep(entry, meeting_id)
                target = corpus.copies if copy else corpus.originals
                if len(target) < SAMPLE or rng.random() < 0.01:
                    target.append((meeting_id, text, names, *(copy or ())))
            log(f"已生成并索引 {start + len(made)} / {total} 份会议记录")
        started_summary = time.monotonic()
        # The meetings were inserted in bulk, not by the services.
        summaries.rebuild([meeting_months.NAME, meeting_months.PERIODS_NAME])
        report["summary_rebuild_s"] = round(time.monotonic() - started_summary, 1)
        _analyze()
        report.update({f"{key}_s": round(seconds, 1) for key, seconds in timings.items()})
        report["index_build_s"] = round(timings["fingerprint"] + timings["index_rows"], 1)
        report["index_per_record_ms"] = round(1000 * report["index_build_s"] / max(total, 1), 3)
        report["injected_copies"] = injected
        report["band_rows"] = MinutesBand.objects.filter(meeting__org__code__startswith=PREFIX).count()
        report.update(_time_checks(corpus))
        report.update(_time_rollup(today))
    finally:
        drop()
        with transaction.atomic():
            audit.record("bench.orglife", changes={"minutes": total})
    report["peak_rss_mb"] = bench.peak_rss_mb()
    return report


def _time_checks(corpus: Corpus) -> dict:
    """The check a submission runs, on records already in the index (their own row excluded)."""
    times, found, flagged, candidates, similar, similar_found = [], 0, 0, [], 0, 0
    copies = corpus.copies[-SAMPLE:]
    # An original that was later copied finds its copy, rightly: those are left out of the sample.
    originals = [o for o in corpus.originals if o[0] not in corpus.sources][-SAMPLE:]
    for sample, is_copy in ((copies, True), (originals, False)):
        for meeting_id, text, names, *source in sample:
            started = time.perf_counter()
            fp = copydetect.fingerprint(text, names)
            hits = copydetect.find_copies(meeting_id, fp)
            times.append(1000 * (time.perf_counter() - started))
            candidates.append(len(copydetect.candidates(meeting_id, fp)))
            if is_copy:
                found += bool(hits)
                # The promise: every copy at or above the threshold is caught (LSH recall).
                true = copydetect.jaccard(fp.shingles, copydetect.fingerprint(*source).shingles)
                if true >= copydetect.threshold():
                    similar += 1
                    similar_found += bool(hits)
            else:
                flagged += bool(hits)
    return {"check_samples": len(times), "check_median_ms": round(statistics.median(times), 2),
            "check_p95_ms": round(_percentile(times, 0.95), 2), "check_max_ms": round(max(times), 2),
            "candidates_median": statistics.median(candidates), "candidates_max": max(candidates),
            "copies_sampled": len(copies), "copies_caught": found, "copies_above_threshold": similar,
            "copies_above_threshold_caught": similar_found,
            "originals_sampled": len(originals), "originals_flagged": flagged}


def _time_rollup(today: date, repeat: int = 3) -> dict:
    city = Org.objects.get(code=PREFIX)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = selectors.rollup(city, month=today.replace(day=1), today=today)
        times.append(1000 * (time.perf_counter() - started))
    return {"rollup_holders": result.total.holders, "rollup_items": result.total.due,
            "rollup_red": result.total.counts["red"], "rollup_min_ms": round(min(times), 1),
            "rollup_median_ms": round(statistics.median(times), 1)}
