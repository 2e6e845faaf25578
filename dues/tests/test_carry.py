"""新年度结转 (services.year_carry): last year's category and base carried into a new year for every
member on the roll in the subtree who has none yet, the amount by the rules and the branch's local
farmers' amount, unconfirmed; what is set already stays; one transaction; out of scope is 404."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditEntry
from dangjian.testing import api_client
from dues import services
from dues.models import DuesYear
from dues.rules import Category
from members.models import Member, MemberStatus
from orgs.models import OrgSetting

YEAR = timezone.localdate().year


def _last_year(world):
    secretary = world.users["secretary"]
    set_ = services.year_set
    set_(actor=secretary, member=world.members["a1_member"], year=YEAR - 1, category=Category.EMPLOYED, base_fen=1_150_000)
    set_(actor=secretary, member=world.members["a1_secretary"], year=YEAR - 1, category=Category.FARMER, base_fen=None)


def test_last_year_s_bases_are_carried_with_the_rules_amount_unconfirmed(world):
    _last_year(world)
    OrgSetting.objects.create(org=world.district_a, key="dues_farmer_fen", value=50)  # set after last year's
    result = services.year_carry(actor=world.users["a_admin"], org=world.district_a, year=YEAR)
    rows = {d.member_id: d for d in DuesYear.objects.filter(year=YEAR)}
    employed, farmer = rows[world.members["a1_member"].pk], rows[world.members["a1_secretary"].pk]
    assert (employed.category, employed.base_fen, employed.rate_bp, employed.amount_fen) == (Category.EMPLOYED, 1_150_000, 200, 23_000)
    assert (farmer.category, farmer.amount_fen) == (Category.FARMER, 50)  # the district's local amount now
    assert employed.confirmed_on is None and farmer.confirmed_on is None
    assert result.carried == 2
    assert result.missing == Member.objects.filter(org__path__startswith=world.district_a.path).active().count() - 2
    entry = AuditEntry.objects.get(action="dues.year_carry")
    assert entry.changes["carried"] == 2


def test_what_is_set_already_stays_and_those_who_left_are_not_carried(world):
    _last_year(world)
    services.year_set(actor=world.users["secretary"], member=world.members["a1_member"], year=YEAR,
                      category=Category.RETIRED, base_fen=600_000)
    Member.objects.filter(pk=world.members["a1_secretary"].pk).update(status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError, match="没有可结转"):
        services.year_carry(actor=world.users["secretary"], org=world.branch_a1, year=YEAR)
    assert DuesYear.objects.get(member=world.members["a1_member"], year=YEAR).category == Category.RETIRED
    assert not DuesYear.objects.filter(member=world.members["a1_secretary"], year=YEAR).exists()


def test_out_of_scope_is_not_found_and_writes_nothing(world):
    _last_year(world)
    with pytest.raises(NotFound):
        services.year_carry(actor=world.users["b_admin"], org=world.branch_a1, year=YEAR)
    assert world.client("b_admin").post(reverse("dues:carry", args=[world.branch_a1.pk]) + f"?year={YEAR}").status_code == 404
    assert not DuesYear.objects.filter(year=YEAR).exists()


def test_a_year_out_of_range_is_refused(world):
    _last_year(world)
    with pytest.raises(ValidationError, match="只能核定"):
        services.year_carry(actor=world.users["secretary"], org=world.branch_a1, year=YEAR + 2)
    assert not DuesYear.objects.filter(year=YEAR + 2).exists()


def test_the_secretary_carries_from_the_page_and_the_api(world):
    _last_year(world)
    client = world.client("secretary")
    page = reverse("dues:org", args=[world.branch_a1.pk]) + f"?year={YEAR}"
    assert "按上年度基数结转" in client.get(page).content.decode()
    answer = client.post(reverse("dues:carry", args=[world.branch_a1.pk]) + f"?year={YEAR}", follow=True)
    assert "已按上年度缴费基数结转 2 名党员" in answer.content.decode()
    assert DuesYear.objects.filter(year=YEAR).count() == 2
    answer = api_client("secretary").post(f"/api/v1/dues/orgs/{world.branch_a1.pk}/carry?year={YEAR}")
    assert answer.status_code == 422 and "没有可结转" in answer.json()["detail"]
