"""The archive API beyond the member itself: documents, correction requests and records.

Same scope as the pages (members/tests/test_archive.py): read with member.view (a member reads
their own archive), write with member.change, out of scope is 404 and writes nothing; refusals
of the services answer 422 with their Chinese message; no clear ID or phone number in any answer.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from dangjian.testing import refusal_text
from members import services
from members.models import CorrectionRequest, Member, MemberDocument, MemberEvent, PositionHeld
from members.tests.test_archive import (
    NEW_ID,
    PHONE,
    PNG,
    api_client,
    clear_values,
    last_audit,
    png_upload,
    state,
    update,
)

READS = {"api:document_list", "api:member_corrections", "api:document_download"}
WRITES = {"api:document_upload", "api:document_delete", "api:record_add", "api:record_update",
          "api:record_delete", "api:correction_approve", "api:correction_decline"}
OWN = {"api:correction_create"}
INBOX = {"api:correction_list"}
SCOPE_TESTED = READS | WRITES | OWN | INBOX

PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"]
# Written out so the oracle does not ask the code under test (dangjian/testing.py).
GRANTED = {"city_admin": "city", "a_admin": "district_a", "b_admin": "district_b", "secretary": "branch_a1"}
OWN_MEMBER = {"member": "a1_member", "secretary": "a1_secretary"}


def may_change(world, persona: str, member: Member) -> bool:
    return persona in GRANTED and member.org.path.startswith(getattr(world, GRANTED[persona]).path)


def may_view(world, persona: str, member: Member) -> bool:
    own = persona in OWN_MEMBER and world.members[OWN_MEMBER[persona]].pk == member.pk
    return own or may_change(world, persona, member)


def is_own(world, persona: str, member: Member) -> bool:
    return persona in OWN_MEMBER and world.members[OWN_MEMBER[persona]].pk == member.pk


@pytest.fixture
def archive(world):
    """In every member's archive, by the city admin: two positions, two documents and two
    pending correction requests (one to act on, one to delete or decline)."""
    actor = world.users["city_admin"]
    objects = {}
    for member in Member.objects.select_related("org"):
        objects[member.pk] = {
            "member": member,
            "positions": [services.position_add(actor=actor, member=member,
                                                data={"title": f"委员{i}", "started": "2015-01-01"})
                          for i in range(2)],
            "documents": [services.document_add(actor=actor, member=member, upload=png_upload(), title=f"扫描件{i}")
                          for i in range(2)],
            "corrections": [CorrectionRequest.objects.create(member=member, field_name="native_place",
                                                             requested_value=f"天津{i}") for i in range(2)],
        }
    return objects


def _expect(allowed: bool, ok: int) -> int:
    return ok if allowed else 404


# --- scope, persona by persona ------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_archive_api_operation_answers_in_scope_and_404s_out_of_scope(world, archive, persona):
    api = api_client(persona)
    violations = []

    def check(name, status, expected, pk):
        if status != expected:
            violations.append((name, pk, status, expected))

    for pk, owned in archive.items():
        member = owned["member"]
        view, change, own = may_view(world, persona, member), may_change(world, persona, member), \
            is_own(world, persona, member)
        position, spare_position = owned["positions"]
        document, spare_document = owned["documents"]
        correction, spare_correction = owned["corrections"]
        check("document_list", api.get(reverse("api:document_list", args=[pk])).status_code,
              _expect(view, 200), pk)
        check("member_corrections", api.get(reverse("api:member_corrections", args=[pk])).status_code,
              _expect(view, 200), pk)
        check("document_download", api.get(reverse("api:document_download", args=[document.pk])).status_code,
              _expect(view, 200), pk)
        response = api.post(reverse("api:document_upload", args=[pk]),
                            {"title": "新材料", "kind": "other", "file": png_upload()})
        check("document_upload", response.status_code, _expect(change, 201), pk)
        check("document_delete", api.delete(reverse("api:document_delete", args=[spare_document.pk])).status_code,
              _expect(change, 204), pk)
        response = api.post(reverse("api:record_add", args=[pk, "family"]), {"relation": "儿子", "name": "小明"},
                            content_type="application/json")
        check("record_add", response.status_code, _expect(change, 201), pk)
        response = api.patch(reverse("api:record_update", args=[pk, "position", position.pk]),
                             {"unit": "社区"}, content_type="application/json")
        check("record_update", response.status_code, _expect(change, 200), pk)
        response = api.delete(reverse("api:record_delete", args=[pk, "position", spare_position.pk]))
        check("record_delete", response.status_code, _expect(change, 204), pk)
        response = api.post(reverse("api:correction_approve", args=[correction.pk]), {},
                            content_type="application/json")
        check("correction_approve", response.status_code, _expect(change, 200), pk)
        response = api.post(reverse("api:correction_decline", args=[spare_correction.pk]), {"note": "不符"},
                            content_type="application/json")
        check("correction_decline", response.status_code, _expect(change, 200), pk)
        response = api.post(reverse("api:correction_create", args=[pk]),
                            {"field_name": "occupation", "requested_value": "教师"}, content_type="application/json")
        check("correction_create", response.status_code, _expect(own, 201), pk)
    assert violations == []
    # Out of scope, nothing was written: the archives the persona may not change are as they were.
    for owned in archive.values():
        member = owned["member"]
        if may_change(world, persona, member):
            continue
        assert PositionHeld.objects.filter(member=member).count() == 2
        assert MemberDocument.objects.filter(member=member).count() == 2
        assert not CorrectionRequest.objects.filter(member=member).exclude(status="pending").exists()
        assert CorrectionRequest.objects.filter(member=member).count() == 2 + is_own(world, persona, member)
        assert Member.objects.get(pk=member.pk).native_place == ""


def test_a_record_under_another_members_id_is_not_found(world, archive):
    a1, b1 = world.members["a1_member"].pk, world.members["b1_member"].pk
    api = api_client("city_admin")
    foreign = archive[b1]["positions"][0]
    assert api.patch(reverse("api:record_update", args=[a1, "position", foreign.pk]), {"unit": "x"},
                     content_type="application/json").status_code == 404
    assert api.delete(reverse("api:record_delete", args=[a1, "position", foreign.pk])).status_code == 404
    assert api.post(reverse("api:record_add", args=[a1, "nonsense"]), {}, content_type="application/json"
                    ).status_code == 404
    assert PositionHeld.objects.filter(pk=foreign.pk, unit="").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_correction_inbox_lists_the_pending_requests_of_the_orgs_one_may_change(world, archive, persona):
    response = api_client(persona).get(reverse("api:correction_list"), {"limit": 200})
    if persona not in GRANTED:
        assert response.status_code == 404
        return
    expected = {c.pk for owned in archive.values() for c in owned["corrections"]
                if may_change(world, persona, owned["member"])}
    assert {item["id"] for item in response.json()["items"]} == expected
    decided = archive[world.members["a1_member"].pk]["corrections"][0]
    services.correction_decline(actor=world.users["city_admin"], request=decided, note="不符")
    listed = {item["id"] for item in api_client(persona).get(reverse("api:correction_list"), {"limit": 200})
              .json()["items"]}
    assert listed == expected - {decided.pk}


def test_the_member_lists_their_own_requests_and_nobody_elses(world, archive):
    api = api_client("member")
    own = world.members["a1_member"]
    response = api.post(reverse("api:correction_create", args=[own.pk]),
                        {"field_name": "native_place", "requested_value": "天津市和平区", "reason": "户籍"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["field_label"] == "籍贯" and response.json()["status"] == "pending"
    listed = api.get(reverse("api:member_corrections", args=[own.pk])).json()
    assert {item["id"] for item in listed} == {c.pk for c in CorrectionRequest.objects.filter(member=own)}
    assert api.get(reverse("api:member_corrections", args=[world.members["a2_member"].pk])).status_code == 404
    assert MemberEvent.objects.filter(member=own, kind="correction_request").count() == 1


# --- the workflows through the API --------------------------------------------------------------


def test_an_approved_correction_changes_the_archive_through_the_rules(world):
    member = world.members["a1_member"]
    correction = services.correction_create(actor=world.users["member"], member=member, field_name="native_place",
                                            requested_value="天津市和平区")
    response = api_client("secretary").post(reverse("api:correction_approve", args=[correction.pk]),
                                            {"note": "已核实"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Member.objects.get(pk=member.pk).native_place == "天津市和平区"
    assert last_audit().action == "member.correction_approved"


@pytest.mark.parametrize("call, fragment", [
    ("decline_without_note", "不采纳时请填写理由"),
    ("approve_breaking_a_rule", "转正日期不能早于入党日期"),
    ("approve_twice", "该申请已处理"),
])
def test_refused_decisions_are_422_in_chinese_and_write_nothing(world, call, fragment):
    member = world.members["a1_member"]
    value = "2009-01-01" if call == "approve_breaking_a_rule" else "天津"
    field = "converted" if call == "approve_breaking_a_rule" else "native_place"
    correction = services.correction_create(actor=world.users["member"], member=member, field_name=field,
                                            requested_value=value)
    api = api_client("secretary")
    if call == "approve_twice":
        api.post(reverse("api:correction_approve", args=[correction.pk]), {}, content_type="application/json")
    before = state(member)
    name = "api:correction_decline" if call == "decline_without_note" else "api:correction_approve"
    response = api.post(reverse(name, args=[correction.pk]), {"note": ""}, content_type="application/json")
    assert response.status_code == 422 and fragment in response.json()["detail"], response.content
    assert state(member) == before


@pytest.mark.parametrize("payload, fragment", [
    ({"field_name": "id_number", "requested_value": NEW_ID}, "携带证件到党支部办理"),
    ({"field_name": "other", "requested_value": f"电话改为{PHONE}"}, "请不要在申请中填写身份证号或手机号"),
    ({"field_name": "native_place", "requested_value": ""}, "请填写应更正为的内容"),
])
def test_a_bad_correction_request_is_422_in_chinese_and_nothing_is_stored(world, payload, fragment):
    member, api = world.members["a1_member"], api_client("member")
    before = state(member)
    response = api.post(reverse("api:correction_create", args=[member.pk]), payload, content_type="application/json")
    assert response.status_code == 422 and fragment in response.json()["detail"]
    assert state(member) == before


def test_records_are_added_updated_and_deleted_with_timeline_and_audit(world):
    member = world.members["a1_member"]
    api = api_client("secretary")
    response = api.post(reverse("api:record_add", args=[member.pk, "travel"]),
                        {"destination": "新加坡", "purpose": "探亲", "departed": "2019-01-01"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["destination"], body["departed"], body["returned"]) == ("新加坡", "2019-01-01", None)
    assert last_audit().action == "member.travel_add"
    url = reverse("api:record_update", args=[member.pk, "travel", body["id"]])
    response = api.patch(url, {"returned": "2019-01-20"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["returned"] == "2019-01-20"
    assert MemberEvent.objects.filter(member=member).order_by("-pk").first().kind == "travel_update"
    response = api.delete(reverse("api:record_delete", args=[member.pk, "travel", body["id"]]))
    assert response.status_code == 204
    assert last_audit().action == "member.travel_delete"
    assert not member.travels.exists()


@pytest.mark.parametrize("kind, payload, fragment", [
    ("travel", {"destination": "日本", "purpose": "旅游", "departed": "2020-05-10", "returned": "2020-05-01"},
     "入境日期不能早于出境日期"),
    ("travel", {"destination": "日本", "purpose": "旅游", "departed": "not a date"}, "应为日期"),
    ("position", {"title": "委员", "started": "2020-01-01", "salary": 1}, "该项不存在"),
    ("position", {"title": "", "started": "2020-01-01"}, "不能为空"),
    ("appraisal", {"year": 2022, "result": "excellent"}, "2022年度已有民主评议结果"),
    ("appraisal", {"year": 2023, "result": "perfect"}, "不是有效选项"),
])
def test_a_bad_record_is_422_in_chinese_and_nothing_is_written(world, kind, payload, fragment):
    member = world.members["a1_member"]
    services.appraisal_add(actor=world.users["a_admin"], member=member, data={"year": 2022, "result": "qualified"})
    api = api_client("a_admin")
    before = state(member)
    response = api.post(reverse("api:record_add", args=[member.pk, kind]), payload, content_type="application/json")
    assert response.status_code == 422, response.content
    assert fragment in response.json()["detail"], response.json()
    assert state(member) == before


# --- documents ---------------------------------------------------------------------------------


def test_a_document_is_uploaded_listed_downloaded_as_an_attachment_and_deleted(
        world, django_capture_on_commit_callbacks):
    from core import files

    member = world.members["a1_member"]
    api = api_client("a_admin")
    response = api.post(reverse("api:document_upload", args=[member.pk]),
                        {"title": "入党志愿书", "kind": "form", "file": png_upload("form.png")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["kind"], body["file_name"], body["size"]) == ("入党志愿书", "form", "form.png", len(PNG))
    assert "stored_name" not in body and "sha256" not in body
    assert [d["id"] for d in api.get(reverse("api:document_list", args=[member.pk])).json()] == [body["id"]]
    response = api_client("member").get(reverse("api:document_download", args=[body["id"]]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PNG
    assert last_audit().action == "member.document_download" and last_audit().username == "member"
    stored = MemberDocument.objects.get(pk=body["id"]).stored_name
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(reverse("api:document_delete", args=[body["id"]])).status_code == 204
    assert not MemberDocument.objects.exists() and not files.path_of(stored).exists()
    assert last_audit().action == "member.document_delete"


@pytest.mark.parametrize("name, content, data, fragment", [
    ("polyglot.png", PNG + b"<html><script>alert(1)</script></html>", {}, "夹带网页或脚本"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', {}, "文件类型不支持"),
    ("scan.png", PNG, {"title": "  "}, "请填写标题"),
    ("scan.png", PNG, {"kind": "secret"}, "“kind”不是可选值"),  # the schema's enum (core.api.model_in)
])
def test_a_refused_upload_is_422_in_chinese_and_keeps_nothing(world, name, content, data, fragment):
    from core import files

    member, api = world.members["a1_member"], api_client("a_admin")
    before, kept = state(member), set(files.root().iterdir())
    payload = {"title": "材料", "kind": "other", "file": SimpleUploadedFile(name, content), **data}
    response = api.post(reverse("api:document_upload", args=[member.pk]), payload)
    assert response.status_code == 422, response.content
    assert fragment in refusal_text(response)
    assert state(member) == before and set(files.root().iterdir()) == kept


def test_an_upload_without_a_file_is_422_not_a_server_error(world):
    response = api_client("a_admin").post(reverse("api:document_upload", args=[world.members["a1_member"].pk]),
                                          {"title": "材料"})
    assert response.status_code == 422


def test_a_download_out_of_scope_is_404_and_not_audited(world, archive):
    document = archive[world.members["b1_member"].pk]["documents"][0]
    before = AuditEntry.objects.filter(action="member.document_download").count()
    for persona in ("a_admin", "secretary", "member", "outsider"):
        response = api_client(persona).get(reverse("api:document_download", args=[document.pk]))
        assert response.status_code == 404 and response.json()["detail"] == "未找到，或不在您的管理范围内"
    assert AuditEntry.objects.filter(action="member.document_download").count() == before


# --- masking and authentication ------------------------------------------------------------------


def test_no_archive_api_answer_carries_a_clear_id_or_phone(world, archive):
    member = world.members["a1_member"]
    update(world, phone=PHONE)
    update(world, id_number=NEW_ID)  # the old and new numbers are both on the timeline, masked
    services.correction_create(actor=world.users["member"], member=member, field_name="address",
                               requested_value="和平区南京路2号")
    bodies = []
    for persona in ("city_admin", "secretary", "member"):
        api = api_client(persona)
        for url in (reverse("api:member_detail", args=[member.pk]), reverse("api:member_records", args=[member.pk]),
                    reverse("api:document_list", args=[member.pk]),
                    reverse("api:member_corrections", args=[member.pk])):
            bodies.append(api.get(url).content.decode())
        if persona != "member":
            bodies.append(api.get(reverse("api:correction_list")).content.decode())
    api = api_client("a_admin")
    response = api.post(reverse("api:record_add", args=[member.pk, "family"]), {"relation": "女儿", "name": "张小英"},
                        content_type="application/json")
    bodies.append(response.content.decode())
    correction = CorrectionRequest.objects.filter(member=member, status="pending").first()
    bodies.append(api.post(reverse("api:correction_approve", args=[correction.pk]), {},
                           content_type="application/json").content.decode())
    text = "\n".join(bodies)
    assert "138****5678" in text and "120101********0018" in text
    assert clear_values(text) == []
    assert clear_values(json.dumps([e.summary for e in MemberEvent.objects.all()], ensure_ascii=False)) == []


def test_the_archive_api_needs_a_token(world, archive):
    owned = archive[world.members["a1_member"].pk]
    pk = owned["member"].pk
    client = Client()
    for method, url in [
        ("get", reverse("api:document_list", args=[pk])),
        ("post", reverse("api:document_upload", args=[pk])),
        ("get", reverse("api:document_download", args=[owned["documents"][0].pk])),
        ("delete", reverse("api:document_delete", args=[owned["documents"][0].pk])),
        ("get", reverse("api:member_corrections", args=[pk])),
        ("post", reverse("api:correction_create", args=[pk])),
        ("get", reverse("api:correction_list")),
        ("post", reverse("api:correction_approve", args=[owned["corrections"][0].pk])),
        ("post", reverse("api:correction_decline", args=[owned["corrections"][0].pk])),
        ("post", reverse("api:record_add", args=[pk, "position"])),
        ("patch", reverse("api:record_update", args=[pk, "position", owned["positions"][0].pk])),
        ("delete", reverse("api:record_delete", args=[pk, "position", owned["positions"][0].pk])),
    ]:
        assert getattr(client, method)(url).status_code == 401, url
    assert MemberDocument.objects.count() == 2 * Member.objects.count()


def test_dates_in_records_follow_the_services_rules(world):
    tomorrow = date.fromordinal(timezone.localdate().toordinal() + 1).isoformat()
    response = api_client("a_admin").post(
        reverse("api:record_add", args=[world.members["a1_member"].pk, "travel"]),
        {"destination": "日本", "purpose": "旅游", "departed": tomorrow}, content_type="application/json")
    assert response.status_code == 422 and "出境日期不能晚于今天" in response.json()["detail"]
