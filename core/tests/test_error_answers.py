"""Errors a client can read and a user can quote: every answer under /api/ is JSON, whatever goes
wrong (issue 21 item 8), and the 500 page and the log line of the exception carry the request id
(issue 10 item 14)."""

import io
import logging
from unittest import mock

import pytest
from django.db import connection  # noqa: F401 (the skipif conditions name it)
from django.test import Client

from dangjian.testing import PASSWORD


@pytest.fixture
def api_client(world):
    response = Client().post("/api/v1/auth/token", {"username": "a_admin", "password": PASSWORD},
                             content_type="application/json")
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"},
                  raise_request_exception=False)


def detail(response) -> str:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["detail"]


@pytest.fixture
def console_log():
    """What the configured console handler writes (the log line operators search)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


# --- JSON under the API -------------------------------------------------------------------------

def test_a_body_over_ten_megabytes_answers_json_under_the_api(api_client):
    body = '{"name": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = api_client.post("/api/v1/members", body, content_type="application/json")
    assert response.status_code == 413
    assert "10 MB" in detail(response)


def test_a_non_integer_id_answers_json_404_under_the_api(api_client):
    response = api_client.get("/api/v1/orgs/abc")
    assert response.status_code == 404
    assert detail(response) == "未找到，或不在您的管理范围内"


def test_an_unknown_api_path_answers_json_404_without_a_token(db):
    response = Client().get("/api/v1/nowhere")
    assert response.status_code == 404
    assert detail(response) == "未找到，或不在您的管理范围内"


def test_a_method_the_operation_does_not_take_answers_json_405(api_client):
    response = api_client.delete("/api/v1/orgs")
    assert response.status_code == 405
    assert detail(response) == "不支持该请求方法"
    assert "GET" in response["Allow"]


def test_a_server_error_answers_json_with_the_request_id_under_the_api(api_client, console_log):
    with mock.patch("orgs.api.filtered", side_effect=RuntimeError("boom")):
        response = api_client.get("/api/v1/orgs")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert request_id in detail(response)
    assert response.json()["request_id"] == request_id
    assert request_id in console_log.getvalue()


def test_pages_outside_the_api_keep_their_html_error_pages(world):
    response = world.client("a_admin").get("/orgs/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- the request id on the 500 page and in the log ----------------------------------------------

def test_the_500_page_shows_the_request_id(world, console_log):
    client = world.client("a_admin")
    client.raise_request_exception = False
    with mock.patch("orgs.selectors.tree_roots", side_effect=RuntimeError("boom")):
        response = client.get("/", HTTP_X_REQUEST_ID="support-case-12345")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "support-case-12345"
    page = response.content.decode()
    assert "服务器错误" in page
    assert "请求编号" in page and "support-case-12345" in page


def test_the_log_line_of_the_exception_carries_the_request_id(world, console_log):
    client = world.client("a_admin")
    client.raise_request_exception = False
    with mock.patch("orgs.selectors.tree_roots", side_effect=RuntimeError("boom")):
        client.get("/", HTTP_X_REQUEST_ID="support-case-67890")
    lines = console_log.getvalue().splitlines()
    error_line = next(line for line in lines if "Internal Server Error" in line)
    assert "support-case-67890" in error_line
    assert "RuntimeError: boom" in console_log.getvalue()


def test_the_warning_line_of_a_refused_request_carries_its_request_id(db, console_log):
    response = Client().get("/api/v1/nowhere", HTTP_X_REQUEST_ID="support-case-24680")
    assert response.status_code == 404
    line = next(line for line in console_log.getvalue().splitlines() if "Not Found" in line)
    assert "support-case-24680" in line


# --- the OpenAPI document -----------------------------------------------------------------------

def test_no_two_schemas_of_the_openapi_document_share_a_name(db):
    """ninja files each model's schema under its class name, and a second class of the same name
    silently replaces the first (two ReviewIn described the recruitment review with orglife's
    fields). Record every definition it files and refuse a name with two different ones."""
    from ninja.openapi.schema import OpenAPISchema

    from dangjian.api import api

    filed: dict[str, list] = {}
    original = OpenAPISchema.add_schema_definitions

    def record(self, definitions):
        for name, definition in definitions.items():
            if definition not in filed.setdefault(name, []):
                filed[name].append(definition)
        return original(self, definitions)

    with mock.patch.object(OpenAPISchema, "add_schema_definitions", record):
        api.get_openapi_schema()
    assert len(filed) > 50
    assert {name: len(kinds) for name, kinds in filed.items() if len(kinds) > 1} == {}


# --- the database out of reach: 503 with Retry-After (the drill F2, docs/benchmarks.md) ----------

def test_an_unreachable_database_answers_503_json_with_retry_after_under_the_api(api_client):
    from django.db import OperationalError

    with mock.patch("orgs.api.filtered", side_effect=OperationalError("database is locked")):
        response = api_client.get("/api/v1/orgs")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert detail(response) == "数据库暂时无法访问，请稍后再试"


def test_a_lost_connection_answers_the_503_page_with_retry_after(world):
    from django.db import InterfaceError

    client = world.client("a_admin")
    client.raise_request_exception = False
    with mock.patch("orgs.selectors.tree_roots", side_effect=InterfaceError("connection already closed")):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务暂时不可用" in response.content.decode()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="on PostgreSQL every OperationalError is the server's")
def test_a_bad_statement_on_sqlite_stays_a_server_error(world):
    from django.db import OperationalError

    client = world.client("a_admin")
    client.raise_request_exception = False
    with mock.patch("orgs.selectors.tree_roots", side_effect=OperationalError("no such column: x")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
