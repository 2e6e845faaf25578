"""撤销 (services.payment_void): a payment recorded in error is kept, marked void with the reason, and
stops counting — "paid up to" back where it stood, the month's money without it, the months payable
again. Only the latest payment, at the branch that still holds the member, once, with a reason;
out of scope is 404; page and API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from dangjian.testing import api_client
from dues import rules, services
from dues.models import DuesMonth, DuesPayment, DuesStanding, Method
from dues.rules import Category
from members.models import MemberEvent
from transfers import services as transfer_services

TODAY = timezone.localdate()
NOW = rules.month_index(TODAY)


@pytest.fixture
def paid(world):
    secretary, member = world.users["secretary"], world.members["a1_member"]
    for year in {rules.month_date(NOW - 3).year, TODAY.year}:
        services.year_set(actor=secretary, member=member, year=year, category=Category.EMPLOYED, base_fen=540_000)
        services.year_confirm(actor=secretary, org=world.branch_a1, year=year)
    services.standing_open(actor=secretary, member=member, paid_up_to=NOW - 3)
    first = services.payment_record(actor=secretary, member=member, first_month=NOW - 2, months=1, method=Method.CASH)
    second = services.payment_record(actor=secretary, member=member, first_month=NOW - 1, months=1, method=Method.CASH)
    return first, second


def _month_total(org_id):
    return sum(DuesMonth.objects.filter(org_id=org_id).values_list("amount_fen", flat=True))


def test_the_latest_payment_is_voided_and_everything_it_counted_goes_back(world, paid):
    first, second = paid
    member = world.members["a1_member"]
    before = _month_total(world.branch_a1.pk)
    voided = services.payment_void(actor=world.users["secretary"], payment=second, reason="误登记，实际未缴")
    assert voided.voided_on == TODAY and voided.void_reason == "误登记，实际未缴"
    assert DuesPayment.objects.filter(pk=second.pk).exists()  # kept
    assert DuesStanding.objects.get(member=member).paid_up_to == NOW - 2
    assert _month_total(world.branch_a1.pk) == before - second.amount_fen
    assert not [d for d in summaries.check(["dues.paid_count", "dues.month"]) if d]
    assert MemberEvent.objects.filter(member=member, kind="dues_payment_void").exists()
    # the month can be paid again, with a new receipt number
    again = services.payment_record(actor=world.users["secretary"], member=member, first_month=NOW - 1, months=1,
                                    method=Method.TRANSFER)
    assert again.receipt != second.receipt


def test_only_the_latest_once_with_a_reason(world, paid):
    first, second = paid
    secretary = world.users["secretary"]
    with pytest.raises(ValidationError, match="最近一笔"):
        services.payment_void(actor=secretary, payment=first, reason="错了")
    with pytest.raises(ValidationError, match="撤销原因"):
        services.payment_void(actor=secretary, payment=second, reason="  ")
    services.payment_void(actor=secretary, payment=second, reason="错了")
    with pytest.raises(ValidationError, match="已于"):
        services.payment_void(actor=secretary, payment=second, reason="再撤一次")
    services.payment_void(actor=secretary, payment=first, reason="也错了")  # now the latest
    assert DuesStanding.objects.get(member=world.members["a1_member"]).paid_up_to == NOW - 3


def test_not_after_the_member_moved_to_another_branch(world, paid):
    _, second = paid
    member = world.members["a1_member"]
    letter = transfer_services.letter_issue(
        actor=world.users["secretary"], member=member, to_org=world.branch_a2,
        valid_until=TODAY + timedelta(days=30), dues_paid_until=TODAY.replace(day=1), reason="工作调动")
    transfer_services.letter_accept(actor=world.users["a_admin"], letter=letter)
    with pytest.raises(ValidationError, match="已转出"):
        services.payment_void(actor=world.users["a_admin"], payment=second, reason="错了")
    assert DuesPayment.objects.get(pk=second.pk).voided_on is None


def test_out_of_scope_is_not_found_everywhere(world, paid):
    _, second = paid
    with pytest.raises(NotFound):
        services.payment_void(actor=world.users["b_admin"], payment=second, reason="错了")
    assert world.client("b_admin").get(reverse("dues:void", args=[second.pk])).status_code == 404
    assert world.client("b_admin").post(reverse("dues:void", args=[second.pk]), {"reason": "错了"}).status_code == 404
    answer = api_client("b_admin").post(f"/api/v1/dues/payments/{second.pk}/void", {"reason": "错了"},
                                        content_type="application/json")
    assert answer.status_code == 404
    assert world.client("member").get(reverse("dues:void", args=[second.pk])).status_code == 404
    assert DuesPayment.objects.get(pk=second.pk).voided_on is None


def test_the_secretary_voids_from_the_payment_page_and_the_member_sees_it(world, paid):
    _, second = paid
    client = world.client("secretary")
    page = client.get(reverse("dues:pay", args=[world.members["a1_member"].pk])).content.decode()
    assert second.receipt in page and reverse("dues:void", args=[second.pk]) in page
    answer = client.post(reverse("dues:void", args=[second.pk]), {"reason": "月份登记错误"}, follow=True)
    assert "已撤销" in answer.content.decode()
    assert DuesPayment.objects.get(pk=second.pk).void_reason == "月份登记错误"
    empty = client.post(reverse("dues:void", args=[second.pk]), {"reason": ""})
    assert empty.status_code == 200 and "这个字段是必填项" in empty.content.decode()


def test_the_api_voids_and_answers_the_refusal_in_chinese(world, paid):
    first, second = paid
    client = api_client("secretary")
    answer = client.post(f"/api/v1/dues/payments/{first.pk}/void", {"reason": "错了"}, content_type="application/json")
    assert answer.status_code == 422 and "最近一笔" in answer.json()["detail"]
    answer = client.post(f"/api/v1/dues/payments/{second.pk}/void", {"reason": "错了"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["voided_on"] == f"{TODAY:%Y-%m-%d}"
