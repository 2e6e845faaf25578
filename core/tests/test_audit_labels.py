"""The audit trail in words: every action the code base records has a Chinese label
(core.audit_labels), and the audit page shows labels, objects and changes a person can read."""

import re
from pathlib import Path

from django.urls import reverse

from core.audit_labels import ACTION_LABELS, RECORD_KINDS, describe_changes
from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "orgs", "members", "transfers", "care", "recruitment", "portal", "orglife", "dues", "oversight", "lagging", "fivegood", "reviews",
        "soe", "dangjian"]
LITERAL = re.compile(r'\brecord\(\s*"([a-z_.]+)"')
RECRUITMENT = re.compile(r'\b_audit\(\s*"([a-z_]+)"')
DECIDED = re.compile(r'\b_decide\([^)]*"(portal\.[a-z_]+)"')
FSTRING = re.compile(r'\brecord\(\s*f"')


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path, path.read_text()


def recorded_actions() -> set[str]:
    """Every action code the code base can record: literals, plus the few built from data."""
    from members.models import CorrectionRequest
    from members.services import RECORD_MODELS

    found = set()
    for _path, text in _sources():
        found |= set(LITERAL.findall(text)) | set(DECIDED.findall(text))
        found |= {f"recruitment.{action}" for action in RECRUITMENT.findall(text)}
    found |= {f"member.{kind}_{verb}" for kind in RECORD_MODELS for verb in ("add", "update", "delete")}
    found |= {f"member.correction_{s}" for s in CorrectionRequest.Status.values if s != "pending"}
    found |= {"orglife.review_approve", "orglife.review_return"}
    return found


def test_every_action_the_code_base_records_has_a_label():
    missing = sorted(recorded_actions() - set(ACTION_LABELS))
    assert missing == [], f"add these to core.audit_labels.ACTION_LABELS: {missing}"


def test_the_actions_built_from_data_are_the_ones_the_scan_expands():
    """Should a new f-string action appear, the scan above must learn it."""
    built = {str(path.relative_to(ROOT)): len(FSTRING.findall(text)) for path, text in _sources()
             if FSTRING.search(text)}
    assert built == {"members/services.py": 4, "orglife/services.py": 1, "recruitment/services.py": 1}
    from members.services import RECORD_MODELS

    assert set(RECORD_KINDS) == set(RECORD_MODELS)


def test_every_action_recorded_in_a_busy_world_has_a_label(busy_world, client):
    client.post(reverse("accounts:login"), {"username": "a_admin", "password": "wrong"})
    recorded = set(AuditEntry.objects.values_list("action", flat=True))
    assert len(recorded) > 10
    assert sorted(recorded - set(ACTION_LABELS)) == []


def test_the_audit_page_shows_labels_objects_and_readable_changes(world):
    from members import services

    member = world.members["a1_member"]
    services.member_update(actor=world.users["a_admin"], member=member, changes={"native_place": "天津"})
    body = world.client("auditor").get("/audit/", {"action": "member.update"}).content.decode()
    table = body.split("<tbody>")[1]
    assert "修改党员档案" in table and "member.update" not in table
    assert "党员 张秀英" in body
    assert "籍贯：（空） → 天津" in body


def test_a_change_reads_in_the_objects_own_field_names():
    entry = AuditEntry(object_type="members.member", changes={"joined": ["2010-07-01", "2011-07-01"],
                                                              "status": ["full", "moved_out"]})
    assert describe_changes(entry) == "入党日期：2010-07-01 → 2011-07-01；党员状态：正式党员 → 已转出"
    entry = AuditEntry(object_type="export", changes={"rows": 12, "unmasked": True})
    assert describe_changes(entry) == "行数：12；含完整号码：是"
