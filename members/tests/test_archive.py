"""The member archive (党员档案): its page and sections, editing through services with the archive
rules, the timeline (记实), documents, the member's own view with correction requests, and the API;
ID number and phone masked on every channel for every persona."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditEntry
from dangjian.testing import (
    CLEAR_ID,
    CLEAR_PHONE,
    ID_NUMBERS,
    api_client,
    make_user,
    pdf_bytes,
    refusal_text,
)
from members import services
from members.models import (
    ACTIVE_STATUSES,
    Appraisal,
    CorrectionRequest,
    Member,
    MemberDocument,
    MemberEvent,
    MemberStatus,
    PositionHeld,
    TravelAbroad,
)
from orgs import services as org_services
from orgs.models import OrgKind

PHONE = "13812345678"
NEW_ID = "120101199203070018"  # checksum-valid, male, born 1992-03-07
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = pdf_bytes()


def png_upload(name="scan.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)



def state(member: Member):
    """Everything a refused write could have changed."""
    fresh = Member.objects.get(pk=member.pk)
    return (fresh.audit_snapshot(), MemberEvent.objects.count(), AuditEntry.objects.count(),
            PositionHeld.objects.count(), TravelAbroad.objects.count(), Appraisal.objects.count(),
            MemberDocument.objects.count(), CorrectionRequest.objects.count())


def refused(world, call, field: str, fragment: str, member=None):
    member = member or world.members["a1_member"]
    before = state(member)
    with pytest.raises(ValidationError) as info:
        call()
    messages = info.value.message_dict
    assert fragment in " ".join(messages.get(field, [])), messages
    assert state(member) == before


def update(world, actor="a_admin", member="a1_member", **changes):
    return services.member_update(actor=world.users[actor], member=world.members[member], changes=changes)


def last_event(member):
    return MemberEvent.objects.filter(member=member).order_by("-pk").first()


def last_audit():
    return AuditEntry.objects.order_by("-seq").first()


@pytest.fixture
def full_archive(world):
    """a1_member with a phone and one record of every kind, a document and a correction."""
    member = world.members["a1_member"]
    actor = world.users["a_admin"]
    update(world, phone=PHONE, address="和平区南京路1号", native_place="天津")
    services.position_add(actor=actor, member=member, data={"title": "社区委员", "started": date(2012, 1, 1)})
    services.reward_add(actor=actor, member=member, data={"kind": "reward", "name": "优秀共产党员",
                                                          "decided": date(2020, 7, 1)})
    services.family_add(actor=actor, member=member, data={"relation": "女儿", "name": "张小英"})
    services.travel_add(actor=actor, member=member, data={"destination": "新加坡", "purpose": "探亲",
                                                          "departed": date(2019, 1, 1), "returned": date(2019, 1, 20)})
    services.hardship_add(actor=actor, member=member, data={"kind": "illness", "description": "慢性病",
                                                            "since": date(2021, 1, 1)})
    services.appraisal_add(actor=actor, member=member, data={"year": 2023, "result": "excellent"})
    services.observation_add(actor=actor, member=member, data={
        "starts_on": date(2018, 3, 1), "ends_on": date(2019, 3, 1), "issuer": "中共和平区纪律检查委员会"})
    services.document_add(actor=actor, member=member, upload=png_upload(), title="入党志愿书扫描件",
                          kind="form")
    return Member.objects.get(pk=member.pk)


# --- the archive rules: each broken once, with its message, nothing written ---------------------


def test_a_conversion_before_admission_is_refused(world):
    refused(world, lambda: update(world, converted=date(2010, 6, 30)), "converted", "转正日期不能早于入党日期")


def test_admission_before_eighteen_is_refused(world):
    # 张秀英 was born 1949-12-31: 1967-07-01 is at 17.
    refused(world, lambda: update(world, joined=date(1967, 7, 1)), "joined", "入党时须年满十八岁")


def test_an_application_after_admission_is_refused(world):
    refused(world, lambda: update(world, applied=date(2011, 1, 1)), "applied", "申请入党日期不能晚于入党日期")


def test_a_probationary_member_has_no_conversion_date(world):
    refused(world, lambda: update(world, status=MemberStatus.PROBATIONARY, converted=date(2011, 7, 1)),
            "converted", "预备党员尚未转正")


def test_a_full_member_admitted_since_the_platform_needs_a_conversion_date(world):
    member = world.members["a2_member"]
    update(world, member="a2_member", status=MemberStatus.PROBATIONARY, joined=date(2023, 7, 1))
    refused(world, lambda: update(world, member="a2_member", status=MemberStatus.FULL), "converted",
            "正式党员须填写转正日期", member=member)
    update(world, member="a2_member", status=MemberStatus.FULL, converted=date(2024, 7, 1))
    assert Member.objects.get(pk=member.pk).standing_years(date(2025, 7, 1)) == 1


def test_a_full_member_admitted_before_the_platform_may_lack_the_conversion_date(world):
    # The personas were admitted in 2010, converted on paper: their archives carry no date.
    member = update(world, status=MemberStatus.FULL, occupation="退休教师")
    assert member.converted is None


def test_the_group_must_be_a_party_group_of_the_members_own_org(world):
    other_group = org_services.org_create(actor=world.users["city_admin"], parent=world.branch_a2,
                                          name="二支部第一党小组", code="HP01B02G1", kind=OrgKind.GROUP,
                                          founded=date(2000, 1, 1))
    for group in (other_group, world.branch_a2, world.street_a):
        refused(world, lambda g=group: update(world, group=g.pk), "group", "下设的党小组")
    assert update(world, group=world.group_a1.pk).group_id == world.group_a1.pk


def test_a_bad_id_number_and_a_bad_phone_are_refused(world):
    refused(world, lambda: update(world, id_number=NEW_ID[:17] + "9"), "id_number", "身份证号校验码错误")
    refused(world, lambda: update(world, phone="12345"), "phone", "联系电话格式不正确")


def test_an_id_number_already_registered_is_refused(world):
    refused(world, lambda: update(world, id_number=ID_NUMBERS["b1_member"]), "id_number", "该身份证号已登记为党员")


def test_an_empty_name_and_an_unknown_status_are_refused(world):
    refused(world, lambda: update(world, name="  "), "name", "姓名不能为空")
    refused(world, lambda: update(world, status="expelled"), "status", "不是可选值")


def test_a_converted_member_cannot_have_the_probation_cancelled(world):
    # a1_member joined 2010-07-01 and is full; a full member converted has a conversion date.
    update(world, converted="2011-07-01")
    refused(world, lambda: update(world, status="cancelled"), "status", "已转正的党员不能取消预备党员资格")
    member = update(world, status="cancelled", converted="")
    assert member.get_status_display() == "取消预备党员资格" and member.status not in ACTIVE_STATUSES


def test_the_org_is_not_changed_here_it_is_a_transfer(world):
    refused(world, lambda: update(world, org=world.branch_a2), "org", "该项不能在此修改")


def test_an_appraisal_is_once_a_year(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    services.appraisal_add(actor=actor, member=member, data={"year": 2022, "result": "qualified"})
    refused(world, lambda: services.appraisal_add(actor=actor, member=member, data={"year": 2022, "result": "excellent"}),
            "year", "2022年度已有民主评议结果")


def test_a_return_before_departure_is_refused(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    refused(world, lambda: services.travel_add(actor=actor, member=member, data={
        "destination": "日本", "purpose": "旅游", "departed": date(2020, 5, 10), "returned": date(2020, 5, 1)}),
        "returned", "入境日期不能早于出境日期")


def test_an_observation_lasts_at_most_two_years(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    data = {"starts_on": date(2020, 3, 1), "ends_on": date(2022, 3, 2), "issuer": "区纪委"}
    refused(world, lambda: services.observation_add(actor=actor, member=member, data=data),
            "ends_on", "留党察看最长不超过两年（党章第四十条）")
    services.observation_add(actor=actor, member=member, data={**data, "ends_on": date(2022, 3, 1)})


def test_the_archive_says_a_member_is_under_observation_and_until_when(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    url = reverse("members:detail", args=[member.pk])
    assert "留党察看至" not in world.client("a_admin").get(url).content.decode()
    today = timezone.localdate()
    services.observation_add(actor=actor, member=member, data={
        "starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=335), "issuer": "区纪委"})
    ends = today + timedelta(days=335)
    assert f"留党察看至 {ends:%Y-%m-%d}" in world.client("a_admin").get(url).content.decode()


def test_a_probationary_member_is_not_put_under_observation(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    member.status = MemberStatus.PROBATIONARY
    member.save(update_fields=["status"])
    refused(world, lambda: services.observation_add(actor=actor, member=member, data={
        "starts_on": date(2020, 3, 1), "ends_on": date(2021, 3, 1), "issuer": "区纪委"}),
        "__all__", "预备党员不适用留党察看")


def test_a_record_with_a_missing_required_field_is_refused_in_chinese(world):
    member, actor = world.members["a1_member"], world.users["a_admin"]
    refused(world, lambda: services.position_add(actor=actor, member=member, data={"title": "", "started": None}),
            "title", "不能为空")


def test_writes_out_of_scope_or_without_change_permission_are_404_and_write_nothing(world):
    member = world.members["b1_member"]
    before = state(member)
    with pytest.raises(NotFound):
        update(world, actor="a_admin", member="b1_member", native_place="北京")
    with pytest.raises(NotFound):
        services.position_add(actor=world.users["a_admin"], member=member, data={"title": "x", "started": "2020-01-01"})
    with pytest.raises(NotFound):  # a member sees their archive, but does not edit it
        update(world, actor="member", native_place="北京")
    assert state(member) == before


# --- what an accepted change does ------------------------------------------------------------------


def test_an_id_change_re_derives_gender_and_birth_date_and_is_masked_on_the_timeline(world):
    member = update(world, id_number=NEW_ID)
    assert (member.gender, member.birth_date) == ("male", date(1992, 3, 7))
    assert member.get_id_number() == NEW_ID
    event = last_event(member)
    assert event.actor == world.users["a_admin"]
    assert "110105********002X → 120101********0018" in event.summary
    assert not CLEAR_ID.search(event.summary)
    entry = last_audit()
    assert entry.action == "member.update"
    assert entry.changes["id_number_cipher"] == ["110105********002X", "120101********0018"]
    assert not CLEAR_ID.search(json.dumps(entry.changes))


def test_a_phone_change_is_stored_encrypted_and_shown_masked_on_the_timeline_and_in_the_audit(world):
    member = update(world, phone=PHONE)
    assert member.get_phone() == PHONE and PHONE not in member.phone_cipher
    assert member.phone_masked == "138****5678"
    assert "联系电话 空 → 138****5678" in last_event(member).summary
    assert not CLEAR_PHONE.search(json.dumps(last_audit().changes))


def test_every_kind_of_change_is_on_the_timeline_with_its_actor(world):
    member, actor = world.members["a1_member"], world.users["secretary"]
    update(world, actor="secretary", native_place="天津", converted=date(2011, 7, 1))
    position = services.position_add(actor=actor, member=member, data={"title": "宣传委员", "started": "2018-01-01"})
    services.position_update(actor=actor, record=position, data={"title": "组织委员"})
    services.position_delete(actor=actor, record=position)
    document = services.document_add(actor=actor, member=member, upload=png_upload(), title="照片")
    services.document_delete(actor=actor, document=document)
    events = list(MemberEvent.objects.filter(member=member).order_by("pk"))[-6:]
    assert [(e.kind, e.actor_id) for e in events] == [
        ("update", actor.pk), ("position_add", actor.pk), ("position_update", actor.pk),
        ("position_delete", actor.pk), ("document_add", actor.pk), ("document_delete", actor.pk)]
    assert events[0].summary == "修改档案：籍贯 空 → 天津；转正日期 空 → 2011-07-01"
    assert events[2].summary == "修改任职经历“宣传委员”：职务"
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:6])[::-1]
    assert actions == ["member.update", "member.position_add", "member.position_update",
                       "member.position_delete", "member.document_upload", "member.document_delete"]


def test_an_unchanged_save_writes_nothing(world):
    update(world, native_place="天津")
    before = state(world.members["a1_member"])
    update(world, native_place="天津")
    assert state(world.members["a1_member"]) == before


# --- the page: sections, forms, confirmation -------------------------------------------------------

TABS = ["basic", "party", "position", "reward", "family", "travel", "hardship", "appraisal", "observation",
        "documents", "timeline"]


def test_every_section_of_the_archive_opens_without_javascript(world, full_archive):
    client = world.client("a_admin")
    url = reverse("members:detail", args=[full_archive.pk])
    expected = {"basic": "110105********002X", "party": "朝阳里社区第一党支部", "position": "社区委员",
                "reward": "优秀共产党员", "family": "张小英", "travel": "新加坡", "hardship": "慢性病",
                "appraisal": "优秀", "observation": "中共和平区纪律检查委员会", "documents": "入党志愿书扫描件", "timeline": "建立党员档案"}
    for tab in TABS:
        body = client.get(url, {"tab": tab}).content.decode()
        assert expected[tab] in body, tab
        assert f'href="{url}?tab={tab}"' in body  # a real link, htmx optional
    assert "138****5678" in client.get(url).content.decode()


def test_the_party_section_shows_the_standing_from_the_conversion_date(world):
    update(world, converted=date(2011, 7, 1))
    body = world.client("a_admin").get(reverse("members:detail", args=[world.members["a1_member"].pk]),
                                       {"tab": "party"}).content.decode()
    expected = services.Member.objects.get(pk=world.members["a1_member"].pk).standing_years()
    assert f"{expected} 年" in body


def test_the_timeline_names_who_and_when(world):
    update(world, actor="secretary", native_place="天津")
    body = world.client("a_admin").get(reverse("members:detail", args=[world.members["a1_member"].pk]),
                                       {"tab": "timeline"}).content.decode()
    assert "修改档案：籍贯 空 → 天津" in body and "secretary" in body and timezone.localdate().isoformat() in body


def test_the_edit_form_shows_field_errors_and_changes_nothing(world):
    member = world.members["a1_member"]
    client = world.client("a_admin")
    data = {"name": "张秀英", "ethnicity": "汉族", "joined": "2010-07-01", "converted": "2009-01-01",
            "category": "in_service", "status": "full"}
    before = state(member)
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 200
    assert "转正日期不能早于入党日期" in " ".join(response.context["form"].errors["converted"])
    assert state(member) == before
    data["converted"] = "2011-07-01"
    data["phone"] = PHONE
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).phone_masked == "138****5678"


def test_the_edit_form_never_shows_the_clear_numbers(world, full_archive):
    body = world.client("a_admin").get(reverse("members:edit", args=[full_archive.pk])).content.decode()
    assert not CLEAR_ID.search(body) and not CLEAR_PHONE.search(body)


def test_a_record_is_added_edited_and_deleted_after_confirmation_through_the_pages(world):
    member = world.members["a1_member"]
    client = world.client("secretary")
    response = client.post(reverse("members:record_add", args=[member.pk, "travel"]), {
        "destination": "日本", "purpose": "旅游", "departed": "2020-05-10", "returned": "2020-05-01"})
    assert "入境日期不能早于出境日期" in " ".join(response.context["form"].errors["returned"])
    response = client.post(reverse("members:record_add", args=[member.pk, "travel"]), {
        "destination": "日本", "purpose": "旅游", "departed": "2020-05-10", "returned": "2020-05-20"})
    assert response.status_code == 302
    travel = TravelAbroad.objects.get(member=member)
    response = client.post(reverse("members:record_edit", args=[member.pk, "travel", travel.pk]), {
        "destination": "韩国", "purpose": "旅游", "departed": "2020-05-10", "returned": "2020-05-20"})
    assert response.status_code == 302 and TravelAbroad.objects.get(pk=travel.pk).destination == "韩国"
    confirm = client.get(reverse("members:record_delete", args=[member.pk, "travel", travel.pk]))
    assert "确认删除" in confirm.content.decode() and TravelAbroad.objects.filter(pk=travel.pk).exists()
    client.post(reverse("members:record_delete", args=[member.pk, "travel", travel.pk]))
    assert not TravelAbroad.objects.filter(pk=travel.pk).exists()
    assert last_event(member).kind == "travel_delete"


def test_an_unknown_record_kind_is_404(world):
    member = world.members["a1_member"]
    assert world.client("a_admin").get(f"/members/{member.pk}/records/salary/new/").status_code == 404


# --- masking on every channel, for every persona -----------------------------------------------

PERSONAS = ["city_admin", "a_admin", "secretary", "member"]


def clear_values(text: str) -> list[str]:
    return CLEAR_ID.findall(text) + CLEAR_PHONE.findall(text)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_fragment_or_api_response_shows_a_clear_id_or_phone(world, full_archive, persona):
    update(world, id_number=NEW_ID)  # an ID change on the timeline too
    client = world.client(persona)
    url = reverse("members:detail", args=[full_archive.pk])
    for tab in TABS:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, {"tab": tab}, **headers)
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"]
            assert clear_values(response.content.decode()) == [], (tab, headers)
    api = api_client(persona)
    for path in (f"/api/v1/members/{full_archive.pk}", f"/api/v1/members/{full_archive.pk}/records",
                 "/api/v1/members"):
        response = api.get(path)
        assert response.status_code == 200
        assert clear_values(response.content.decode()) == [], path
    detail = api.get(f"/api/v1/members/{full_archive.pk}").json()
    assert (detail["id_number"], detail["phone"]) == ("120101********0018", "138****5678")


def test_no_audit_entry_holds_a_clear_id_or_phone(world, full_archive):
    update(world, id_number=NEW_ID, phone="13900001111")
    api_client("a_admin").patch(f"/api/v1/members/{full_archive.pk}", {"phone": "13700002222"},
                                content_type="application/json")
    for entry in AuditEntry.objects.all():
        assert clear_values(json.dumps(entry.changes, ensure_ascii=False)) == [], entry.action


def test_the_phone_is_unmasked_on_request_and_audited_by_field_name(world, full_archive):
    client = world.client("secretary")
    before = last_audit().seq
    response = client.post(reverse("members:unmask", args=[full_archive.pk]), {"field": "phone"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert ID_NUMBERS["a1_member"] not in response.content.decode()
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.changes) for e in entries] == [("member.unmask", {"field": "phone"})]
    response = client.post(reverse("members:unmask", args=[full_archive.pk]), {"field": "id_number"})
    assert ID_NUMBERS["a1_member"] in response.content.decode()
    assert AuditEntry.objects.filter(seq__gt=before, action="member.unmask").count() == 2


@pytest.mark.parametrize("persona", ["member", "b_admin", "outsider"])
def test_the_phone_cannot_be_unmasked_without_permission(world, full_archive, persona):
    before = last_audit().seq
    response = world.client(persona).post(reverse("members:unmask", args=[full_archive.pk]), {"field": "phone"})
    assert response.status_code == 404 and PHONE not in response.content.decode()
    assert not AuditEntry.objects.filter(seq__gt=before, action="member.unmask").exists()


def test_an_unknown_unmask_field_is_404(world, full_archive):
    response = world.client("a_admin").post(reverse("members:unmask", args=[full_archive.pk]), {"field": "address"})
    assert response.status_code == 404


# --- the member's own view -----------------------------------------------------------------------


def test_a_member_sees_their_whole_archive_without_edit_links(world, full_archive):
    client = world.client("member")
    url = reverse("members:detail", args=[full_archive.pk])
    for tab in TABS:
        body = client.get(url, {"tab": tab}).content.decode()
        assert "/edit/" not in body and "/delete/" not in body and "/new/\"" not in body.replace(
            reverse("members:correction_create", args=[full_archive.pk]), ""), tab
    assert "申请更正档案" in client.get(url).content.decode()
    assert "入党志愿书扫描件" in client.get(url, {"tab": "documents"}).content.decode()


def test_a_member_gets_404_on_other_archives_and_their_documents(world, full_archive):
    other = world.members["a1_secretary"]
    document = services.document_add(actor=world.users["a_admin"], member=other, upload=png_upload(), title="x")
    client = world.client("member")
    assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:document_download", args=[document.pk])).status_code == 404
    assert client.get(reverse("members:correction_create", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:edit", args=[full_archive.pk])).status_code == 404
    assert api_client("member").get(f"/api/v1/members/{other.pk}").status_code == 404


# --- correction requests -------------------------------------------------------------------------


def request_correction(world, field="native_place", value="天津市和平区", reason="户籍登记为和平区"):
    return world.client("member").post(
        reverse("members:correction_create", args=[world.members["a1_member"].pk]),
        {"field_name": field, "requested_value": value, "reason": reason})


def test_the_correction_flow_approve_changes_the_archive_and_both_sides_see_it(world):
    member = world.members["a1_member"]
    assert request_correction(world).status_code == 302
    correction = CorrectionRequest.objects.get(member=member)
    assert last_event(member).summary == "申请更正籍贯为“天津市和平区”"
    secretary = world.client("secretary")
    inbox = secretary.get(reverse("members:corrections"))
    assert [r.pk for r, _label in inbox.context["requests"]] == [correction.pk]
    # Another district's admin neither lists it nor decides it.
    assert world.client("b_admin").get(reverse("members:corrections")).context["requests"] == []
    assert world.client("b_admin").post(reverse("members:correction_decide", args=[correction.pk]),
                                        {"decision": "approve"}).status_code == 404
    secretary.post(reverse("members:correction_decide", args=[correction.pk]), {"decision": "approve", "note": "已核实"})
    correction.refresh_from_db()
    assert correction.status == "approved" and correction.decided_by == world.users["secretary"]
    assert Member.objects.get(pk=member.pk).native_place == "天津市和平区"
    kinds = list(MemberEvent.objects.filter(member=member).order_by("-pk").values_list("kind", "actor__username")[:2])
    assert kinds == [("correction_approved", "secretary"), ("update", "secretary")]
    body = world.client("member").get(reverse("members:detail", args=[member.pk]), {"tab": "timeline"}).content.decode()
    assert "更正籍贯的申请已采纳：已核实" in body and "已采纳" in body
    # Decided once: a second decision is refused.
    before = state(member)
    secretary.post(reverse("members:correction_decide", args=[correction.pk]), {"decision": "decline", "note": "x"})
    assert state(member) == before


def test_a_declined_correction_needs_a_note_and_changes_nothing(world):
    member = world.members["a1_member"]
    request_correction(world)
    correction = CorrectionRequest.objects.get(member=member)
    refused(world, lambda: services.correction_decline(actor=world.users["secretary"], request=correction, note=""),
            "note", "不采纳时请填写理由")
    services.correction_decline(actor=world.users["secretary"], request=correction, note="与户籍不符")
    assert Member.objects.get(pk=member.pk).native_place == ""
    assert last_event(member).summary == "更正籍贯的申请未采纳：与户籍不符"


def test_an_other_correction_is_marked_approved_with_a_note(world):
    member = world.members["a1_member"]
    request_correction(world, field="other", value="补充2019年表彰记录")
    correction = CorrectionRequest.objects.get(member=member)
    refused(world, lambda: services.correction_approve(actor=world.users["secretary"], request=correction),
            "note", "请填写处理意见")
    services.correction_approve(actor=world.users["secretary"], request=correction, note="已补录")
    assert CorrectionRequest.objects.get(pk=correction.pk).status == "approved"


def test_an_approval_that_breaks_a_rule_is_refused_and_the_request_stays_pending(world):
    request_correction(world, field="converted", value="2009-01-01")
    correction = CorrectionRequest.objects.get()
    refused(world, lambda: services.correction_approve(actor=world.users["secretary"], request=correction),
            "converted", "转正日期不能早于入党日期")
    assert CorrectionRequest.objects.get(pk=correction.pk).status == "pending"


def test_a_correction_never_carries_an_id_or_phone_number(world):
    response = request_correction(world, field="id_number", value=NEW_ID)
    assert response.context["form"].errors["field_name"]
    response = request_correction(world, field="other", value=f"电话改为{PHONE}")
    assert "请不要在申请中填写身份证号或手机号" in " ".join(response.context["form"].errors["requested_value"])
    assert not CorrectionRequest.objects.exists()


def test_only_the_member_files_their_own_correction(world):
    member = world.members["a1_member"]
    with pytest.raises(NotFound):
        services.correction_create(actor=world.users["a_admin"], member=member, field_name="name",
                                   requested_value="张秀")
    assert not CorrectionRequest.objects.exists()


# --- documents -----------------------------------------------------------------------------------


def upload(world, file, persona="a_admin", member="a1_member"):
    return world.client(persona).post(
        reverse("members:document_upload", args=[world.members[member].pk]),
        {"kind": "other", "title": "材料", "file": file})


@pytest.mark.parametrize("name, content", [
    ("scan.png", PNG), ("form.pdf", PDF),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100 + b"\xff\xd9"),
], ids=["png", "pdf", "jpeg"])
def test_a_good_upload_is_stored_audited_and_downloaded_as_an_attachment(world, name, content):
    response = upload(world, SimpleUploadedFile(name, content))
    assert response.status_code == 302, response.context and response.context["form"].errors
    document = MemberDocument.objects.get()
    assert (document.file_name, document.size) == (name, len(content))
    assert last_audit().action == "member.document_upload"
    assert last_event(document.member).summary == "上传档案材料“材料”"
    response = world.client("member").get(reverse("members:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == document.content_type
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content
    assert last_audit().action == "member.document_download" and last_audit().username == "member"


@pytest.mark.parametrize("name, content, message", [
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "文件类型不支持"),
    ("x.html", b"<!doctype html><html><script>alert(1)</script></html>", "文件类型不支持"),
    ("x.png", b"", "文件"),
    ("polyglot.png", PNG + b"<html><script>alert(1)</script></html>", "夹带网页或脚本"),
    ("polyglot.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script>", "夹带网页或脚本"),
    ("js.pdf", pdf_bytes("/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "PDF 中含有脚本"),
    ("gif.png", b"GIF89a/*<script>alert(1)</script>", "文件类型不支持"),
    ("trailing.png", PNG + b"PK\x03\x04zipdata", "PNG 图片不完整"),
])
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_kept(world, name, content, message):
    from core import files

    before = set(files.root().iterdir())
    member = world.members["a1_member"]
    snapshot = state(member)
    response = upload(world, SimpleUploadedFile(name, content, content_type="image/png"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("file", []))
    assert message in errors, errors
    assert state(member) == snapshot
    assert set(files.root().iterdir()) == before


def test_an_oversized_upload_is_refused(world, settings):
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = upload(world, SimpleUploadedFile("big.pdf", big.getvalue(), content_type="application/pdf"))
    assert "文件过大：最大 10 MB" in " ".join(response.context["form"].errors["file"])
    assert not MemberDocument.objects.exists()


def test_downloads_are_404_out_of_scope_and_for_a_guessed_stored_name(world):
    upload(world, png_upload(), member="b1_member", persona="b_admin")
    document = MemberDocument.objects.get()
    before = AuditEntry.objects.filter(action="member.document_download").count()
    for persona in ("a_admin", "secretary", "member", "outsider"):
        assert world.client(persona).get(reverse("members:document_download", args=[document.pk])).status_code == 404
    client = world.client("city_admin")
    for guess in (f"/members/documents/{document.stored_name}/", f"/members/documents/{document.pk + 999}/",
                  f"/files/{document.stored_name}", f"/static/{document.stored_name}"):
        assert client.get(guess).status_code == 404, guess
    assert AuditEntry.objects.filter(action="member.document_download").count() == before


def test_a_document_is_deleted_after_confirmation_with_its_file(world, django_capture_on_commit_callbacks):
    from core import files

    upload(world, png_upload())
    document = MemberDocument.objects.get()
    client = world.client("a_admin")
    assert "确认删除" in client.get(reverse("members:document_delete", args=[document.pk])).content.decode()
    assert files.path_of(document.stored_name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:document_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not MemberDocument.objects.exists()
    assert last_audit().action == "member.document_delete"
    assert not files.path_of(document.stored_name).exists()


def test_the_member_cannot_upload_or_delete_documents(world):
    upload(world, png_upload())
    document = MemberDocument.objects.get()
    client = world.client("member")
    assert upload(world, png_upload(), persona="member").status_code == 404
    assert client.post(reverse("members:document_delete", args=[document.pk])).status_code == 404
    assert MemberDocument.objects.count() == 1


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_creates_a_member_with_its_archive(world):
    api = api_client("a_admin")
    response = api.post("/api/v1/members", {
        "org_id": world.branch_a2.pk, "name": "刘洋", "id_number": NEW_ID, "status": "probationary",
        "joined": "2024-07-01", "phone": PHONE, "native_place": "天津", "category": "in_service",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["id_number"], body["phone"], body["gender"]) == ("120101********0018", "138****5678", "male")
    assert clear_values(response.content.decode()) == []
    member = Member.objects.get(pk=body["id"])
    assert member.get_phone() == PHONE and member.native_place == "天津"


@pytest.mark.parametrize("payload, fragment", [
    ({"id_number": NEW_ID[:17] + "9"}, "身份证号校验码错误"),
    ({"joined": "2024-07-01", "status": "full"}, "正式党员须填写转正日期"),
    ({"status": "expelled"}, "不是可选值"),
    ({"converted": "2024-08-01"}, "预备党员尚未转正"),
    ({"phone": "123"}, "联系电话格式不正确"),
])
def test_the_api_refuses_a_bad_create_with_422_in_chinese_and_writes_nothing(world, payload, fragment):
    data = {"org_id": world.branch_a2.pk, "name": "刘洋", "id_number": NEW_ID, "status": "probationary",
            "joined": "2024-07-01", **payload}
    api = api_client("a_admin")
    count = Member.objects.count(), AuditEntry.objects.count()
    response = api.post("/api/v1/members", data, content_type="application/json")
    assert response.status_code == 422, response.content
    assert fragment in refusal_text(response)
    assert (Member.objects.count(), AuditEntry.objects.count()) == count


def test_the_api_creates_nothing_in_an_org_out_of_scope(world):
    count = Member.objects.count()
    response = api_client("a_admin").post("/api/v1/members", {
        "org_id": world.branch_b1.pk, "name": "刘洋", "id_number": NEW_ID, "status": "probationary",
        "joined": "2024-07-01"}, content_type="application/json")
    assert response.status_code == 404 and Member.objects.count() == count


def test_the_api_updates_in_scope_and_404s_out_of_scope_or_without_change(world):
    member = world.members["a1_member"]
    response = api_client("secretary").patch(f"/api/v1/members/{member.pk}", {"native_place": "天津", "phone": PHONE},
                                             content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["native_place"] == "天津" and response.json()["phone"] == "138****5678"
    assert last_event(member).actor == world.users["secretary"]
    for persona in ("b_admin", "member", "outsider"):
        api = api_client(persona)
        before = state(member)
        response = api.patch(f"/api/v1/members/{member.pk}", {"native_place": "北京"},
                                             content_type="application/json")
        assert response.status_code == 404, persona
        after = state(member)  # a refused write is itself audited (core.audit_guard)
        assert after[:2] + after[3:] == before[:2] + before[3:]


@pytest.mark.parametrize("payload", [
    {"converted": "2009-01-01"}, {"joined": "not a date"}, {"group_id": 99999999}, {"name": None},
    {"education": "phd"}, {"applied": "2999-01-01"}, {"group_id": -1},
])
def test_the_api_answers_bad_updates_with_422_never_500(world, payload):
    member = world.members["a1_member"]
    api = api_client("a_admin")
    before = state(member)
    response = api.patch(f"/api/v1/members/{member.pk}", payload, content_type="application/json")
    assert response.status_code == 422, (payload, response.content)
    assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])
    assert state(member) == before


def test_the_api_lists_records_and_filters_by_category(world, full_archive):
    api = api_client("a_admin")
    records = api.get(f"/api/v1/members/{full_archive.pk}/records").json()
    assert [p["title"] for p in records["positions"]] == ["社区委员"]
    assert records["appraisals"] == [{"id": records["appraisals"][0]["id"], "year": 2023, "result": "excellent"}]
    assert records["events"][0]["actor"] == "a_admin"
    update(world, member="a2_member", category="retired")
    ids = {m["id"] for m in api.get("/api/v1/members", {"category": "retired"}).json()["items"]}
    assert ids == {world.members["a2_member"].pk}
    assert api_client("b_admin").get(f"/api/v1/members/{full_archive.pk}/records").status_code == 404


def test_the_api_detail_query_count_is_constant(world, full_archive, django_assert_max_num_queries):
    api = api_client("a_admin")
    with django_assert_max_num_queries(20):
        api.get(f"/api/v1/members/{full_archive.pk}")


def test_a_commissioner_changes_but_does_not_unmask(world, full_archive):
    commissioner = make_user("commissioner", role="commissioner", org=world.branch_a1)
    client = Client()
    client.force_login(commissioner)
    assert client.get(reverse("members:edit", args=[full_archive.pk])).status_code == 200
    body = client.get(reverse("members:detail", args=[full_archive.pk])).content.decode()
    assert "查看完整号码" not in body and clear_values(body) == []


def test_dates_in_the_future_are_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(world, lambda: update(world, converted=tomorrow), "converted", "转正日期不能晚于今天")
