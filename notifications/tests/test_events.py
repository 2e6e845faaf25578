"""Each service event writes its message for the right users, and for nobody else, in the
event's own transaction; preferences decide the row and the email."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from members import services as member_services
from members.models import CorrectionRequest
from notifications import services
from notifications.models import Kind, Notification, NotificationPreference
from orglife import services as orglife_services
from orglife.tests.helpers import record
from transfers.tests.helpers import issue


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_returned_meeting_tells_its_submitter_and_the_branch_secretary_only(world):
    meeting = record(world)
    orglife_services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    assert not Notification.objects.exists()
    orglife_services.meeting_review_return(actor=world.users["a_admin"], meeting=meeting, comment="请补充决定事项")
    notification = Notification.objects.get()
    assert notification.recipient == world.users["secretary"]
    assert notification.kind == Kind.MEETING_RETURNED
    assert notification.link == reverse("orglife:detail", args=[meeting.pk])
    assert "请补充决定事项" in notification.title and notification.read_at is None


def test_an_approved_meeting_tells_nobody(world):
    meeting = record(world)
    orglife_services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    orglife_services.meeting_review_approve(actor=world.users["a_admin"], meeting=meeting)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_a_decided_correction_tells_the_member_who_asked(world, decision):
    member = world.members["a1_member"]
    world.client("member").post(reverse("members:correction_create", args=[member.pk]),
                                {"field_name": "native_place", "requested_value": "天津市和平区", "reason": "户籍"})
    correction = CorrectionRequest.objects.get(member=member)
    assert not Notification.objects.exists()  # asking tells nobody here (the secretary's inbox lists it)
    if decision == "approve":
        member_services.correction_approve(actor=world.users["secretary"], request=correction)
    else:
        member_services.correction_decline(actor=world.users["secretary"], request=correction, note="与户籍不符")
    assert recipients(Kind.CORRECTION_DECIDED) == {"member"}
    assert Notification.objects.get().link == reverse("members:detail", args=[member.pk])


def test_a_letter_to_an_org_of_the_platform_tells_the_receiving_side_only(world):
    letter = issue(world)  # A1 → B1; B1 has no officer account of its own: district B's admin is told
    assert recipients(Kind.TRANSFER_WAITING) == {"b_admin"}
    assert Notification.objects.get().link == reverse("transfers:detail", args=[letter.pk])


def test_a_letter_to_a_branch_with_its_own_secretary_tells_that_secretary_not_the_district(world):
    issue(world, member="b1_member", actor="b_admin", to=world.branch_a1)
    assert recipients(Kind.TRANSFER_WAITING) == {"secretary"}


def test_a_letter_out_of_the_platform_tells_nobody(world):
    issue(world, to_org_name="北京市某党支部")
    assert not Notification.objects.exists()


def test_the_message_is_written_in_the_events_transaction_and_rolls_back_with_it(world):
    meeting = record(world)
    orglife_services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    with pytest.raises(RuntimeError), transaction.atomic():
        orglife_services.meeting_review_return(actor=world.users["a_admin"], meeting=meeting, comment="补充")
        assert Notification.objects.count() == 1
        raise RuntimeError("the caller's transaction fails after the service")
    assert not Notification.objects.exists()


def test_a_kind_switched_off_writes_no_row_for_that_user(world):
    services.preferences_save(user=world.users["b_admin"], choices={Kind.TRANSFER_WAITING: (False, False)})
    issue(world)
    assert not Notification.objects.exists()


def test_email_is_sent_after_commit_only_when_chosen_and_configured(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "smtp.intranet.example"
    world.users["b_admin"].email = "b_admin@example.gov.cn"
    world.users["b_admin"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        issue(world)
    assert mail.outbox == []  # not chosen: the default is in the platform only
    Notification.objects.all().delete()
    from transfers.models import Letter
    Letter.objects.all().delete()
    services.preferences_save(user=world.users["b_admin"], choices={Kind.TRANSFER_WAITING: (True, True)})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue(world)
    assert mail.outbox == [] and len(callbacks) == 1  # not before the commit
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["b_admin@example.gov.cn"]]
    assert "待接收" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=world.users["b_admin"]).count() == 1


def test_no_email_leaves_when_no_mail_server_is_configured(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    world.users["b_admin"].email = "b_admin@example.gov.cn"
    world.users["b_admin"].save(update_fields=["email"])
    services.preferences_save(user=world.users["b_admin"], choices={Kind.TRANSFER_WAITING: (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        issue(world)
    assert mail.outbox == []
    assert NotificationPreference.objects.get(user=world.users["b_admin"]).email


def test_org_officers_takes_the_nearest_org_with_officers(world):
    assert services.org_officers(world.branch_a1) == [world.users["secretary"].pk]
    assert services.org_officers(world.branch_a2) == [world.users["a_admin"].pk]
    assert services.org_officers(world.city) == [world.users["city_admin"].pk]
