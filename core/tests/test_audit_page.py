"""The audit administrator's page: filters by actor, object, org, action and time, and exports."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from core.models import AuditEntry


def test_only_the_auditor_reads_the_audit_trail(world):
    for name in ("sysadmin", "secadmin", "city_admin", "a_admin", "secretary", "member", "outsider"):
        assert world.client(name).get("/audit/").status_code == 404, name
    assert world.client("auditor").get("/audit/").status_code == 200


def test_it_filters_by_actor_action_and_org_subtree(world):
    client = world.client("auditor")
    response = client.get("/audit/", {"action": "member.create", "org": world.district_a.code})
    body = response.content.decode()
    # Three members were created in district A, one in district B.
    assert "共 3 条" in body
    assert world.members["b1_member"].name not in body
    response = client.get("/audit/", {"username": "city_admin", "action": "member.create"})
    assert "共 4 条" in response.content.decode()


def test_an_unknown_org_code_is_a_clear_error_not_a_500(world):
    response = world.client("auditor").get("/audit/", {"org": "NOPE"})
    assert response.status_code == 200
    assert "组织代码不存在" in response.content.decode()


def test_it_filters_by_local_date(world):
    client = world.client("auditor")
    today = timezone.localdate()
    assert "共 " in client.get("/audit/", {"since": today.isoformat()}).content.decode()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "没有符合条件的记录" in client.get("/audit/", {"since": tomorrow}).content.decode()


def test_the_export_is_a_csv_of_the_filtered_entries_and_is_itself_audited(world):
    client = world.client("auditor")
    before = AuditEntry.objects.filter(action="export").count()
    response = client.get("/audit/", {"action": "member.create", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "序号"
    assert len(rows) == 1 + 4
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    # No clear ID number ever reaches the audit trail or its export.
    for number in ("11010519491231002X", "120103198806060036"):
        assert number not in text
