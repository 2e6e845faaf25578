"""The dashboards' figures equal direct counts of the records for the same scope (property-based
over random members and cases written through the services), each figure's link opens a list of
exactly that many records, a child org's bar opens the child's dashboard, and the tables export
to .xlsx."""

import io
import itertools
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.access import subtree_q
from insights import dashboards
from members import services as member_services
from members.models import Member, MemberStatus
from orgs.models import Org
from recruitment import rules as recruitment_rules
from recruitment.models import Case, CaseStatus
from recruitment.tests.helpers import id_number, open_case

pytestmark = pytest.mark.django_db

SEQ = itertools.count(100)
OCCUPATIONS = ["工人", "教师", "", "公务员"]
EDUCATIONS = ["", "bachelor", "college", "postgraduate"]
STATUSES = [MemberStatus.FULL, MemberStatus.PROBATIONARY, MemberStatus.LEFT]
BRANCHES = ["branch_a1", "branch_a2", "branch_b1"]
ROOTS = ["city", "district_a", "street_a", "branch_a1", "district_b"]

member_st = st.fixed_dictionaries({
    "branch": st.sampled_from(BRANCHES),
    "born": st.dates(date(1935, 1, 1), date(2000, 12, 31)),
    "joined_after": st.integers(18, 60),
    "status": st.sampled_from(STATUSES),
    "education": st.sampled_from(EDUCATIONS),
    "occupation": st.sampled_from(OCCUPATIONS),
})


def add_member(world, spec) -> None:
    today = timezone.localdate()
    born = spec["born"]
    joined = min(date(born.year + spec["joined_after"], 7, 1), today - timedelta(days=1))
    if joined.year - born.year < 19:
        return  # too young to have joined: the service refuses it (tested in members/)
    admin = world.users["city_admin"]
    member = member_services.member_create(
        actor=admin, org=getattr(world, spec["branch"]), name="随机党员", id_number=id_number(born, next(SEQ) % 1000),
        status=MemberStatus.FULL, joined=joined)
    member_services.member_update(actor=admin, member=member, changes={
        "education": spec["education"], "occupation": spec["occupation"], "status": spec["status"]})


def expected_members(root, today) -> dict[str, dict[str, int]]:
    """The charts' figures counted from the archive itself, member by member."""
    found: dict[str, dict[str, int]] = {"age": {}, "gender": {}, "education": {}, "occupation": {}, "standing": {}}
    members = Member.objects.filter(subtree_q("org__path", root.path),
                                    status__in=(MemberStatus.FULL, MemberStatus.PROBATIONARY))

    def band(bands, years):
        return next(label for low, high, label in bands if (low is None or years >= low) and (high is None or years <= high))

    for m in members:
        for key, label in (("age", band(dashboards.AGE_BANDS, today.year - m.birth_date.year)),
                           ("standing", band(dashboards.STANDING_BANDS, today.year - m.joined.year)),
                           ("gender", m.get_gender_display()),
                           ("education", m.get_education_display() if m.education else "未填写"),
                           ("occupation", m.occupation or "未填写")):
            found[key][label] = found[key].get(label, 0) + 1
    return found


def shown(board, key) -> dict[str, int]:
    return {f.label: f.value for f in board.chart(key).figures if f.value}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(member_st, max_size=6), root_name=st.sampled_from(ROOTS))
def test_each_member_figure_equals_a_direct_count_of_the_archive(world, specs, root_name):
    for spec in specs:
        add_member(world, spec)
    today = timezone.localdate()
    root = getattr(world, root_name)
    board = dashboards.dashboard(root, world.users["city_admin"], today)
    expected = expected_members(root, today)
    for key in ("age", "gender", "education", "occupation", "standing"):
        assert shown(board, key) == expected[key], key
    assert board.members == sum(expected["gender"].values())
    children = [f for c in board.charts if c.key == "children" for f in c.figures]
    for figure in children:
        child = Org.objects.get(pk=dict(parse_qsl(urlparse(figure.drill).query))["org"])
        assert child.name == figure.label and child.depth == root.depth + 1
        assert figure.value == Member.objects.active().filter(subtree_q("org__path", child.path)).count()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ages=st.lists(st.integers(1, 400), max_size=4), root_name=st.sampled_from(ROOTS))
def test_the_recruitment_figures_equal_a_direct_count_of_the_cases(world, ages, root_name):
    today = timezone.localdate()
    for days in ages:
        open_case(world, applied=today - timedelta(days=days), name="随机", number=id_number(seq=next(SEQ) % 1000))
    root = getattr(world, root_name)
    board = dashboards.dashboard(root, world.users["city_admin"], today)
    cases = Case.objects.filter(subtree_q("org__path", root.path), status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY))
    by_stage: dict[str, int] = {}
    for case in cases:
        label = recruitment_rules.STEP[case.last_step].stage
        by_stage[label] = by_stage.get(label, 0) + 1
    funnel = {f.label: f.value for f in board.chart("funnel").figures}
    from recruitment.models import Stage
    assert funnel == {label: by_stage.get(value, 0) for value, label in Stage.choices}
    deadlines = {f.label: f.value for f in board.chart("deadlines").figures}
    assert deadlines["已逾期"] == cases.filter(due_on__lt=today).count()
    assert deadlines["已到提醒日（含逾期）"] == cases.filter(warn_on__lte=today).count()


def list_total(client, url) -> int:
    """The number of records the list page at ``url`` holds, read from its context."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_every_figure_opens_the_list_of_the_records_it_counts(world):
    for spec in [{"branch": "branch_a1", "born": date(1990, 3, 1), "joined_after": 25, "status": MemberStatus.FULL,
                  "education": "bachelor", "occupation": "教师"},
                 {"branch": "branch_a2", "born": date(1950, 3, 1), "joined_after": 20, "status": MemberStatus.PROBATIONARY,
                  "education": "", "occupation": ""}]:
        add_member(world, spec)
    today = timezone.localdate()
    open_case(world, applied=today - timedelta(days=70), name="逾期", number=id_number(seq=31))
    client = world.client("city_admin")
    board = dashboards.dashboard(world.district_a, world.users["city_admin"], today)
    checked = 0
    for chart in board.charts:
        for figure in chart.figures:
            if figure.url:
                assert list_total(client, figure.url) == figure.value, (chart.key, figure.label, figure.url)
                checked += 1
    assert checked > 20


def test_a_child_orgs_bar_opens_its_dashboard(world):
    client = world.client("city_admin")
    response = client.get(f"{reverse('insights:dashboard')}?org={world.city.pk}")
    assert response.status_code == 200
    children = response.context["board"].chart("children")
    drill = next(f.drill for f in children.figures if f.label == world.district_a.name)
    assert dict(parse_qsl(urlparse(drill).query)) == {"org": str(world.district_a.pk)}
    assert client.get(drill).context["object"] == world.district_a
    html = response.content.decode()
    assert f'href="{drill}"' in html and 'data-chart="age"' in html and "echarts.min.js" in html


def test_the_heat_map_holds_each_child_and_month_with_the_compliance_pages_rate(world):
    from orglife import selectors as orglife_selectors

    today = timezone.localdate()
    board = dashboards.dashboard(world.street_a, world.users["city_admin"], today)
    assert len(board.heat.months) == dashboards.HEAT_MONTHS and board.heat.months[-1] == today.replace(day=1)
    rows = {org.pk: cells for org, cells in board.heat.rows}
    month = board.heat.months[-2]
    for tally in orglife_selectors.rollup(world.street_a, month=month, today=today).children:
        assert rows[tally.org.pk][-2][0] == tally.rate
        assert f"month={month:%Y-%m}" in rows[tally.org.pk][-2][1]


def test_the_tables_export_to_xlsx_and_the_export_is_audited(world):
    from core.models import AuditEntry

    add_member(world, {"branch": "branch_a1", "born": date(1990, 3, 1), "joined_after": 25,
                       "status": MemberStatus.FULL, "education": "bachelor", "occupation": "=cmd"})
    client = world.client("a_admin")
    response = client.get(f"{reverse('insights:dashboard')}?org={world.district_a.pk}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert "党员年龄" in book.sheetnames and "三会一课完成率" in book.sheetnames
    sheet = book["党员性别"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    board = dashboards.dashboard(world.district_a, world.users["a_admin"], timezone.localdate())
    assert values["男"] == board.chart("gender").figures[0].value
    occupations = [row[0] for row in book["党员职业"].iter_rows(min_row=3, values_only=True)]
    assert "'=cmd" in occupations  # a formula is neutralised
    assert AuditEntry.objects.filter(action="export", changes__what="insights.dashboard").exists()
    # Out of scope: 404, nothing exported.
    assert client.get(f"{reverse('insights:dashboard')}?org={world.district_b.pk}&export=xlsx").status_code == 404


def test_the_screen_data_places_each_district_on_the_tile_grid(world):
    client = world.client("city_admin")
    response = client.get(f"{reverse('insights:screen')}?org={world.city.pk}&data=1")
    assert response.status_code == 200
    data = response.json()
    tiles = {t["org_id"]: t for t in data["tiles"]}
    tile = tiles[world.district_a.pk]
    assert tile["org_name"] == "和平区" and (tile["column"], tile["row"]) == dashboards.TILES["和平区"]
    assert tile["members"] == Member.objects.active().filter(
        subtree_q("org__path", world.district_a.path)).count()
    assert {c["key"] for c in data["charts"]} == {"age", "gender", "education", "funnel"}
    page = client.get(f"{reverse('insights:screen')}?org={world.city.pk}&indicator=bogus")
    assert page.context["indicator"] == "members"


def test_the_menu_marks_the_dashboard_not_the_warnings_on_the_dashboard(world):
    html = world.client("a_admin").get(reverse("insights:dashboard")).content.decode()
    assert f'href="{reverse("insights:dashboard")}" aria-current="page"' in html
    assert f'href="{reverse("insights:warnings")}" aria-current="page"' not in html
    html = world.client("a_admin").get(reverse("insights:warnings")).content.decode()
    assert f'href="{reverse("insights:warnings")}" aria-current="page"' in html


def _activity(world):
    """Visits to a member of A1 (this month and two months ago), a letter from A2 to B1 received,
    a letter from A1 to outside the platform (issued, never received)."""
    from care import services as care_services
    from transfers import services as transfer_services
    from transfers.tests.helpers import issue

    today = timezone.localdate()
    admin = world.users["city_admin"]
    member = Member.objects.get(pk=world.members["a1_member"].pk)
    for visited in (today, (today.replace(day=1) - timedelta(days=40))):
        care_services.visit_record(actor=admin, member=member, visited=visited, visitors="支部书记", occasion="daily")
    letter = issue(world, member="a2_member", actor="city_admin")
    transfer_services.letter_accept(actor=admin, letter=letter)
    issue(world, member="a1_secretary", actor="city_admin", to_org_name="平台外某党支部")


def _direct_activity(root, today) -> dict[str, dict[str, int]]:
    """The monthly figures counted from the letters and visits themselves."""
    from care.models import CareVisit
    from transfers.models import Letter

    months = {f"{m:%Y-%m}" for m in dashboards.months_ending(today, dashboards.ACTIVITY_MONTHS)}
    found: dict[str, dict[str, int]] = {"letters_out": {}, "letters_in": {}, "care_visits": {}}
    for key, rows in (("letters_out", Letter.objects.filter(subtree_q("from_org__path", root.path))
                       .values_list("issued_on", flat=True)),
                      ("letters_in", Letter.objects.filter(subtree_q("to_org__path", root.path),
                                                           received_on__isnull=False).values_list("received_on", flat=True)),
                      ("care_visits", CareVisit.objects.filter(subtree_q("member__org__path", root.path))
                       .values_list("visited", flat=True))):
        for day in rows:
            if f"{day:%Y-%m}" in months:
                found[key][f"{day:%Y-%m}"] = found[key].get(f"{day:%Y-%m}", 0) + 1
    return found


@pytest.mark.parametrize("root_name", ROOTS)
def test_the_transfers_and_care_figures_equal_direct_counts_and_follow_a_transfer(world, root_name):
    from transfers import services as transfer_services
    from transfers.tests.helpers import issue

    _activity(world)
    today = timezone.localdate()
    root = getattr(world, root_name)

    def check():
        board = dashboards.dashboard(Org.objects.get(pk=root.pk), world.users["city_admin"], today)
        assert {key: shown(board, key) for key in ("letters_out", "letters_in", "care_visits")} == \
            _direct_activity(root, today)
        return board
    board = check()
    # The visited member moves to B1: the visits' counts follow them (scoped by the current org).
    letter = issue(world, member="a1_member", actor="city_admin")
    transfer_services.letter_accept(actor=world.users["city_admin"], letter=letter)
    after = check()
    visits = sum(f.value for f in after.chart("care_visits").figures)
    if root_name in ("district_a", "street_a", "branch_a1"):
        assert visits == sum(f.value for f in board.chart("care_visits").figures) - 2
    if root_name == "district_b":
        assert visits == 2


def test_the_transfers_and_care_figures_open_their_lists(world):
    _activity(world)
    client = world.client("city_admin")
    board = dashboards.dashboard(world.city, world.users["city_admin"], timezone.localdate())
    checked = 0
    for key in ("letters_out", "letters_in", "care_visits"):
        for figure in board.chart(key).figures:
            assert list_total(client, figure.url) == figure.value, (key, figure.label, figure.url)
            checked += figure.value
    assert checked == 2 + 1 + 2  # two letters issued, one received, two visits


def test_a_malformed_month_in_a_list_link_says_so_and_lists_nothing(world):
    _activity(world)
    page = world.client("city_admin").get(reverse("care:visits"), {"month": "2026-13"})
    assert page.status_code == 200 and page.context["page"].paginator.count == 0
    assert "月份格式应为" in page.content.decode()


@pytest.mark.parametrize("root, cached", [("city", True), ("district_a", True), ("street_a", False)])
def test_the_case_figures_of_the_city_and_a_district_are_counted_once_a_minute(world, settings, root, cached):
    """The recruitment charts (deadlines change with the day: no summary holds them) are cached
    for the city and a district like the compliance roll-up; a street's are always now."""
    from django.core.cache import cache

    settings.ROLLUP_CACHE_SECONDS = 60
    today = timezone.localdate()
    org, user = getattr(world, root), world.users["city_admin"]

    def in_progress() -> int:
        return sum(f.value for f in dashboards.dashboard(org, user, today).chart("funnel").figures)
    before = in_progress()
    open_case(world, applied=today - timedelta(days=5), name="新案例", number=id_number(seq=41))
    assert in_progress() == (before if cached else before + 1)
    cache.clear()  # the minute is up
    assert in_progress() == before + 1
