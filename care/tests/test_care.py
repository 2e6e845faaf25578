"""Care (关怀帮扶): who is due a visit, the list of those not yet visited this year, recording a
visit (timeline, audit, scope), one member's care record, counts per org subtree."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from care import selectors, services
from care.models import CareVisit, Occasion
from core.errors import NotFound
from core.models import AuditEntry
from members.models import Hardship, Member, MemberEvent, MemberStatus

TODAY = timezone.localdate()
MANAGERS = ["city_admin", "a_admin", "b_admin", "secretary"]


def years_ago(years: int, days: int = 0) -> date:
    return selectors.years_before(TODAY, years) - timedelta(days=days)


@pytest.fixture
def due(world):
    """a1_member in hardship, a1_secretary 50 years' standing, a2_member aged 80, b1_member
    in hardship that has been resolved (not due)."""
    m = world.members
    Hardship.objects.create(member=m["a1_member"], kind=Hardship.Kind.ILLNESS, description="慢性病",
                            since=date(2020, 1, 1))
    Member.objects.filter(pk=m["a1_secretary"].pk).update(joined=years_ago(51), converted=years_ago(50))
    Member.objects.filter(pk=m["a2_member"].pk).update(birth_date=years_ago(80))
    Hardship.objects.create(member=m["b1_member"], kind=Hardship.Kind.INCOME, description="低收入",
                            since=date(2020, 1, 1), resolved=date(2021, 1, 1))
    return m


def listed(client, **params) -> set[str]:
    response = client.get(reverse("care:list"), params)
    assert response.status_code == 200
    return {m.name for m in response.context["page"].object_list}


def visit(world, member, *, actor="city_admin", visited=None, amount=None):
    return services.visit_record(actor=world.users[actor], member=member, visited=visited or TODAY,
                                 visitors="张书记、李委员", occasion=Occasion.DAILY, gifts="米、油",
                                 amount=amount)


# --- who is due care ----------------------------------------------------------------------------


def test_members_in_hardship_of_long_standing_or_aged_are_due_care(world, due):
    names = set(selectors.flagged_members(world.users["city_admin"]).values_list("name", flat=True))
    assert names == {"张秀英", "李建国", "王芳"}  # 赵志强's hardship was resolved


def test_a_day_short_of_the_threshold_is_not_yet_due(world):
    m = world.members
    Member.objects.filter(pk=m["a1_secretary"].pk).update(joined=years_ago(51), converted=years_ago(50, -1))
    Member.objects.filter(pk=m["a2_member"].pk).update(birth_date=years_ago(80, -1))
    assert not selectors.flagged_members(world.users["city_admin"]).exists()
    assert Member.objects.get(pk=m["a1_secretary"].pk).standing_years(TODAY) == 49
    assert Member.objects.get(pk=m["a2_member"].pk).age(TODAY) == 79


@given(day=st.dates(date(1990, 1, 1), date(2030, 12, 31)), then=st.dates(date(1920, 1, 1), date(1990, 12, 31)))
def test_the_cutoff_date_agrees_with_standing_years_and_age(day, then):
    member = Member(birth_date=then, converted=then)
    for years in (50, 80):
        assert (then <= selectors.years_before(day, years)) == (member.standing_years(day) >= years)
        assert (then <= selectors.years_before(day, years)) == (member.age(day) >= years)


def test_members_no_longer_active_are_not_due(world, due):
    Member.objects.filter(pk=due["a1_member"].pk).update(status=MemberStatus.DECEASED)
    names = set(selectors.flagged_members(world.users["city_admin"]).values_list("name", flat=True))
    assert "张秀英" not in names


def test_thresholds_are_settings(world, due, settings):
    settings.CARE_SENIOR_AGE = 81
    names = set(selectors.flagged_members(world.users["city_admin"]).values_list("name", flat=True))
    assert "王芳" not in names
    assert selectors.reason_labels()["age"] == "81岁以上老党员"


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_those_not_yet_visited_this_year(world, due):
    client = world.client("city_admin")
    assert listed(client) == {"张秀英", "李建国", "王芳"}
    visit(world, due["a1_member"])
    visit(world, due["a2_member"], visited=date(TODAY.year - 1, 12, 31))  # last year does not count
    assert listed(client) == {"李建国", "王芳"}
    assert listed(client, visited="visited") == {"张秀英"}
    assert listed(client, visited="all") == {"张秀英", "李建国", "王芳"}


def test_the_list_filters_by_reason_and_org_subtree(world, due):
    client = world.client("city_admin")
    assert listed(client, reason="hardship") == {"张秀英"}
    assert listed(client, reason="standing") == {"李建国"}
    assert listed(client, reason="age") == {"王芳"}
    assert listed(client, within=world.branch_a2.code) == {"王芳"}
    assert listed(client, within=world.street_a.code) == {"张秀英", "李建国", "王芳"}
    assert listed(client, q="zxy") == {"张秀英"}


def test_the_list_shows_the_reasons(world, due):
    content = world.client("city_admin").get(reverse("care:list")).content.decode()
    assert "困难党员" in content and "光荣在党50年" in content and "80岁以上老党员" in content


@pytest.mark.parametrize("persona,expected", [
    ("city_admin", {"张秀英", "李建国", "王芳", "赵老"}),
    ("a_admin", {"张秀英", "李建国", "王芳"}),
    ("b_admin", {"赵老"}),
    ("secretary", {"张秀英", "李建国"}),
])
def test_the_list_holds_only_members_in_scope(world, due, persona, expected):
    Member.objects.filter(pk=due["b1_member"].pk).update(name="赵老", birth_date=years_ago(85))
    assert listed(world.client(persona), visited="all") == expected


@pytest.mark.parametrize("persona", ["member", "outsider", "sysadmin", "secadmin", "auditor"])
def test_care_pages_do_not_exist_for_those_who_manage_no_members(world, due, persona):
    client = world.client(persona)
    for name in ("care:list", "care:visits", "care:stats", "care:visit_create"):
        assert client.get(reverse(name)).status_code == 404, name


def test_anonymous_is_sent_to_login(world):
    for url in [reverse(n) for n in ("care:list", "care:visits", "care:stats", "care:visit_create")] + [
            reverse("care:member", args=[world.members["a1_member"].pk])]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_csv_export_holds_the_same_rows(world, due):
    response = world.client("a_admin").get(reverse("care:list"), {"export": "csv", "visited": "all"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "张秀英" in text and "王芳" in text and "赵志强" not in text


def test_the_list_runs_a_fixed_number_of_queries(world, due):
    client = world.client("city_admin")
    client.get(reverse("care:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("care:list"), {"visited": "all"})
    for i in range(12):
        Hardship.objects.create(member=due["a2_member"], kind="other", description=str(i), since=date(2020, 1, 1))
    Member.objects.filter(pk=due["b1_member"].pk).update(birth_date=years_ago(90))
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("care:list"), {"visited": "all"})
    assert len(more) == len(few)


# --- recording a visit --------------------------------------------------------------------------


def test_recording_a_visit_writes_the_timeline_and_the_audit_trail(world, due):
    client = world.client("secretary")
    response = client.post(reverse("care:visit_create") + f"?member={due['a1_member'].pk}", {
        "member": due["a1_member"].pk, "visited": TODAY.isoformat(), "occasion": "spring_festival",
        "visitors": "李建国", "gifts": "米、面", "amount": "500", "note": "",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("care:member", args=[due["a1_member"].pk])
    visit = CareVisit.objects.get()
    assert (visit.member_id, visit.amount, visit.recorded_by) == (due["a1_member"].pk, Decimal("500"),
                                                                  world.users["secretary"])
    event = MemberEvent.objects.filter(member=due["a1_member"], kind="care_visit").get()
    assert "春节走访慰问" in event.summary and "500" in event.summary
    assert event.actor == world.users["secretary"]
    assert AuditEntry.objects.filter(action="care.visit_record", object_id=str(visit.pk)).exists()


def test_the_form_offers_only_flagged_members_the_user_may_record_for(world, due):
    form = world.client("secretary").get(reverse("care:visit_create")).context["form"]
    assert {m.name for m in form.fields["member"].queryset} == {"张秀英", "李建国"}
    form = world.client("b_admin").get(reverse("care:visit_create")).context["form"]
    assert {m.name for m in form.fields["member"].queryset} == set()


def test_a_member_not_due_care_can_be_visited_from_their_page(world):
    member = world.members["a2_member"]
    form = world.client("a_admin").get(reverse("care:visit_create"), {"member": member.pk}).context["form"]
    assert [m.pk for m in form.fields["member"].queryset] == [member.pk]


def test_no_visit_is_recorded_for_a_member_out_of_scope(world, due):
    client = world.client("b_admin")
    target = due["a1_member"]
    assert client.get(reverse("care:visit_create"), {"member": target.pk}).status_code == 404
    data = {"member": target.pk, "visited": TODAY.isoformat(), "occasion": "daily", "visitors": "某人"}
    assert client.post(reverse("care:visit_create") + f"?member={target.pk}", data).status_code == 404
    response = client.post(reverse("care:visit_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["member"]
    with pytest.raises(NotFound):
        visit(world, target, actor="b_admin")
    assert not CareVisit.objects.exists()


def test_a_visit_in_the_future_or_with_a_negative_amount_is_refused(world, due):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        visit(world, due["a1_member"], visited=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError):
        visit(world, due["a1_member"], amount=Decimal("-1"))
    Member.objects.filter(pk=due["a1_member"].pk).update(status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError):
        visit(world, due["a1_member"])
    assert not CareVisit.objects.exists()


# --- one member's record; counts --------------------------------------------------------------


def test_a_members_care_record_lists_reasons_hardships_and_visits(world, due):
    visit(world, due["a1_member"], amount=Decimal("300"))
    response = world.client("secretary").get(reverse("care:member", args=[due["a1_member"].pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "困难党员" in content and "慢性病" in content and "张书记、李委员" in content and "300" in content
    # The member sees the visits paid to them.
    assert world.client("member").get(reverse("care:member", args=[due["a1_member"].pk])).status_code == 200
    assert world.client("b_admin").get(reverse("care:member", args=[due["a1_member"].pk])).status_code == 404


def test_counts_per_org_subtree_for_the_year(world, due):
    visit(world, due["a1_member"], amount=Decimal("500"))
    visit(world, due["a1_member"], amount=Decimal("200"))
    visit(world, world.members["b1_member"], amount=Decimal("100"))  # not due, still a visit
    user = world.users["city_admin"]
    counts = selectors.year_counts([world.city, world.district_a, world.branch_a1, world.branch_a2,
                                    world.district_b], user=user, year=TODAY.year)
    assert counts[world.city.pk] == {"flagged": 3, "visited": 1, "pending": 2, "visits": 3, "amount": Decimal("800")}
    assert counts[world.branch_a1.pk] == {"flagged": 2, "visited": 1, "pending": 1, "visits": 2, "amount": Decimal("700")}
    assert counts[world.branch_a2.pk]["pending"] == 1
    assert counts[world.district_b.pk] == {"flagged": 0, "visited": 0, "pending": 0, "visits": 1, "amount": Decimal("100")}
    last_year = selectors.year_counts([world.city], user=user, year=TODAY.year - 1)
    assert last_year[world.city.pk]["visits"] == 0


def test_the_stats_page_counts_only_what_the_user_manages(world, due):
    visit(world, world.members["b1_member"], amount=Decimal("100"))
    response = world.client("a_admin").get(reverse("care:stats"))
    assert response.status_code == 200
    rows = {org.code: counts for org, counts, _child in response.context["rows"]}
    assert set(rows) == {world.district_a.code, world.street_a.code}
    assert rows[world.district_a.code]["flagged"] == 3 and rows[world.district_a.code]["visits"] == 0
    assert world.client("a_admin").get(reverse("care:stats"), {"org": world.district_b.code}).status_code == 404
    drill = world.client("a_admin").get(reverse("care:stats"), {"org": world.street_a.code})
    assert {o.code for o, _c, _child in drill.context["rows"]} == {world.street_a.code, world.branch_a1.code,
                                                                   world.branch_a2.code}


def test_the_visits_list_is_scoped(world, due):
    visit(world, due["a1_member"])
    visit(world, world.members["b1_member"])
    rows = world.client("a_admin").get(reverse("care:visits")).context["page"].object_list
    assert {v.member.name for v in rows} == {"张秀英"}
    rows = world.client("a_admin").get(reverse("care:visits"), {"year": TODAY.year - 1}).context["page"].object_list
    assert list(rows) == []
