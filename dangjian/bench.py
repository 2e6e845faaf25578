"""The tree benchmark behind `dangjian bench tree`.

It builds a synthetic city (city → 16 districts → streets → communities → branches → groups, about
60,000 orgs and a million members by default) and times the reads that grow with the tree: the
subtree member count, the first page of the member list as a district admin sees it, and the
tree page's counts. The queries are the pages' own (selectors, ``visible_to``), so a figure here is
a figure of the page.

Benchmark orgs have codes starting with ``BENCH``; the command refuses a database holding any
other org, so it never mixes with (or deletes) real or demo data. The data set stays after a run
and is reused by the next run of the same size; ``drop()`` removes it.
"""

import random
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Grant, User
from core import audit, idcard, summaries
from core.access import Role, clear_scope_cache
from core.crypto import get_provider
from members import summaries as member_counts
from members.models import Member, MemberStatus
from orgs import bulk, selectors
from orgs.bulk import Node
from orgs.demo import DISTRICTS, random_name
from orgs.models import Org, OrgKind, OrgLevel, Sector

BENCH_PREFIX = "BENCH"
PAGE_SIZE = 50  # core.views.ObjectListView.paginate_by
MEMBER_ORDER = ("org__path", "name", "pk")  # members.views.MemberListView.default_order
MEMBER_BATCH = 5000
SEED = 60_000

# Tianjin's district region codes (GB/T 2260), in the order of orgs.demo.DISTRICTS.
REGIONS = ("120101", "120102", "120103", "120104", "120105", "120106", "120110", "120111",
           "120112", "120113", "120114", "120115", "120116", "120117", "120118", "120119")
# ID numbers are (birth day, 3-digit sequence) pairs per region, drawn without repetition by an
# affine permutation of the member's serial number: unique without keeping a million in a set.
BIRTH_START = date(1945, 1, 1)
BIRTH_DAYS = 365 * 60
ID_SPACE = BIRTH_DAYS * 1000
ID_STRIDE = 1_000_003  # prime, so coprime with ID_SPACE: the map is a bijection


class BenchRefused(Exception):
    """The database holds data that is not the benchmark's."""


# --- the data set -----------------------------------------------------------------------------

@dataclass
class Shape:
    """How many orgs of each level a city of about ``orgs`` orgs has. The ratios are those of a
    large city: ~12 streets per district, ~13 communities per street, ~8 branches per community,
    ~2 party groups per branch."""

    streets: int
    communities: int
    branches: int
    groups: int

    @classmethod
    def for_size(cls, orgs: int) -> "Shape":
        rest = max(orgs - 1 - len(DISTRICTS), 0)
        communities = max(len(DISTRICTS), round(rest / 25))
        streets = max(len(DISTRICTS), round(communities / 13))
        branches = max(communities, round(rest * 8 / 25))
        return cls(streets, communities, branches, max(0, rest - streets - communities - branches))


def spread(total: int, slots: int, rng: random.Random, *, minimum: int = 1,
           weights: list[float] | None = None) -> list[int]:
    """Deal ``total`` items over ``slots`` unevenly (at least ``minimum`` each), as real trees are."""
    counts = [minimum] * slots
    extra = total - minimum * slots
    if extra > 0:
        weights = weights or [rng.uniform(0.3, 1.7) for _ in range(slots)]
        for slot in rng.choices(range(slots), weights, k=extra):
            counts[slot] += 1
    return counts


def plan_city(orgs: int) -> Node:
    """The synthetic city as a Node tree (deterministic for a given size)."""
    rng = random.Random(SEED)
    shape = Shape.for_size(orgs)
    codes = (f"{BENCH_PREFIX}{n:06d}" for n in range(1, 10**6))
    founded = date(2000, 1, 1)
    city = Node("基准测试市委员会", next(codes), OrgKind.COMMITTEE, OrgLevel.CITY, founded=founded)
    districts = []
    for name, _ in DISTRICTS:
        district = Node(f"基准测试{name}委员会", next(codes), OrgKind.COMMITTEE, OrgLevel.DISTRICT,
                        founded=founded)
        city.add(district)
        districts.append(district)
    streets = _add_level(districts, shape.streets, rng, "街道党工委", codes, OrgKind.WORKING_COMMITTEE,
                         OrgLevel.STREET)
    communities = _add_level(streets, shape.communities, rng, "社区党委", codes, OrgKind.COMMITTEE,
                             OrgLevel.COMMUNITY)
    branches = _add_level(communities, shape.branches, rng, "党支部", codes, OrgKind.BRANCH,
                          OrgLevel.UNIT)
    _add_level(branches, shape.groups, rng, "党小组", codes, OrgKind.GROUP, OrgLevel.UNIT, minimum=0)
    return city


def _add_level(parents: list[Node], total: int, rng, label: str, codes: Iterator[str], kind: str,
               level: str, *, minimum: int = 1) -> list[Node]:
    children = []
    for parent, count in zip(parents, spread(total, len(parents), rng, minimum=minimum), strict=True):
        for i in range(1, count + 1):
            node = Node(f"第{i}{label}", next(codes), kind, level, Sector.COMMUNITY,
                        founded=date(2000, 1, 1))
            parent.add(node)
            children.append(node)
    return children


def count_nodes(node: Node) -> int:
    return 1 + sum(count_nodes(child) for child in node.children)


def bench_orgs():
    return Org.objects.filter(code__startswith=BENCH_PREFIX)


def check_database() -> None:
    """Refuse a database that holds anything but benchmark orgs."""
    if Org.objects.exclude(code__startswith=BENCH_PREFIX).exists():
        raise BenchRefused("数据库中已有非基准测试的党组织数据；基准测试只能在空数据库（或只有基准数据的数据库）中运行。")


def existing_size() -> tuple[int, int]:
    return bench_orgs().count(), Member.objects.filter(org__code__startswith=BENCH_PREFIX).count()


def prepare(orgs: int, members: int, *, log: Callable[[str], None]) -> dict[str, float]:
    """Reuse the benchmark data set if it has the asked size, else (re)build it. Returns the
    build times in seconds (empty when reused)."""
    city = plan_city(orgs)
    wanted = (count_nodes(city), members)
    found = existing_size()
    if found == wanted:
        log(f"沿用已有的基准数据：{found[0]} 个党组织，{found[1]} 名党员。")
        return {}
    if found != (0, 0):
        log(f"已有基准数据规模不同（{found[0]} 个党组织，{found[1]} 名党员），删除后重建。")
        drop()
    started = time.monotonic()
    build_orgs(city)
    orgs_seconds = time.monotonic() - started
    log(f"已建 {wanted[0]} 个党组织，用时 {orgs_seconds:.1f} 秒；正在建 {members} 名党员……")
    started = time.monotonic()

    def progress(done: int) -> None:
        if done % 100_000 == 0:
            log(f"  {done} 名党员")

    build_members(members, progress=progress)
    summaries.rebuild([member_counts.NAME, member_counts.PROFILE_NAME])  # inserted in bulk, past the services
    members_seconds = time.monotonic() - started
    started = time.monotonic()
    refresh_statistics()
    with transaction.atomic():
        audit.record("bench.load", changes={"orgs": wanted[0], "members": members})
    return {"orgs": round(orgs_seconds, 1), "members": round(members_seconds, 1),
            "statistics": round(time.monotonic() - started, 1)}


def build_orgs(city: Node) -> None:
    with transaction.atomic():
        bulk.build([city])


def build_members(total: int, *, progress: Callable[[int], None] | None = None) -> None:
    """Spread ``total`` members over the branches, inserted in batches of MEMBER_BATCH."""
    rng = random.Random(SEED + 1)
    branches = list(
        bench_orgs().filter(kind=OrgKind.BRANCH).order_by("path").values_list("pk", "path")
    )
    district_paths = list(bench_orgs().filter(depth=2).order_by("path").values_list("path", flat=True))
    region_of = {path: REGIONS[i % len(REGIONS)] for i, path in enumerate(district_paths)}
    weights = [rng.randint(6, 45) for _ in branches]
    counts = spread(total, len(branches), rng, minimum=0, weights=weights)
    serials = dict.fromkeys(region_of.values(), 0)
    batch: list[Member] = []
    done = 0
    for (org_id, path), count in zip(branches, counts, strict=True):
        region = region_of[path[: 2 * Org.steplen]]
        for _ in range(count):
            serials[region] += 1
            batch.append(_member(rng, org_id, region, serials[region]))
            if len(batch) == MEMBER_BATCH:
                done += _insert(batch)
                if progress:
                    progress(done)
    if batch:
        _insert(batch)


def _insert(batch: list[Member]) -> int:
    with transaction.atomic():
        Member.objects.bulk_create(batch)
    inserted = len(batch)
    batch.clear()
    return inserted


def _member(rng: random.Random, org_id: int, region: str, serial: int) -> Member:
    number = id_number(region, serial)
    born = idcard.birth_date(number)
    today = timezone.localdate()
    adult = born + timedelta(days=365 * 18 + 5)
    joined = min(adult + timedelta(days=rng.randrange(0, 365 * 30)), today - timedelta(days=rng.randrange(30, 800)))
    joined = max(joined, adult)
    provider = get_provider()
    return Member(
        org_id=org_id, name=random_name(rng), gender=idcard.gender(number), birth_date=born,
        id_number_cipher=provider.encrypt(number), id_number_index=provider.blind_index(number),
        id_number_masked=idcard.mask(number),
        status=MemberStatus.PROBATIONARY if (today - joined).days < 365 else MemberStatus.FULL,
        joined=joined,
    )


def id_number(region: str, serial: int) -> str:
    """The ``serial``-th benchmark ID number of a region: checksum-valid and never repeated."""
    slot = (serial * ID_STRIDE) % ID_SPACE
    born = BIRTH_START + timedelta(days=slot // 1000)
    first17 = f"{region}{born:%Y%m%d}{slot % 1000:03d}"
    return first17 + idcard.check_char(first17)


def bench_user(username: str, org: Org) -> User:
    """An org admin of ``org``, as a real grant (the page's scope comes from it)."""
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"full_name": username, "must_change_password": False, "password_changed_at": timezone.now()},
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Grant.objects.get_or_create(user=user, role=Role.ORG_ADMIN, org=org)
    return user


def bench_usernames() -> list[str]:
    return ["bench_city_admin", "bench_district_admin"]


def drop() -> None:
    """Delete the benchmark data set: its users, members and orgs. Members and orgs go by plain
    DELETE statements: the ORM's delete would load a million members to null their references."""
    quote = connection.ops.quote_name
    member_table, org_table = quote(Member._meta.db_table), quote(Org._meta.db_table)
    with transaction.atomic():
        audit.record("bench.drop")
        User.objects.filter(username__in=bench_usernames()).delete()
        with connection.cursor() as cursor:
            drop_summary_rows(cursor, BENCH_PREFIX)  # the summary rows of the bench orgs go first
            cursor.execute(
                f"DELETE FROM {member_table} WHERE org_id IN "
                f"(SELECT id FROM {org_table} WHERE code LIKE %s)", [BENCH_PREFIX + "%"],
            )
            cursor.execute(f"DELETE FROM {org_table} WHERE code LIKE %s", [BENCH_PREFIX + "%"])


def drop_summary_rows(cursor, code_prefix: str) -> None:
    """Delete every summary table's rows of the orgs whose code starts with ``code_prefix`` (plain
    DELETEs, before the orgs themselves: the rows reference them)."""
    quote = connection.ops.quote_name
    org_table = quote(Org._meta.db_table)
    for summary in summaries.registered():
        cursor.execute(f"DELETE FROM {quote(summary.model._meta.db_table)} WHERE org_id IN "
                       f"(SELECT id FROM {org_table} WHERE code LIKE %s)", [code_prefix + "%"])


def refresh_statistics() -> None:
    """PostgreSQL: VACUUM ANALYZE the fresh tables, the state autovacuum reaches soon after a bulk
    load. SQLite: nothing; the application never runs ANALYZE there, so neither does the bench."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run inside a transaction (the tests run in one); ANALYZE can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Org, Member):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# --- the measurements -------------------------------------------------------------------------

@dataclass
class Figure:
    label: str
    key: str
    times_ms: list[float]
    queries: int
    result: int | str = ""

    @property
    def min_ms(self) -> float:
        return min(self.times_ms)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    def as_dict(self) -> dict:
        return {"label": self.label, "min_ms": round(self.min_ms, 2), "median_ms": round(self.median_ms, 2),
                "queries": self.queries, "result": self.result, "times_ms": [round(t, 2) for t in self.times_ms]}


@dataclass
class Report:
    database: str
    version: str
    orgs: int
    members: int
    district: str
    district_members: int
    build_seconds: dict[str, float]
    figures: list[Figure] = field(default_factory=list)
    explains: dict[str, list[str]] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def as_dict(self) -> dict:
        return {
            "database": self.database, "version": self.version,
            "data": {"orgs": self.orgs, "members": self.members, "district": self.district,
                     "district_members": self.district_members},
            "build_seconds": self.build_seconds,
            "figures": {f.key: f.as_dict() for f in self.figures},
            "peak_rss_mb": self.peak_rss_mb,
            "explain": self.explains,
        }


def measure(label: str, key: str, fn: Callable[[], object], repeat: int) -> Figure:
    """Time ``fn`` ``repeat`` times; count the queries of the last run."""
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
    return Figure(label, key, times, len(ctx.captured_queries), result if isinstance(result, int) else "")


def member_page(user) -> Callable[[], int]:
    """The member list's first page as the list view builds it: a fresh scope (one per request),
    the scoped queryset, the paginator's COUNT and the 50 rows."""

    def run() -> int:
        clear_scope_cache(user)
        queryset = Member.objects.visible_to(user).select_related("org").order_by(*MEMBER_ORDER)
        page = Paginator(queryset, PAGE_SIZE).get_page(1)
        rows = list(page.object_list)
        assert len(rows) == min(PAGE_SIZE, page.paginator.count)
        return page.paginator.count

    return run


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def run_figures(report: Report, *, city: Org, district: Org, districts: list[Org], city_admin: User,
                district_admin: User, repeat: int) -> None:
    def tree_counts() -> None:
        clear_scope_cache(city_admin)  # one scope per request, as on the tree page
        selectors.subtree_counts(districts, user=city_admin)

    report.figures = [
        measure("子树党员数（区）", "count_district", lambda: selectors.subtree_member_count(district), repeat),
        measure("子树党员数（市）", "count_city", lambda: selectors.subtree_member_count(city), repeat),
        measure("党员列表第1页+总数（区管理员）", "page_district", member_page(district_admin), repeat),
        measure("党员列表第1页+总数（市管理员）", "page_city", member_page(city_admin), repeat),
        measure("16个区的子树计数（市管理员）", "subtree_counts", tree_counts, repeat),
    ]


# --- EXPLAIN ----------------------------------------------------------------------------------

def explain_plans(district: Org, district_admin: User) -> dict[str, list[str]]:
    """The plans of the district count and of the district admin's page (its COUNT and rows)."""
    (count_plan,) = _plans_of(lambda: selectors.subtree_member_count(district))
    # The page's first members query is the scope's own-member-record lookup; then COUNT, rows.
    *_, page_count_plan, page_rows_plan = _plans_of(member_page(district_admin))
    return {"count_district": count_plan, "page_district_count": page_count_plan,
            "page_district_rows": page_rows_plan}


def _plans_of(fn: Callable[[], object]) -> list[list[str]]:
    """EXPLAIN every query ``fn`` sends to the members table, with its own SQL and parameters."""
    captured: list[tuple[str, tuple]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    table = Member._meta.db_table
    return [explain(sql, params) for sql, params in captured if table in sql]


def explain(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return _sqlite_tree(cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def _sqlite_tree(rows) -> list[str]:
    depth = {0: -1}
    lines = []
    for node_id, parent, _, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node_id] + detail)
    return lines
