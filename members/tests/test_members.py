"""Members: creation rules (ID number, age at admission, uniqueness), masking of the ID number on
every channel, audited unmasking for permitted roles only, no caching of personal data."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core import idcard
from core.access import Role
from core.errors import NotFound
from core.models import AuditEntry
from dangjian.testing import CLEAR_ID, ID_NUMBERS, api_client, make_user
from members import services
from members.models import Gender, Member, MemberStatus


def written():
    return Member.objects.count(), AuditEntry.objects.count()


def create(world, number, *, joined=date(2015, 7, 1), actor="city_admin", org=None, name="新党员"):
    return services.member_create(
        actor=world.users[actor], org=org or world.branch_a2, name=name, id_number=number,
        status=MemberStatus.PROBATIONARY, joined=joined,
    )


def valid_number(born: str, seq: str = "123") -> str:
    first17 = f"120101{born}{seq}"
    return first17 + idcard.check_char(first17)


def refused(call, field: str, fragment: str):
    before = written()
    with pytest.raises(ValidationError) as info:
        call()
    assert fragment in " ".join(info.value.message_dict[field]), info.value.message_dict
    assert written() == before


@pytest.fixture
def commissioner(world):
    return make_user("commissioner", role=Role.COMMISSIONER, org=world.branch_a1)


# --- creation ---------------------------------------------------------------------------------


def test_a_bad_checksum_is_refused_naming_the_expected_digit_and_nothing_is_written(world):
    good = valid_number("19900101")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    refused(lambda: create(world, bad), "id_number", f"身份证号校验码错误：最后一位应为 {good[17]}")


@pytest.mark.parametrize("number, fragment", [
    ("12010119900101123", "身份证号应为18位，当前为17位"),
    ("12010119900101123A", "身份证号格式不正确"),
    ("120101199002301234", "不是有效日期"),
    ("120101218001011234", "不合理"),
])
def test_malformed_id_numbers_are_refused_with_a_chinese_message(world, number, fragment):
    refused(lambda: create(world, number), "id_number", fragment)


def test_gender_and_birth_date_come_from_the_id_number(world):
    female = world.members["a1_member"]  # 11010519491231002X: 17th digit 2 is even
    assert (female.gender, female.birth_date) == (Gender.FEMALE, date(1949, 12, 31))
    male = world.members["a1_secretary"]  # 120101198503020018: 17th digit 1 is odd
    assert (male.gender, male.birth_date) == (Gender.MALE, date(1985, 3, 2))
    created = create(world, valid_number("19920615", "457"))
    created.refresh_from_db()
    assert (created.gender, created.birth_date) == (Gender.MALE, date(1992, 6, 15))


def test_the_id_number_is_stored_encrypted_with_a_mask_and_a_blind_index(world):
    member = Member.objects.get(pk=world.members["a1_member"].pk)
    assert member.id_number_masked == "110105********002X"
    assert ID_NUMBERS["a1_member"] not in member.id_number_cipher
    assert member.get_id_number() == ID_NUMBERS["a1_member"]
    assert member.id_number_index == Member.id_number_lookup(ID_NUMBERS["a1_member"].lower())


def test_a_duplicate_id_number_is_refused_however_it_is_written(world):
    number = ID_NUMBERS["a1_member"]
    for variant in (number, number.lower(), " " + number[:6] + " " + number[6:]):
        refused(lambda v=variant: create(world, v), "id_number", "该身份证号已登记为党员")


def test_admission_before_eighteen_is_refused(world):
    number = valid_number("20000301")
    refused(lambda: create(world, number, joined=date(2018, 2, 28)), "joined", "入党时须年满十八岁")
    assert create(world, number, joined=date(2018, 3, 1)).pk  # the 18th birthday itself


def test_admission_in_the_future_is_refused(world):
    refused(lambda: create(world, valid_number("19900101"), joined=date(2999, 1, 1)), "joined",
            "入党日期不能晚于今天")


def test_creating_outside_the_scope_is_404_and_writes_nothing(world):
    before = written()
    with pytest.raises(NotFound):
        create(world, valid_number("19900101"), actor="a_admin", org=world.branch_b1)
    assert written() == before


def test_a_created_member_has_one_audit_entry_without_the_clear_number(world):
    before = AuditEntry.objects.count()
    number = valid_number("19900101")
    member = create(world, number)
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.object_id) for e in entries] == [("member.create", str(member.pk))]
    assert not CLEAR_ID.search(json.dumps(entries[0].changes))


# --- masking on every channel -------------------------------------------------------------------


def _pages(world, client) -> dict[str, object]:
    member = world.members["a1_member"]
    return {
        "list": client.get(reverse("members:list")),
        "lookup": client.post(reverse("members:lookup"), {"id_number": ID_NUMBERS["a1_member"]}, follow=True),
        "detail": client.get(reverse("members:detail", args=[member.pk])),
        "htmx detail": client.get(reverse("members:detail", args=[member.pk]), HTTP_HX_REQUEST="true"),
        "csv": client.get(reverse("members:list"), {"export": "csv"}),
    }


def _without_echo(body: str, query: str) -> str:
    """The search form echoes what the user typed (input value, export link); a result row
    would show the number as text, which stays in."""
    return body.replace(f'value="{query}"', "").replace(f"q={query}", "")


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "secretary", "member"])
def test_no_page_or_export_shows_a_clear_id_number(world, persona):
    for channel, response in _pages(world, world.client(persona)).items():
        assert response.status_code == 200, channel
        body = _without_echo(response.content.decode("utf-8-sig"), ID_NUMBERS["a1_member"])
        assert CLEAR_ID.findall(body) == [], channel
    body = _pages(world, world.client(persona))["detail"].content.decode()
    assert "110105********002X" in body


def test_the_csv_export_carries_the_masked_number(world):
    body = world.client("a_admin").get(reverse("members:list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "110105********002X" in body
    assert not CLEAR_ID.search(body)


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "secretary", "member"])
def test_no_api_response_shows_a_clear_id_number(world, persona):
    client = api_client(persona)
    member = world.members["a1_member"]
    for url in ("/api/v1/members", f"/api/v1/members/{member.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert CLEAR_ID.findall(response.content.decode()) == [], url
    response = client.post("/api/v1/members/lookup", {"id_number": ID_NUMBERS["a1_member"]},
                           content_type="application/json")
    assert response.status_code == 200
    assert CLEAR_ID.findall(response.content.decode()) == []
    assert client.get(f"/api/v1/members/{member.pk}").json()["id_number"] == "110105********002X"


# --- unmasking ----------------------------------------------------------------------------------


def _unmask_entries(since):
    return list(AuditEntry.objects.filter(seq__gt=since, action="member.unmask"))


def test_an_org_admin_unmasks_in_scope_and_each_view_is_audited_once(world):
    member = world.members["a1_member"]
    client = world.client("a_admin")
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("members:unmask", args=[member.pk]) in detail  # the button is offered
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.post(reverse("members:unmask", args=[member.pk]))
    assert response.status_code == 200
    assert ID_NUMBERS["a1_member"] in response.content.decode()
    entries = _unmask_entries(before)
    assert [(e.object_id, e.username) for e in entries] == [(str(member.pk), "a_admin")]
    assert not CLEAR_ID.search(json.dumps(entries[0].changes))
    assert AuditEntry.objects.filter(seq__gt=before).count() == 1


def test_the_secretary_unmasks_in_their_branch(world):
    member = world.members["a1_member"]
    response = world.client("secretary").post(reverse("members:unmask", args=[member.pk]))
    assert ID_NUMBERS["a1_member"] in response.content.decode()


@pytest.mark.parametrize("who", ["commissioner", "member", "b_admin", "outsider"])
def test_roles_without_unmask_get_404_and_nothing_is_audited(world, commissioner, who):
    member = world.members["a1_member"]
    client = Client()
    client.force_login(commissioner if who == "commissioner" else world.users[who])
    detail = client.get(reverse("members:detail", args=[member.pk]))
    if detail.status_code == 200:  # the commissioner and the member see the record, masked
        assert reverse("members:unmask", args=[member.pk]) not in detail.content.decode()
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.post(reverse("members:unmask", args=[member.pk]))
    assert response.status_code == 404
    assert ID_NUMBERS["a1_member"] not in response.content.decode()
    assert _unmask_entries(before) == []


def test_unmask_is_post_only(world):
    member = world.members["a1_member"]
    response = world.client("a_admin").get(reverse("members:unmask", args=[member.pk]))
    assert response.status_code == 405


def test_the_commissioner_sees_the_branch_members_masked(world, commissioner):
    client = Client()
    client.force_login(commissioner)
    response = client.get(reverse("members:list"))
    names = {m.name for m in response.context["page"].object_list}
    assert names == {"张秀英", "李建国"}
    assert not CLEAR_ID.search(response.content.decode())


# --- caching ------------------------------------------------------------------------------------


def test_responses_with_personal_data_are_not_stored(world):
    client = world.client("a_admin")
    member = world.members["a1_member"]
    responses = list(_pages(world, client).values()) + [
        client.post(reverse("members:unmask", args=[member.pk])),
        api_client("a_admin").get("/api/v1/members"),
        api_client("a_admin").get(f"/api/v1/members/{member.pk}"),
    ]
    for response in responses:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_an_id_number_in_the_search_box_is_refused_so_it_never_stands_in_a_url(world):
    response = world.client("a_admin").get(reverse("members:list"), {"q": ID_NUMBERS["a1_member"]})
    assert response.status_code == 200
    assert "按身份证号查找" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_every_id_lookup_is_audited_without_the_number(world):
    from core.models import AuditEntry

    client = world.client("a_admin")
    before = AuditEntry.objects.filter(action="member.lookup").count()
    client.post(reverse("members:lookup"), {"id_number": ID_NUMBERS["a1_member"]})
    client.post(reverse("members:lookup"), {"id_number": ID_NUMBERS["b1_member"]})  # out of scope
    entries = list(AuditEntry.objects.filter(action="member.lookup").order_by("seq"))[before:]
    assert [e.changes["found"] for e in entries] == [True, False]
    assert all(not CLEAR_ID.search(json.dumps(e.changes)) for e in entries)


def test_a_malformed_id_lookup_says_what_is_wrong(world):
    response = world.client("a_admin").post(reverse("members:lookup"), {"id_number": "12345"}, follow=True)
    assert "身份证号应为18位" in response.content.decode()


def test_the_member_list_links_each_name_to_the_archive(world):
    from django.urls import reverse

    member = world.members["a1_member"]
    body = world.client("a_admin").get(reverse("members:list")).content.decode()
    assert f'<a href="{reverse("members:detail", args=[member.pk])}">{member.name}</a>' in body
