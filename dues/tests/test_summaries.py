"""The dues summaries (``dues.paid_count``, ``dues.month``) equal their records after every call
of every public dues service; a row written past the services is reported and put right by the
rebuild."""

import inspect

from django.utils import timezone

from core import summaries
from dangjian.testing import ID_NUMBERS, check_after_each_call
from dues import rules, services
from dues.models import DuesPaidCount, Method
from dues.rules import Category

NAMES = ["dues.paid_count", "dues.month"]
WRITERS = {"year_set", "year_confirm", "year_adjust", "bases_import", "standing_open", "payment_record",
           "statement_import", "year_carry", "payment_void"}
# Receivers of other apps' signals: walked below through the service that sends it.
RECEIVERS = {"follow_members"}
NOT_WRITING = {"check_year", "farmer_amounts", "bases_preview", "parse_yuan", "first_due", "paid_up_to_date", "statement_preview",
               "remittance_record"}  # remittances count in no summary: reconciliation reads them


def differences() -> list[str]:
    return [line for d in summaries.check(NAMES) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public == WRITERS | NOT_WRITING | RECEIVERS, "a new service: add it to WRITERS or NOT_WRITING and walk it below"


def test_the_summaries_equal_the_records_after_every_service_call(world, monkeypatch):
    calls = check_after_each_call(monkeypatch, {services: WRITERS}, differences)
    today = timezone.localdate()
    now, secretary = rules.month_index(today), world.users["secretary"]
    a1, a1s = world.members["a1_member"], world.members["a1_secretary"]
    services.bases_import(actor=secretary, org=world.branch_a1, year=today.year, cells=[
        (2, {"name": "李建国", "id_number": ID_NUMBERS["a1_secretary"], "category": "在职", "base": "6000"})])
    services.year_carry(actor=world.users["a_admin"], org=world.district_a, year=today.year + 1)
    for year in (today.year - 1, today.year, today.year + 1):
        services.year_set(actor=secretary, member=a1, year=year, category=Category.EMPLOYED, base_fen=540_000)
        if year != today.year:
            services.year_set(actor=secretary, member=a1s, year=year, category=Category.EMPLOYED, base_fen=600_000)
        services.year_confirm(actor=secretary, org=world.branch_a1, year=year)
    dues_year = a1.dues_years.get(year=today.year)
    services.year_adjust(actor=world.users["a_admin"], dues_year=dues_year, adjusted_fen=20, approval="批复")
    services.standing_open(actor=secretary, member=a1, paid_up_to=now - 2)
    mistaken = services.payment_record(actor=secretary, member=a1, first_month=now - 1, months=1, method=Method.CASH)
    services.payment_void(actor=secretary, payment=mistaken, reason="误登记")
    services.payment_record(actor=secretary, member=a1, first_month=now - 1, months=1, method=Method.CASH)
    services.payment_record(actor=secretary, member=a1s, first_month=now - 6, months=1, method=Method.TRANSFER)
    services.statement_import(actor=secretary, org=world.branch_a1, cells=[
        (2, {"name": "李建国", "amount": "90.00", "date": f"{today:%Y-%m-%d}", "reference": "B1", "note": ""})])
    # A member who leaves: the archive's service, followed by the dues' receiver.
    from members import services as member_services
    from members.models import MemberStatus

    member_services.member_update(actor=world.users["a_admin"], member=a1s, changes={"status": MemberStatus.LEFT})
    assert differences() == []
    assert set(calls) == WRITERS


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    services.year_set(actor=world.users["secretary"], member=world.members["a1_member"],
                      year=timezone.localdate().year, category=Category.STUDENT, base_fen=None)
    DuesPaidCount.objects.update(members=7)
    assert differences()
    summaries.rebuild(NAMES)
    assert differences() == []
