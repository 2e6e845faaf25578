"""Correcting and deleting a care visit: the services write an audit entry and a line on the
member's timeline, refuse bad input in Chinese with nothing written, and the pages (form and
confirmation) answer only those who may change the member's archive (404 to everyone else)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import CareVisit, Occasion
from core.errors import NotFound
from core.models import AuditEntry
from members.models import MemberEvent
from transfers.tests.helpers import issue

TODAY = timezone.localdate()
PAGES = {"care:visit_edit", "care:visit_delete"}
PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider", "sysadmin", "auditor"]
# Who may change which member (dangjian/testing.py), written out for the oracle.
CHANGES = {"city_admin": {"a1_member", "a1_secretary", "a2_member", "b1_member"},
           "a_admin": {"a1_member", "a1_secretary", "a2_member"}, "b_admin": {"b1_member"},
           "secretary": {"a1_member", "a1_secretary"}}


def record(world, key="a1_member", **extra):
    fields = {"visited": TODAY - timedelta(days=3), "visitors": "张书记", "occasion": Occasion.DAILY,
              "gifts": "米、油", "amount": Decimal("200.00"), "note": ""}
    fields.update(extra)
    return services.visit_record(actor=world.users["city_admin"], member=world.members[key], **fields)


def state():
    return (sorted(CareVisit.objects.values_list("pk", "visited", "visitors", "occasion", "gifts", "amount", "note")),
            MemberEvent.objects.count(), AuditEntry.objects.filter(action__startswith="care.").count())


def edit_data(visit, **overrides):
    data = {"visited": visit.visited.isoformat(), "occasion": visit.occasion, "visitors": visit.visitors,
            "gifts": visit.gifts, "amount": str(visit.amount or ""), "note": visit.note}
    data.update(overrides)
    return data


# --- services ----------------------------------------------------------------------------------


def test_an_update_writes_the_diff_to_the_audit_and_names_the_fields_on_the_timeline(world):
    visit = record(world)
    services.visit_update(actor=world.users["secretary"], visit=visit, visited=visit.visited, visitors="张书记、李委员",
                          occasion=Occasion.ILLNESS, gifts="米、油", amount=Decimal("300"), note="")
    visit.refresh_from_db()
    assert (visit.visitors, visit.occasion, visit.amount) == ("张书记、李委员", "illness", Decimal("300.00"))
    event = MemberEvent.objects.order_by("-pk").first()
    assert (event.kind, event.actor, event.member_id) == ("care_visit_update", world.users["secretary"],
                                                          world.members["a1_member"].pk)
    assert "走访日期" not in event.summary and "走访人、走访类型、慰问金（元）" in event.summary and "日常走访记录" in event.summary
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "care.visit_update" and entry.username == "secretary"
    assert entry.changes == {"amount": ["200.00", "300.00"], "occasion": ["daily", "illness"],
                             "visitors": ["张书记", "张书记、李委员"]}


def test_an_unchanged_update_writes_nothing(world):
    visit = record(world)
    before = state()
    services.visit_update(actor=world.users["a_admin"], visit=visit, visited=visit.visited, visitors=" 张书记 ",
                          occasion=visit.occasion, gifts="米、油", amount=Decimal("200"), note="")
    assert state() == before


def test_a_delete_keeps_what_the_visit_was_in_the_audit_and_on_the_timeline(world):
    visit = record(world)
    services.visit_delete(actor=world.users["a_admin"], visit=visit)
    assert not CareVisit.objects.exists()
    event = MemberEvent.objects.order_by("-pk").first()
    assert event.kind == "care_visit_delete" and "删除" in event.summary and "张书记" in event.summary
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "care.visit_delete" and entry.changes["before"]["visitors"] == "张书记"


@pytest.mark.parametrize("changes, field, fragment", [
    ({"visitors": "  "}, "visitors", "请填写走访人"),
    ({"visited": TODAY + timedelta(days=1)}, "visited", "走访日期不能晚于今天"),
    ({"occasion": "birthday"}, "occasion", "走访类型不正确"),
    ({"amount": Decimal("-1")}, "amount", "慰问金不能为负数"),
])
def test_a_bad_update_is_refused_in_chinese_and_writes_nothing(world, changes, field, fragment):
    visit = record(world)
    fields = {"visited": visit.visited, "visitors": visit.visitors, "occasion": visit.occasion, "gifts": "",
              "amount": None, "note": "", **changes}
    before = state()
    with pytest.raises(ValidationError) as info:
        services.visit_update(actor=world.users["a_admin"], visit=visit, **fields)
    assert fragment in " ".join(info.value.message_dict[field])
    assert state() == before


@pytest.mark.parametrize("persona", ["b_admin", "member", "outsider"])
def test_out_of_scope_the_services_are_404_and_write_nothing(world, persona):
    visit = record(world)
    before = state()
    with pytest.raises(NotFound):
        services.visit_update(actor=world.users[persona], visit=visit, visited=visit.visited, visitors="x",
                              occasion=visit.occasion)
    with pytest.raises(NotFound):
        services.visit_delete(actor=world.users[persona], visit=visit)
    assert state() == before


def test_the_visits_follow_a_transferred_member_and_so_does_the_right_to_edit_them(world):
    visit = record(world)
    letter = issue(world, member="a1_member", to=world.branch_b1)
    from transfers import services as transfer_services

    transfer_services.letter_accept(actor=world.users["b_admin"], letter=letter)
    with pytest.raises(NotFound):
        services.visit_delete(actor=world.users["a_admin"], visit=visit)
    services.visit_delete(actor=world.users["b_admin"], visit=visit)
    assert not CareVisit.objects.exists()


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_edit_and_delete_pages_answer_by_the_oracle(world, persona):
    visits = {key: record(world, key) for key in world.members}
    client = world.client(persona)
    violations = []
    for key, visit in visits.items():
        for name in PAGES:
            status = client.get(reverse(name, args=[visit.pk])).status_code
            expected = 200 if key in CHANGES.get(persona, ()) else 404
            if status != expected:
                violations.append((name, key, status))
    before = state()
    for key, visit in visits.items():
        if key not in CHANGES.get(persona, ()):
            assert client.post(reverse("care:visit_delete", args=[visit.pk])).status_code == 404
            assert client.post(reverse("care:visit_edit", args=[visit.pk]),
                               edit_data(visit, visitors="越权")).status_code == 404
    assert violations == [] and state() == before


def test_the_pages_send_anonymous_to_login(world):
    from django.test import Client

    visit = record(world)
    for name in PAGES:
        response = Client().get(reverse(name, args=[visit.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editing_through_the_page(world):
    visit = record(world)
    client = world.client("secretary")
    page = client.get(reverse("care:visit_edit", args=[visit.pk])).content.decode()
    assert 'value="张书记"' in page and f'value="{visit.visited.isoformat()}"' in page
    response = client.post(reverse("care:visit_edit", args=[visit.pk]), edit_data(visit, visitors=""))
    assert response.status_code == 200 and response.context["form"].errors["visitors"]
    response = client.post(reverse("care:visit_edit", args=[visit.pk]),
                           edit_data(visit, visited=(TODAY + timedelta(days=2)).isoformat()))
    assert "走访日期不能晚于今天" in " ".join(response.context["form"].errors["visited"])
    response = client.post(reverse("care:visit_edit", args=[visit.pk]), edit_data(visit, note="复访"))
    assert response.status_code == 302 and response["Location"] == reverse("care:member", args=[visit.member_id])
    assert CareVisit.objects.get(pk=visit.pk).note == "复访"
    assert MemberEvent.objects.order_by("-pk").first().kind == "care_visit_update"


def test_deleting_asks_for_confirmation_first(world):
    visit = record(world)
    client = world.client("a_admin")
    page = client.get(reverse("care:visit_delete", args=[visit.pk])).content.decode()
    assert "确认删除" in page and "张书记" in page
    assert CareVisit.objects.filter(pk=visit.pk).exists()
    response = client.post(reverse("care:visit_delete", args=[visit.pk]))
    assert response.status_code == 302 and not CareVisit.objects.filter(pk=visit.pk).exists()
    assert AuditEntry.objects.order_by("-seq").first().action == "care.visit_delete"


def test_the_member_care_page_links_edit_and_delete_for_those_who_may(world):
    visit = record(world)
    url = reverse("care:member", args=[visit.member_id])
    assert reverse("care:visit_edit", args=[visit.pk]) in world.client("secretary").get(url).content.decode()
    assert reverse("care:visit_edit", args=[visit.pk]) not in world.client("member").get(url).content.decode()


def test_record_dates_are_local_dates(world):
    assert record(world, visited=date(TODAY.year, 1, 1)).visited == date(TODAY.year, 1, 1)


def test_the_flagged_list_links_each_member_and_offers_a_visit_only_where_one_may_record(world):
    from members.models import Hardship

    for key in ("a1_member", "b1_member"):
        Hardship.objects.create(member=world.members[key], kind=Hardship.Kind.ILLNESS, description="慢性病",
                                since=date(2020, 1, 1))
    a1, b1 = world.members["a1_member"], world.members["b1_member"]
    body = world.client("city_admin").get(reverse("care:list"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body
    for member in (a1, b1):
        assert f'href="{reverse("care:member", args=[member.pk])}"' in body
        assert f'{reverse("care:visit_create")}?member={member.pk}"' in body
    body = world.client("a_admin").get(reverse("care:list")).content.decode()
    assert f"?member={a1.pk}" in body and f"?member={b1.pk}" not in body
