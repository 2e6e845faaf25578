"""/healthz, /readyz and /metrics (issue 15.4): for a load balancer and Prometheus, without a
login, saying nothing about the data or the software; and one structured log line per request."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ops import views
from ops.models import Backup

WORDS = {"ok", "fail", "stale", "none"}


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _reveals_nothing(response) -> None:
    """Fixed words only: no figure, path, version or error text; not cached."""
    body = _json(response)
    assert set(body) <= {"status", "checks"}
    assert set(body.get("checks", {}).values()) <= WORDS
    assert not any(ch.isdigit() for ch in response.content.decode())
    assert response["Cache-Control"] == "no-store"
    assert "Server" not in response and "X-Powered-By" not in response


def test_healthz_answers_without_a_login_and_says_only_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ok"}
    _reveals_nothing(response)


def test_readyz_is_ready_when_the_database_queue_and_disk_answer_and_reports_the_backup(db):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ready", "checks": {
        "database": "ok", "tasks": "ok", "disk": "ok", "backup": "none"}}
    _reveals_nothing(response)


def test_readyz_says_stale_for_an_old_backup_without_leaving_the_balancer(db):
    moment = timezone.now() - timezone.timedelta(hours=25)
    Backup.objects.create(started=moment, finished=moment, status="ok", file_name="b", vendor="sqlite")
    response = Client().get("/readyz")
    assert (response.status_code, _json(response)["checks"]["backup"]) == (200, "stale")
    Backup.objects.create(started=timezone.now(), finished=timezone.now(), status="ok", file_name="c",
                          vendor="sqlite")
    assert _json(Client().get("/readyz"))["checks"]["backup"] == "ok"


def test_readyz_is_503_when_the_disk_is_short(db, settings):
    settings.READY_MIN_FREE_MB = 2**40  # a petabyte free: no disk here has it
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert _json(response)["checks"]["disk"] == "fail"
    _reveals_nothing(response)


def test_readyz_is_503_when_the_database_fails_and_the_answer_names_no_detail(db, monkeypatch, caplog):
    def broken():
        raise RuntimeError("connection to server at 10.0.0.5 failed: password for user dangjian")

    monkeypatch.setitem(views.CHECKS, "database", broken)
    with caplog.at_level(logging.ERROR, logger="dangjian.health"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert _json(response)["status"] == "unready"
    assert "10.0.0.5" not in response.content.decode()
    _reveals_nothing(response)
    assert "10.0.0.5" in caplog.text  # the operator finds the reason in the log


def test_the_probes_are_answered_over_plain_http_in_production(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301  # everything else goes to HTTPS


def test_the_probes_only_read(db):
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


def test_metrics_answer_the_configured_addresses_only(db, settings):
    settings.METRICS_ALLOWED = ["127.0.0.1", "10.9.0.0/16"]
    Client().get(reverse("accounts:login"))
    body = Client(REMOTE_ADDR="10.9.1.2").get("/metrics")
    assert body.status_code == 200
    text = body.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert "dangjian_backup_last_success_timestamp_seconds" in text
    assert Client(REMOTE_ADDR="10.8.1.2").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 404


def test_metrics_behind_a_proxy_go_by_the_client_not_the_proxy(db, settings):
    settings.METRICS_ALLOWED = ["127.0.0.1"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    outside = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert outside.get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200


def test_metrics_carry_no_personal_data(world, settings):
    settings.METRICS_ALLOWED = ["127.0.0.1"]
    client = world.client("a_admin")
    client.get(reverse("members:list") + "?q=张秀英")
    client.get(reverse("members:detail", args=[world.members["a1_member"].pk]))
    text = Client().get("/metrics").content.decode()
    assert "张秀英" not in text
    assert world.members["a1_member"].id_number_masked not in text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_logged_in_administrator_gets_the_same_answer(world, path):
    anonymous = Client().get(path)
    admin = world.client("sysadmin").get(path)
    assert admin.status_code == anonymous.status_code
    assert admin.content == anonymous.content


def test_every_request_logs_one_structured_line_with_its_request_id(world, caplog):
    client = world.client("a_admin")
    with caplog.at_level(logging.INFO, logger="dangjian.request"):
        response = client.get(reverse("members:list") + "?q=张秀英")
    lines = [r.getMessage() for r in caplog.records if r.name == "dangjian.request"]
    assert len(lines) == 1 and lines[0].startswith("request {")
    line = json.loads(lines[0][len("request "):])
    assert line == {"id": response["X-Request-ID"], "method": "GET", "path": reverse("members:list"),
                    "status": 200, "ms": line["ms"], "user": world.users["a_admin"].pk, "ip": "127.0.0.1"}
    assert "张秀英" not in caplog.text  # the query string (a searched name) is not logged
    assert caplog.records[-1].request_id == response["X-Request-ID"]  # the line's own prefix


def test_the_probes_log_below_info(db, caplog):
    with caplog.at_level(logging.INFO, logger="dangjian.request"):
        Client().get("/healthz")
    assert not [r for r in caplog.records if r.name == "dangjian.request"]
