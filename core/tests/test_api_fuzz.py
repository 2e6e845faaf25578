"""The API keeps the contract its OpenAPI document states (issue 20), checked by schemathesis: every
operation of the document, called with input derived from its schemas by each kind of caller (the
demo roles, each with a token, and anonymously), answers

- never a server error (``not_a_server_error``),
- only with a status the document lists for it (``status_code_conformance``),
- with a content type the document lists for that status (``content_type_conformance``),
- with a body that matches the documented schema (``response_schema_conformance``).

First the valid writes of ``WRITES`` (each must succeed, so that a write's success answer is
checked too), then two of schemathesis's phases: *coverage* (the edges of every schema — the
longest text, the largest number and one past it, each choice and one outside them, a missing
field, a wrong type) and *fuzzing* (random valid and invalid input). Ids in the address are real
rows (the fixtures'), so that the operation runs past its 404, except in the cases that probe the
address itself.

The app is called in process through schemathesis's WSGI transport, inside the test's transaction.
``DANGJIAN_FUZZ_EXAMPLES`` sets the fuzzing examples per operation, caller and mode, and
``DANGJIAN_FUZZ_COVERAGE`` the coverage cases per operation and caller (spread evenly over all of
them; ``all`` for every one), the administrators' callers taking at most 2 and 4 of them; the defaults keep the run within a few minutes on two cores. A
failure names the operation, the caller, the check and a curl command that reproduces it. Select
the test with ``-m fuzz``, leave it out with ``-m "not fuzz"``."""

import os
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as account_services
from accounts.models import User
from core.tests.test_scoping import story  # noqa: F401 (a fixture)

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("DANGJIAN_FUZZ_EXAMPLES", "6"))
COVERAGE = os.environ.get("DANGJIAN_FUZZ_COVERAGE", "12")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The demo roles: the city's and a district's org admin (org_admin), a branch secretary
# (secretary), a member (no grant), a portal editor; the three administrators (三员), who are
# issued no token now but may hold one issued before (every operation refuses it: 403); and no
# token at all.
BUSINESS = ["city_admin", "a_admin", "secretary", "member", "news_editor"]
ADMINS = ["sysadmin", "secadmin", "auditor"]
CALLERS = [*BUSINESS, *ADMINS, None]
# The administrators' tokens are refused by every operation but the public ones: fewer cases each
# show that (a third of the run's time went to them).
ADMIN_EXAMPLES, ADMIN_COVERAGE = min(EXAMPLES, 2), min(int(COVERAGE), 4) if COVERAGE != "all" else 4
# Logging out revokes the token it is called with: it gets a token of its own on each call.
OWN_TOKEN = {"/api/v1/auth/logout"}


def _token(caller: str) -> dict:
    if caller in ADMINS:
        from accounts.tests.test_separation import planted_token

        return {"Authorization": planted_token(caller)["HTTP_AUTHORIZATION"]}
    raw = account_services.token_issue(user=User.objects.get(username=caller))
    return {"Authorization": f"Bearer {raw}"}


@contextmanager
def _connection_kept():
    """The WSGI handler closes the database connection after a request made inside a transaction
    (close_old_connections); on PostgreSQL that would end the test's transaction. As Django's test
    client does, the receiver is taken off while the app answers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


TODAY = timezone.localdate()
# Writes that succeed, by operation: (caller, path parameters beyond the real ids, body). Random
# input rarely passes the services' rules, so without these a write's success answer (201 and its
# body) would seldom be checked against the document.
WRITES = {
    "POST /api/v1/orglife/meetings": [("secretary", {}, lambda ids: {
        "org_id": ids["org_id"], "kind": "theme_day", "held_on": str(TODAY - timedelta(days=2)),
        "start_time": "14:30", "place": "活动室", "host": "李建国", "recorder": "张秀英", "topic": "学习党章"})],
    "POST /api/v1/orglife/meetings/{meeting_id}/return": [("a_admin", {}, {"comment": "请补充会议记录"})],
    "POST /api/v1/care/visits": [("secretary", {}, lambda ids: {
        "member_id": ids["member_id"], "visited": str(TODAY), "visitors": "王委员", "occasion": "july_first"})],
    "POST /api/v1/members/{member_id}/records/{kind}": [
        ("secretary", {"kind": "position"}, {"title": "组织委员", "started": "2021-01-01"})],
    "PATCH /api/v1/members/{member_id}/records/{kind}/{record_id}": [
        ("secretary", {"kind": "position"}, {"title": "宣传委员"})],
    "POST /api/v1/recruitment/plans": [("a_admin", {}, lambda ids: {
        "org_id": ids["district_id"], "year": TODAY.year + 1, "total": 5, "quotas": {"farmer": 1}})],
}


class Fuzz:
    """One caller's run: the calls, and the first failure of each (operation, check)."""

    def __init__(self, caller: str | None, ids: dict):
        self.caller = caller
        self.ids = ids
        self.headers = _token(caller) if caller else None
        self.statuses: Counter = Counter()
        self.succeeded: set[str] = set()
        self.failures: dict[tuple[str, str], str] = {}
        self.examples = ADMIN_EXAMPLES if caller in ADMINS else EXAMPLES
        self.coverage_cases = str(ADMIN_COVERAGE) if caller in ADMINS else COVERAGE

    def call(self, operation, case):
        headers = self.headers
        if self.caller and operation.path in OWN_TOKEN:
            headers = _token(self.caller)
        response = case.call(headers=headers)
        self.statuses[response.status_code] += 1
        if response.status_code < 300:
            self.succeeded.add(operation.label)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (operation.label, type(failure).__name__)
                if key not in self.failures:
                    self.failures[key] = f"{failure.title}: {failure.message}\n" \
                                         f"    {case.as_curl_command(headers=headers)}"
        return response

    def real_ids(self, operation) -> dict:
        names = [parameter.name for parameter in operation.path_parameters]
        return {name: self.ids[name] for name in names if name in self.ids}

    def coverage(self, operation):
        """The coverage phase's cases, all or an even spread of COVERAGE of them."""
        schema = operation.schema
        cases = list(schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(operation=operation, phase="coverage")))
        if self.coverage_cases != "all" and len(cases) > int(self.coverage_cases):
            step = len(cases) / int(self.coverage_cases)
            cases = [cases[int(i * step)] for i in range(int(self.coverage_cases))]
        for case in cases:
            data = case.meta.phase.data
            if getattr(data, "parameter_location", None) != ParameterLocation.PATH:
                case.path_parameters = {**case.path_parameters, **self.real_ids(operation)}
            self.call(operation, case)

    def fuzzing(self, operation, mode: GenerationMode):
        """``examples`` random cases; failures are recorded, not raised, so nothing shrinks."""

        @settings(max_examples=self.examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy(generation_mode=mode, path_parameters=self.real_ids(operation)))
        def run(case):
            self.call(operation, case)

        try:
            run()
        except Unsatisfiable:
            pass  # nothing invalid to send (no parameters, or only the fixed ids)

    def writes(self, operation):
        """The valid writes of WRITES for this caller: each must succeed (an example that no
        longer does is a failure too, so the list cannot rot) and keep the contract."""
        for caller, path_parameters, body in WRITES.get(operation.label, ()):
            if caller != self.caller:
                continue
            case = operation.Case(path_parameters={**self.real_ids(operation), **path_parameters},
                                  body=body(self.ids) if callable(body) else body)
            response = self.call(operation, case)
            if response.status_code >= 300:
                self.failures[(operation.label, "ValidWriteRefused")] = \
                    f"a valid write answered {response.status_code} {response.text[:300]}\n" \
                    f"    {case.as_curl_command(headers=self.headers)}"

    def report(self) -> str:
        by_operation = defaultdict(list)
        for (label, check), text in sorted(self.failures.items()):
            by_operation[label].append(f"  {check}: {text}")
        return "\n".join(f"{label} [{self.caller or 'anonymous'}]\n" + "\n".join(lines)
                         for label, lines in by_operation.items())


@pytest.fixture
def rows(world, story):  # noqa: F811 (story: the fixture imported above)
    """A row for every id an address takes, so that each operation runs past its 404: the
    scoping test's story (a case walked to its admission vote with an objection to a notice,
    meetings submitted for review, a transfer letter, a certificate, records of each kind, a
    correction request, a care visit, portal articles, an oversight inspection and its item), a
    member's scanned page and an import batch of the city admin's (a batch is its uploader's
    alone)."""
    from care.models import CareVisit
    from fivegood.models import Assessment, Exemplar, StandardSet
    from lagging.models import LaggingCase, LaggingTask
    from members import services
    from members.models import CorrectionRequest, ImportBatch, PositionHeld
    from members.tests.test_archive import png_upload
    from members.tests.test_import import person, xlsx
    from members.tests.test_import_api import token_client, upload
    from orglife.models import Meeting
    from oversight.models import GuidancePlan, Inspection, RectificationItem, SupervisionTeam
    from oversight.tests.test_bulletins import generate
    from portal.models import Article
    from recruitment.models import Case, Objection
    from reviews.models import FollowUp, ReportRound, ReportSubject
    from soe.models import SoeShare, SoeTask
    from transfers.models import Letter, MobileCertificate

    member = world.members["a1_member"]
    document = services.document_add(actor=world.users["city_admin"], member=member, upload=png_upload(),
                                     title="入党志愿书扫描件")
    upload(token_client("city_admin"), xlsx([person(1)]))
    meeting = Meeting.objects.filter(state="submitted").first()
    return {
        "org_id": world.branch_a1.pk, "district_id": world.district_a.pk, "member_id": member.pk, "meeting_id": meeting.pk,
        "token": meeting.signin_token, "case_id": Case.objects.first().pk, "letter_id": Letter.objects.first().pk,
        "kind": "position", "record_id": PositionHeld.objects.get(member=member).pk,
        "notice_id": Objection.objects.first().notice_id, "objection_id": Objection.objects.first().pk,
        "correction_id": CorrectionRequest.objects.first().pk, "document_id": document.pk,
        "visit_id": CareVisit.objects.first().pk, "article_id": Article.objects.filter(state="published").first().pk,
        "certificate_id": MobileCertificate.objects.first().pk, "batch_id": ImportBatch.objects.get().pk,
        # oversight's (the story's district A plan, team, inspection and its item at branch A1)
        "plan_id": GuidancePlan.objects.first().pk, "team_id": SupervisionTeam.objects.first().pk,
        "inspection_id": Inspection.objects.first().pk, "item_id": RectificationItem.objects.first().pk,
        "bulletin_id": generate(world, org=world.district_a, actor="a_admin").pk,
        # soe's (the story's district A task and its share at HPGZ01)
        "soe_task_id": SoeTask.objects.first().pk, "soe_share_id": SoeShare.objects.first().pk,
        # lagging's (the story's case of branch A1, closed, and its task)
        "lagging_case_id": LaggingCase.objects.first().pk, "lagging_task_id": LaggingTask.objects.first().pk,
        # reviews' (the story's closed city round, 和平区's subject and its follow-up)
        "report_round_id": ReportRound.objects.first().pk, "report_subject_id": ReportSubject.objects.first().pk,
        "report_followup_id": FollowUp.objects.first().pk,
        # fivegood's (the story's city standard, branch A1's submitted assessment, branch A2's exemplar)
        "fivegood_standard_id": StandardSet.objects.first().pk,
        "fivegood_assessment_id": Assessment.objects.get(org=world.branch_a1).pk,
        "fivegood_exemplar_id": Exemplar.objects.first().pk,
    }


@pytest.mark.parametrize("caller", CALLERS, ids=lambda caller: caller or "anonymous")
def test_the_api_keeps_its_documented_contract(rows, caller):
    fuzz = Fuzz(caller, rows)
    with _connection_kept():  # nothing in here may use Django's test client, which puts it back
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:  # first, on the rows as the fixtures left them
            fuzz.writes(operation)
        for operation in operations:
            fuzz.coverage(operation)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz.fuzzing(operation, mode)
    print(f"\nfuzz {caller or 'anonymous'}: {len(operations)} operations, {fuzz.statuses.total()} requests, "
          f"{len(fuzz.failures)} failures; answers {dict(sorted(fuzz.statuses.items()))}; "
          f"never succeeded: {[op.label for op in operations if op.label not in fuzz.succeeded]}")
    assert not fuzz.failures, f"{len(fuzz.failures)} failures:\n{fuzz.report()}"
    # The token held to the end (logging out revoked none but its own), so the answers were to
    # the caller: operations ran for a business role; an administrator's token was refused.
    if caller:
        assert account_services.token_user(fuzz.headers["Authorization"].partition(" ")[2]) is not None
    assert fuzz.statuses[200] > 0, fuzz.statuses
    if caller in ADMINS:
        assert fuzz.statuses[403] > fuzz.statuses[200], fuzz.statuses
