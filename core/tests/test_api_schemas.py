"""The API's schemas are derived from the models and the filter sets (core.api), so every field a
request may carry is bounded by the schema itself: choices as an enum, text at the column's
length, integers within the column's range. Bad input answers 422 in Chinese, never 500; the API
imports selectors and services, never views or forms."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from dangjian.testing import PASSWORD

BEYOND_64_BITS = 2**70


def api(persona):
    response = Client().post("/api/v1/auth/token", {"username": persona, "password": PASSWORD},
                             content_type="application/json")
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"}, raise_request_exception=False)


def meeting(world, **overrides):
    return {"org_id": world.branch_a1.pk, "kind": "theme_day", "held_on": str(timezone.localdate() - timedelta(days=2)),
            "place": "活动室", "host": "李建国", "recorder": "张秀英", "topic": "学习党章", **overrides}


def assert_invalid(response, field: str):
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["detail"] == "请求参数有误"
    assert any(error["loc"][-1] == field and f"“{field}”" in error["msg"] for error in body["errors"]), body


# --- the two reproducers of issue 20 ---------------------------------------------------------------

def test_it_refuses_a_meeting_of_a_kind_outside_the_meeting_kinds_with_422(world):
    from orglife.models import Meeting

    secretary = api("secretary")
    response = secretary.post("/api/v1/orglife/meetings", meeting(world, kind="tea_party"),
                              content_type="application/json")
    assert_invalid(response, "kind")
    assert "不是可选值" in response.json()["errors"][0]["msg"]
    assert not Meeting.objects.exists()


def test_it_refuses_changing_a_meeting_to_a_kind_outside_the_meeting_kinds_with_422(world):
    from orglife.models import Meeting

    secretary = api("secretary")
    created = secretary.post("/api/v1/orglife/meetings", meeting(world), content_type="application/json")
    assert created.status_code == 201, created.content
    response = secretary.patch(f"/api/v1/orglife/meetings/{created.json()['id']}", {"kind": "tea_party"},
                               content_type="application/json")
    assert_invalid(response, "kind")
    assert Meeting.objects.get().kind == "theme_day"


@pytest.mark.parametrize("field, value, named, limit", [
    ("number", BEYOND_64_BITS, "number", "25"),
    ("training_days", BEYOND_64_BITS, "training_days", "365"),
    ("training_hours", BEYOND_64_BITS, "training_hours", "2000"),
    ("training_hours", -BEYOND_64_BITS, "training_hours", "0"),
    ("people", [BEYOND_64_BITS], "people.0", str(2**63 - 1)),
])
def test_it_refuses_a_step_with_an_integer_beyond_64_bits_with_422_naming_the_field(world, field, value, named,
                                                                                   limit):
    from recruitment.models import Step
    from recruitment.tests.helpers import open_case

    case = open_case(world)
    steps = Step.objects.count()
    response = api("secretary").post(f"/api/v1/recruitment/cases/{case.pk}/steps",
                                     {"number": 2, "done_on": str(timezone.localdate()), field: value},
                                     content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"] == "请求参数有误"
    [error] = response.json()["errors"]
    assert error["msg"].startswith(f"“{named}”") and error["msg"].endswith(limit), error
    assert Step.objects.count() == steps


def test_it_refuses_a_date_beyond_the_platforms_years_with_422_not_a_date_overflow(world):
    from recruitment.models import Notice
    from recruitment.tests.helpers import open_case

    case = open_case(world)
    response = api("secretary").post(f"/api/v1/recruitment/cases/{case.pk}/notices",
                                     {"kind": 3, "starts_on": "2026-03-02", "ends_on": "9999-12-31"},
                                     content_type="application/json")
    assert_invalid(response, "ends_on")
    assert "年份须在 1900 至 2100 之间" in response.json()["errors"][0]["msg"]
    assert not Notice.objects.exists()


@pytest.mark.parametrize("path", [
    f"/api/v1/members/{BEYOND_64_BITS}", f"/api/v1/orgs/{BEYOND_64_BITS}",
    f"/api/v1/recruitment/cases/{BEYOND_64_BITS}", f"/api/v1/orglife/meetings/{BEYOND_64_BITS}",
    f"/api/v1/recruitment/plans?year={BEYOND_64_BITS}",
])
def test_an_id_or_a_number_beyond_64_bits_in_the_address_is_refused_not_a_server_error(world, path):
    response = api("a_admin").get(path)
    assert response.status_code in (404, 422), response.content[:300]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_member_id_beyond_64_bits_in_a_records_address_is_not_found_not_a_server_error(world, method):
    response = getattr(api("a_admin"), method)(f"/api/v1/members/{2**63}/records/position/1",
                                               content_type="application/json")
    assert response.status_code == 404, response.content[:300]


def test_a_notice_longer_than_the_calendar_counts_is_refused_with_422(world):
    from recruitment.models import Notice
    from recruitment.tests.helpers import open_case

    case = open_case(world)
    response = api("secretary").post(f"/api/v1/recruitment/cases/{case.pk}/notices",
                                     {"kind": 3, "starts_on": "1970-01-01", "ends_on": "2000-01-01"},
                                     content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert "公示期不能超过" in response.json()["detail"]
    assert not Notice.objects.exists()


def test_a_date_written_as_a_number_is_refused_not_read_as_seconds_since_1970(world):
    from recruitment.tests.helpers import open_case

    case = open_case(world)
    response = api("secretary").post(f"/api/v1/recruitment/cases/{case.pk}/notices",
                                     {"kind": 3, "starts_on": 0, "ends_on": "2026-03-09"},
                                     content_type="application/json")
    assert_invalid(response, "starts_on")
    assert "格式如 2020-07-01" in response.json()["errors"][0]["msg"]


def test_bad_input_is_named_field_by_field_in_chinese(world):
    response = api("a_admin").get("/api/v1/orgs", {"q": "x" * 51, "limit": "abc", "kind": "bogus"})
    assert response.status_code == 422
    assert {error["msg"].split("（")[0] for error in response.json()["errors"]} == {
        "“q”不能超过 50 个字符", "“limit”应为整数", "“kind”不是可选值"}


# --- every request field bounded by its schema ------------------------------------------------------

def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def unbounded(document, schema, where: str):
    """The places in ``schema`` a value of any size or any text could pass through."""
    schema = _resolve(document, schema)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found += unbounded(document, part, where)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for name, part in schema.get("properties", {}).items():
            found += unbounded(document, part, f"{where}.{name}")
        if isinstance(schema.get("additionalProperties"), dict):
            if "maxProperties" not in schema:
                found.append(f"{where}: no maxProperties")
            found += unbounded(document, schema["additionalProperties"], f"{where}.*")
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: no maxItems")
        found += unbounded(document, schema.get("items", {}), f"{where}[]")
    elif kind == "integer" and "enum" not in schema and not ("minimum" in schema and "maximum" in schema):
        found.append(f"{where}: integer without minimum and maximum")
    elif kind == "number" and "maximum" not in schema:
        found.append(f"{where}: number without maximum")
    elif kind == "string" and "enum" not in schema and "maxLength" not in schema \
            and schema.get("format") not in ("date", "date-time", "time", "binary"):
        found.append(f"{where}: string without enum or maxLength")
    return found


def request_schemas(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield f"{where} {parameter['in']} {parameter['name']}", parameter["schema"]
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                yield f"{where} {content_type}", content["schema"]


def test_every_field_a_request_may_carry_is_bounded_by_its_schema(db):
    document = Client().get("/api/v1/openapi.json").json()
    found = [problem for where, schema in request_schemas(document) for problem in unbounded(document, schema, where)]
    assert found == []
    assert sum(1 for _ in request_schemas(document)) > 100


def test_it_finds_an_unbounded_field_in_a_schema():
    """The walker above, on schemas of each kind it must refuse."""
    document = {"components": {"schemas": {"In": {"properties": {
        "name": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
        "ids": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 9}},
        "extra": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 9}},
        "kind": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]},
    }}}}}
    assert unbounded(document, {"$ref": "#/components/schemas/In"}, "In") == [
        "In.name: string without enum or maxLength", "In.count: integer without minimum and maximum",
        "In.ids: no maxItems", "In.extra: no maxProperties"]


def test_no_schema_of_the_api_carries_a_cipher_or_a_blind_index(db):
    document = Client().get("/api/v1/openapi.json").json()
    names = {name for schema in document["components"]["schemas"].values() for name in schema.get("properties", {})}
    assert "id_number_masked" in names
    assert [name for name in names if name.endswith(("_cipher", "_index"))] == []


def test_the_enums_of_the_api_are_the_models_choices(db):
    from orglife.models import MeetingKind

    document = Client().get("/api/v1/openapi.json").json()
    kind = document["components"]["schemas"]["MeetingIn"]["properties"]["kind"]
    assert kind["enum"] == MeetingKind.values


# --- the API's imports ------------------------------------------------------------------------------

def api_modules():
    for app in settings.INSTALLED_APPS:
        folder = Path(settings.BASE_DIR) / app.split(".")[0]
        yield from sorted(folder.glob("*api*.py")) if folder.is_dir() else ()


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def views_or_forms(names: set[str]) -> set[str]:
    return {name for name in names
            if any(part in ("views", "forms") or part.endswith(("_views", "_forms")) for part in name.split("."))}


def test_no_api_module_imports_a_views_or_a_forms_module():
    modules = {path: imported_modules(path) for path in api_modules()}
    assert len(modules) >= 9
    assert {str(path): views_or_forms(names) for path, names in modules.items() if views_or_forms(names)} == {}


def test_it_catches_a_views_or_forms_import_wherever_it_stands(tmp_path):
    source = tmp_path / "api.py"
    source.write_text("from orglife.views import x\nimport members.import_views\n"
                      "def f():\n    from orglife.forms import recording_orgs\n", encoding="utf-8")
    assert views_or_forms(imported_modules(source)) == {
        "orglife.views", "orglife.views.x", "members.import_views", "orglife.forms", "orglife.forms.recording_orgs"}


# --- every answer documented --------------------------------------------------------------------

def test_every_operation_documents_the_refusals_it_can_answer(db):
    document = Client().get("/api/v1/openapi.json").json()
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            wanted = {"401", "403", "404"} if operation.get("security") else set()
            wanted |= {"404"} if "{" in path else set()
            wanted |= {"400", "413"} if operation.get("requestBody") else set()
            wanted |= {"422"} if operation.get("parameters") or operation.get("requestBody") else set()
            missing += [f"{method.upper()} {path} {code}" for code in sorted(wanted - codes)]
    assert missing == []
    invalid = document["paths"]["/api/v1/orgs"]["get"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/Invalid"}
    assert set(document["components"]["schemas"]["Invalid"]["properties"]) == {"detail", "errors"}


def test_every_answer_has_a_schema_that_names_its_fields(db):
    document = Client().get("/api/v1/openapi.json").json()
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                schemas = [content["schema"] for content in answer.get("content", {}).values()]
                if code != "204" and not schemas:
                    vague.append(f"{method.upper()} {path} {code}: no schema")
                for schema in schemas:
                    schema = _resolve(document, schema)
                    if schema.get("type") == "object" and not schema.get("properties"):
                        vague.append(f"{method.upper()} {path} {code}: an object of any fields")
    assert vague == []


def test_a_download_documents_each_content_type_its_file_may_have(db):
    document = Client().get("/api/v1/openapi.json").json()
    answer = document["paths"]["/api/v1/members/documents/{document_id}"]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"application/pdf", "image/png", "image/jpeg"}


def test_a_time_of_day_is_documented_as_it_is_written_and_taken_without_an_offset(world):
    document = Client().get("/api/v1/openapi.json").json()
    start_time = document["components"]["schemas"]["MeetingOut"]["properties"]["start_time"]
    assert "format" not in start_time and start_time["pattern"]  # JSON Schema's "time" needs an offset
    response = api("secretary").post("/api/v1/orglife/meetings", meeting(world, start_time="09:30+08:00"),
                                     content_type="application/json")
    assert_invalid(response, "start_time")
    created = api("secretary").post("/api/v1/orglife/meetings", meeting(world, start_time="09:30"),
                                    content_type="application/json")
    assert created.json()["start_time"] == "09:30:00"
