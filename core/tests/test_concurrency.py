"""Concurrency on PostgreSQL with real threads and connections (reliability.md C1, reduced).

SQLite serialises writers with IMMEDIATE transactions; these tests only mean something where
writers really run side by side, so they skip elsewhere."""


import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Grant
from accounts.services import admin_grant
from core import audit
from core.access import Role
from core.context import acting_as
from core.models import AuditEntry
from dangjian.testing import make_user, make_world, run_in_threads
from orgs import services as org_services
from orgs.models import Org

pytestmark = pytest.mark.usefixtures("transactional_db")


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")




def test_twenty_concurrent_writers_leave_one_unbroken_audit_chain():
    _needs_postgres()
    world = make_world()
    admin = world.users["city_admin"]
    orgs = list(Org.objects.all())
    before = AuditEntry.objects.count()

    def write(i):
        with acting_as(admin, channel="web"):
            for j in range(5):
                org = orgs[(i + j) % len(orgs)]
                org_services.org_update(actor=admin, org=Org.objects.get(pk=org.pk),
                                        unit_name=f"单位{i}-{j}")
        return i

    results, errors = run_in_threads(20, write)
    assert errors == [] and len(results) == 20
    assert AuditEntry.objects.count() == before + 100
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert audit.verify().intact


def test_two_administrator_roles_granted_at_once_to_one_person_exactly_one_wins():
    _needs_postgres()
    person = make_user("twoface")
    roles = [Role.SECADMIN, Role.AUDITOR]

    def grant(i):
        return admin_grant(user=person, role=roles[i % 2])

    for _ in range(5):
        Grant.objects.filter(user=person).delete()
        results, errors = run_in_threads(2, grant)
        assert len(results) == 1, errors
        assert all(isinstance(e, ValidationError) for e in errors)
        assert Grant.objects.filter(user=person).count() == 1
