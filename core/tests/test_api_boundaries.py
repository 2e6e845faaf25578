"""No input the schemas let through makes the API answer 500 (issue 20): every operation of the
OpenAPI document, called with each body the document allows at its edges — every text at its
longest, every number at its smallest and at its largest, the first and the last choice, the
earliest and the latest date — on real rows, answers something other than a server error."""

from datetime import date, datetime

import pytest
from django.test import Client

from core.api import YEARS
from dangjian.testing import PASSWORD


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def edge_value(document, schema, edge: str):
    """A value of ``schema`` at one edge of what it allows: "low", "high", or "null" (null where
    the schema takes it, else low)."""
    schema = _resolve(document, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [part for part in schema[key] if _resolve(document, part).get("type") != "null"]
            if edge == "null" or not branches:
                return None
            return edge_value(document, branches[0], edge)
    if "enum" in schema:
        return schema["enum"][-1 if edge == "high" else 0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: edge_value(document, part, edge) for name, part in schema.get("properties", {}).items()}
    if kind == "array":
        return [edge_value(document, schema["items"], edge)] if edge == "high" else []
    if kind in ("integer", "number"):
        return schema.get("maximum", 10**6) if edge == "high" else schema.get("minimum", 0)
    if kind == "boolean":
        return edge == "high"
    first, last = YEARS  # the years core.api lets a date fall in
    formats = {"date": (date(first, 1, 1), date(last, 12, 31)),
               # naive on purpose: a client may send a date-time without an offset
               "date-time": (datetime(first, 1, 1, 0, 0), datetime(last, 12, 31, 23, 59)),  # noqa: DTZ001
               "time": ("00:00", "23:59")}
    if schema.get("format") in formats:
        low, high = formats[schema["format"]]
        value = high if edge == "high" else low
        return value if isinstance(value, str) else value.isoformat()
    if kind == "string":
        return "党" * schema.get("maxLength", 10) if edge == "high" else ""
    return None


def path_values(world, busy) -> dict:
    from members.models import CorrectionRequest, MemberDocument, PositionHeld
    from orglife.models import Meeting
    from recruitment.models import Case, Notice, Objection
    from transfers.models import Letter

    member = world.members["a1_member"]
    meeting = Meeting.objects.first()
    return {
        "org_id": world.branch_a1.pk, "member_id": member.pk, "meeting_id": meeting.pk, "token": meeting.signin_token,
        "case_id": Case.objects.first().pk, "letter_id": Letter.objects.first().pk, "kind": "position",
        "record_id": PositionHeld.objects.first().pk, "notice_id": getattr(Notice.objects.first(), "pk", 1),
        "objection_id": getattr(Objection.objects.first(), "pk", 1),
        "correction_id": getattr(CorrectionRequest.objects.first(), "pk", 1),
        "document_id": getattr(MemberDocument.objects.first(), "pk", 1), "visit_id": busy["visit"],
        "article_id": busy["article"], "certificate_id": 1, "batch_id": 1, "notification_id": 1, "course_id": 1,
        "building_id": 1, "unit_id": 1, "village_id": 1, "payment_id": 1, "exam_id": 1, "attempt_id": 1, "study_id": 1, "class_id": 1, "pledge_id": 1, "post_id": 1, "checkin_id": 1, "order_id": 1,
        # oversight's: district A's plan, team and inspection, and its item at branch A1 (learning's and
        # regional's item_id too; visit_id is care's)
        "plan_id": busy["plan"], "team_id": busy["team"], "inspection_id": busy["inspection"], "item_id": busy["item"],
        "bulletin_id": busy["bulletin"],
        "soe_task_id": busy["soe_task"], "soe_share_id": busy["soe_share"],  # district A's task, share at HPGZ01
        # lagging's: branch A1's case (with its plan) and its first task
        "lagging_case_id": busy["lagging_case"], "lagging_task_id": busy["lagging_task"],
        # reviews': the city's closed round, 和平区's subject and its follow-up
        "report_round_id": busy["report_round"], "report_subject_id": busy["report_subject"],
        "report_followup_id": busy["report_followup"],
        # fivegood's: branch A1's submitted assessment, the city's standard, branch A2's exemplar
        "fivegood_standard_id": busy["fivegood_standard"], "fivegood_assessment_id": busy["fivegood_assessment"],
        "fivegood_exemplar_id": busy["fivegood_exemplar"],
    }


def token(persona):
    response = Client().post("/api/v1/auth/token", {"username": persona, "password": PASSWORD},
                             content_type="application/json")
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def busy(world, busy_world):
    from care.models import CareVisit
    from oversight.tests.test_bulletins import generate
    from oversight.tests.test_oversight import make_plan, make_setup, make_team
    from portal.models import Article

    oversight = make_setup(world)
    return {"visit": CareVisit.objects.first().pk, "article": Article.objects.first().pk,
            "plan": make_plan(world, org=world.district_a).pk, "team": make_team(world).pk,
            "inspection": oversight["inspection"].pk, "item": oversight["item"].pk,
            "bulletin": generate(world, org=world.district_a, actor="a_admin").pk,
            **soe_records(world), **lagging_records(world), **reviews_records(world), **fivegood_records(world)}


def fivegood_records(world) -> dict:
    from fivegood.tests.test_fivegood import records

    return records(world)


def reviews_records(world) -> dict:
    from reviews.tests.test_reviews import records

    return records(world)


def lagging_records(world) -> dict:
    from lagging.tests.test_lagging import open_case, plan, task

    case = open_case(world)
    plan(world, case)
    return {"lagging_case": case.pk, "lagging_task": task(world, case).pk}


def soe_records(world) -> dict:
    from soe.tests.test_soe import divide, make_committees

    task = divide(world, make_committees(world))
    return {"soe_task": task.pk, "soe_share": task.shares.order_by("pk").first().pk}


@pytest.mark.parametrize("edge", ["low", "high", "null"])
def test_no_body_the_schemas_allow_makes_a_server_error(world, busy, edge):
    document = Client().get("/api/v1/openapi.json").json()
    values = path_values(world, busy)
    clients = {persona: Client(headers=token(persona), raise_request_exception=False)
               for persona in ("a_admin", "secretary", "news_editor")}
    errors, called = [], 0
    for path, operations in document["paths"].items():
        if path.endswith(("/auth/token", "/auth/logout")):
            continue
        url = path.format(**values)
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for persona, client in clients.items():
                if "application/json" in content:
                    body = edge_value(document, content["application/json"]["schema"], edge)
                    response = getattr(client, method)(url, body, content_type="application/json")
                elif method == "get":
                    query = {p["name"]: edge_value(document, p["schema"], edge)
                             for p in operation.get("parameters", []) if p["in"] == "query"}
                    response = client.get(url, {k: v for k, v in query.items() if v not in (None, "")})
                else:
                    continue
                called += 1
                if response.status_code >= 500:
                    errors.append((method.upper(), url, persona, response.content[:200]))
    assert errors == []
    assert called > 100


def test_the_edges_are_what_the_schema_allows():
    document = {"components": {"schemas": {}}}
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 3}, "n": {"type": "integer", "minimum": 1, "maximum": 9},
        "kind": {"anyOf": [{"enum": ["a", "b"], "type": "string"}, {"type": "null"}]},
        "on": {"type": "string", "format": "date"}, "ids": {"type": "array", "items": {"type": "integer"}}}}
    assert edge_value(document, schema, "high") == {"name": "党党党", "n": 9, "kind": "b", "on": "2100-12-31",
                                                    "ids": [10**6]}
    assert edge_value(document, schema, "low") == {"name": "", "n": 1, "kind": "a", "on": "1900-01-01", "ids": []}
    assert edge_value(document, schema, "null")["kind"] is None
