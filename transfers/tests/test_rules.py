"""Warnings (rules.md §6): expired letters, members not reported within 6 months, mobile members'
certificates, and the members transferred outside the platform waiting to be archived."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from members.models import Member
from transfers import rules, selectors, services
from transfers.models import MobileCertificate
from transfers.tests.helpers import backdate, issue, state


def test_an_expired_letter_is_flagged_for_the_sender_only(world):
    letter = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=70),
                      valid_until=timezone.localdate() - timedelta(days=1))
    found = selectors.warnings(world.users["a_admin"])
    assert [w.level for w in found] == ["yellow"]
    assert letter.number in found[0].message and "组通字〔2006〕45号" in found[0].source
    assert selectors.warnings(world.users["b_admin"]) == []
    body = world.client("a_admin").get(reverse("transfers:warnings")).content.decode()
    assert letter.number in body


def test_a_letter_six_months_old_without_receipt_flags_the_member_as_not_reported(world):
    letter = issue(world)
    backdate(letter, issued_on=rules.not_reported_cutoff() - timedelta(days=1),
             valid_until=rules.not_reported_cutoff() + timedelta(days=60))
    services.expire_overdue()
    found = selectors.warnings(world.users["a_admin"])
    assert [w.level for w in found] == ["red"]
    assert "未报到" in found[0].message and "rules.md §6" in found[0].source
    assert [lt.pk for lt in selectors.not_reported_letters(world.users["a_admin"])] == [letter.pk]


def test_a_received_or_superseded_letter_is_not_flagged(world):
    old = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=300),
                   valid_until=timezone.localdate() - timedelta(days=220))
    issue(world, to=world.branch_a2)  # the old one expires and is superseded
    old.refresh_from_db()
    assert selectors.warnings(world.users["a_admin"]) == []
    received = issue(world, member="a2_member")
    services.letter_accept(actor=world.users["b_admin"], letter=received)
    assert selectors.warnings(world.users["a_admin"]) == []


def certificate(world, *, member="a1_member", actor="a_admin", days_left=200, number="津流2026001", **extra):
    today = timezone.localdate()
    return services.certificate_issue(
        actor=world.users[actor], member=Member.objects.get(pk=world.members[member].pk), number=number,
        issued_on=today - timedelta(days=10), valid_until=today + timedelta(days=days_left),
        city="深圳", unit="某科技有限公司", contact=extra.pop("contact", "13812345678"), **extra)


def test_a_certificate_is_listed_for_its_org_with_the_phone_masked(world):
    cert = certificate(world)
    assert cert.contact_masked == "138****5678" and "13812345678" not in cert.contact_cipher
    body = world.client("a_admin").get(reverse("transfers:certificates")).content.decode()
    assert cert.number in body and "138****5678" in body and "13812345678" not in body
    page = world.client("b_admin").get(reverse("transfers:certificates")).context["page"]
    assert list(page.object_list) == []
    assert selectors.warnings(world.users["a_admin"]) == []


def test_expired_and_expiring_certificates_are_flagged(world):
    expired = certificate(world)
    MobileCertificate.objects.filter(pk=expired.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    certificate(world, member="a2_member", number="津流2026002", days_left=10)
    levels = sorted(w.level for w in selectors.warnings(world.users["a_admin"]))
    assert levels == ["red", "yellow"]
    page = world.client("a_admin").get(reverse("transfers:certificates"), {"state": "expired"}).context["page"]
    assert [c.pk for c in page.object_list] == [expired.pk]


def test_a_renewed_certificate_clears_the_flag(world):
    old = certificate(world)
    MobileCertificate.objects.filter(pk=old.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    certificate(world, number="津流2026009", days_left=300)
    assert selectors.warnings(world.users["a_admin"]) == []


@pytest.mark.parametrize("extra, fragment", [
    ({"number": ""}, "活动证编号"),
    ({"days_left": -20}, "有效期须晚于发证日期"),
    ({"contact": "12345"}, "联系电话格式不正确"),
])
def test_a_bad_certificate_is_refused(world, extra, fragment):
    before = state()
    with pytest.raises(ValidationError) as info:
        certificate(world, **extra)
    assert fragment in " ".join(info.value.messages)
    assert state() == before


def test_certificates_need_member_change_over_the_members_org(world):
    before = state()
    with pytest.raises(NotFound):
        certificate(world, actor="b_admin")
    assert state() == before


def test_the_certificate_form_creates_one(world):
    today = timezone.localdate()
    response = world.client("secretary").post(reverse("transfers:certificate_create"), {
        "member": world.members["a1_member"].pk, "number": "津流2026100", "issued_on": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(), "city": "上海", "contact": "",
    })
    assert response.status_code == 302
    assert MobileCertificate.objects.get().city == "上海"


def test_members_transferred_outside_wait_for_the_archive_team(world):
    letter = issue(world, to_org_name="平台外某党委")
    services.letter_complete(actor=world.users["a_admin"], letter=letter)
    assert [lt.pk for lt in selectors.pending_archive_letters(world.users["a_admin"])] == [letter.pk]
    assert letter.number in world.client("a_admin").get(reverse("transfers:warnings")).content.decode()
