"""The summary table of members per org and status (``MemberCount``) equals the archive after every
call of every service that creates a member or changes a member's org or status — the archive's
own, the roster import's, the transfers' and recruitment's (through members.services); a member
written past the services is reported by the check and put right by the rebuild; the figures
read it."""

import inspect
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import summaries
from dangjian.testing import ID_NUMBERS, check_after_each_call
from members import importing
from members import services as member_services
from members import summaries as member_counts
from members.importing import batches
from members.models import Member, MemberCount, MemberProfile, MemberStatus
from members.tests.test_import import person, preview, xlsx
from orgs import selectors as org_selectors
from recruitment.tests.helpers import grow_branches, open_case, walk
from transfers import services as transfer_services
from transfers.tests.helpers import issue
from transfers.tests.test_workflow import receive_external

# Every public service of the archive that creates a member or changes one's org or status …
WRITERS = {"member_create", "member_register", "member_update", "correction_approve"}
# … and those that do not (records, documents, lookups, the other half of corrections).
NOT_WRITING = {"record_event", "check_member_dates", "member_unmask", "member_lookup", "field_label",
               "conversion_required_since", "member_check", "record_add", "record_update", "record_delete",
               "document_add", "document_open", "document_delete", "correction_field_choices", "correction_label",
               "correction_create", "correction_decline",
               # the records over time, one set of three per kind (members.services._named)
               *(f"{kind}_{verb}" for kind in member_services.RECORD_MODELS for verb in ("add", "update", "delete"))}
# The other apps' services that move members themselves.
TRANSFER_WRITERS = {"letter_accept", "letter_complete", "letter_receive_external"}
IMPORT_WRITERS = {"batch_commit"}


def differences() -> list[str]:
    return [line for d in summaries.check([member_counts.NAME, member_counts.PROFILE_NAME]) if d for line in d.describe()]


@pytest.fixture
def checked(monkeypatch):
    """Every writing service, wrapped: after each call the member summary must equal the archive."""
    return check_after_each_call(monkeypatch, {member_services: WRITERS, transfer_services: TRANSFER_WRITERS,
                                               batches: IMPORT_WRITERS, importing: IMPORT_WRITERS}, differences)


def test_every_public_service_of_the_archive_is_named_as_writing_a_member_or_not():
    public = {name for name, f in inspect.getmembers(member_services, inspect.isfunction)
              if f.__module__ == member_services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_archive_after_every_service_call(world, checked):
    admin = world.users["a_admin"]
    assert differences() == []  # the world's members were created by member_create
    # The roster import: two new members, then one of them moved by a second file.
    importing.batch_commit(actor=admin, batch=preview(world, xlsx([person(1), person(2)])))
    moved = person(1, 所在党组织="朝阳里社区第一党支部")
    importing.batch_commit(actor=admin, batch=preview(world, xlsx([moved])))
    # The API's registration, with its archive; and the archive's own edit: a status change.
    member_services.member_register(actor=admin, org=world.branch_a2, name="周敏", id_number="120101199002020022",
                                    status=MemberStatus.PROBATIONARY, joined=date(2025, 7, 1),
                                    archive={"status": MemberStatus.FULL, "converted": "2026-07-01"})
    left = Member.objects.get(name="刘洋2")
    member_services.member_update(actor=admin, member=left, changes={"status": MemberStatus.LEFT})
    # A correction approved (it goes through member_update).
    request = member_services.correction_create(actor=world.users["member"], member=world.members["a1_member"],
                                                field_name="address", requested_value="和平区某路1号")
    member_services.correction_approve(actor=admin, request=request)
    # Transfers: within the platform, out of it, and back in.
    internal = issue(world, member="a2_member")
    transfer_services.letter_accept(actor=world.users["b_admin"], letter=internal)
    outgoing = issue(world, to_org_name="中共北京市海淀区某街道工作委员会")
    transfer_services.letter_complete(actor=admin, letter=outgoing)
    receive_external(world, id_number=ID_NUMBERS["a1_member"], name="张秀英")  # the same archive, back
    receive_external(world, number="京组转〔2026〕000046")  # a new member from outside
    # Recruitment: an admission creates the probationary member through members.services.
    grow_branches(world)
    walk(world, open_case(world), 17)

    assert set(checked) >= {"member_create", "member_register", "member_update", "correction_approve",
                            *TRANSFER_WRITERS, *IMPORT_WRITERS}, f"not walked: {dict(checked)}"
    stored = {(r.org_id, r.status): r.total for r in MemberCount.objects.filter(total__gt=0)}
    assert stored[(world.branch_b1.pk, MemberStatus.FULL)] >= 3  # b1_member, a2_member, 孙立新, 张秀英 …
    assert stored[(world.branch_a1.pk, MemberStatus.PROBATIONARY)] == 1


def test_a_member_written_past_the_services_is_reported_and_the_rebuild_puts_it_right(world):
    assert differences() == []
    member = world.members["a2_member"]
    Member.objects.filter(pk=member.pk).update(org=world.branch_b1, status=MemberStatus.DECEASED)  # past it

    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("summaries", "--check", "members.member_count", stdout=out)
    assert refused.value.returncode == 1
    report = out.getvalue()
    assert "members.member_count" in report and "缺少 1" in report and "多余 1" in report

    call_command("summaries", "--rebuild", "members.member_count", "members.member_profile", stdout=StringIO())
    assert differences() == []
    assert MemberCount.objects.get(org=world.branch_b1, status=MemberStatus.DECEASED).total == 1
    assert not MemberCount.objects.filter(org=world.branch_a2, total__gt=0).exists()


def test_the_profile_counts_members_in_good_standing_by_each_dimension_and_follows_an_edit(world):
    """A member in good standing counts once per dimension; an edited education moves its row; a
    member who leaves the party leaves every profile row; written past the services, the check sees it."""
    admin = world.users["a_admin"]
    member = member_services.member_create(actor=admin, org=world.branch_a2, name="新党员",
                                           id_number="120101199001010017", status=MemberStatus.FULL,
                                           joined=date(2015, 7, 1))

    def count(dimension, value):
        row = MemberProfile.objects.filter(org=world.branch_a2, dimension=dimension, value=value).first()
        return row.total if row else 0

    before = {d: count(d, v) for d, v in (("birth_year", "1990"), ("joined_year", "2015"), ("gender", "male"))}
    assert min(before.values()) >= 1
    education_before = count("education", "bachelor")
    member_services.member_update(actor=admin, member=member, changes={"education": "bachelor"})
    assert count("education", "bachelor") == education_before + 1
    member_services.member_update(actor=admin, member=member, changes={"status": MemberStatus.LEFT})
    assert count("education", "bachelor") == education_before
    assert {d: count(d, v) for d, v in (("birth_year", "1990"), ("joined_year", "2015"), ("gender", "male"))} == {
        d: n - 1 for d, n in before.items()}
    assert differences() == []
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.FULL)  # past the services
    assert any("member_profile" in line for line in differences())


def test_the_figures_come_from_the_summary_not_the_archive(world):
    """A figure follows the summary: written past it, the archive alone changes no figure."""
    before = org_selectors.subtree_member_count(world.district_a)
    member_services.member_create(actor=world.users["a_admin"], org=world.branch_a2, name="新党员",
                                  id_number="120101199001010017", status=MemberStatus.FULL,
                                  joined=date(2015, 7, 1))
    assert org_selectors.subtree_member_count(world.district_a) == before + 1
    Member.objects.filter(name="新党员").update(status=MemberStatus.LEFT)  # past the services
    assert org_selectors.subtree_member_count(world.district_a) == before + 1
    summaries.rebuild([member_counts.NAME])
    assert org_selectors.subtree_member_count(world.district_a) == before


def test_the_member_list_total_comes_from_the_summary_and_a_narrower_filter_counts(world):
    from django.urls import reverse

    client = world.client("a_admin")
    listed = client.get(reverse("members:list"))
    assert listed.context["page"].paginator.count == org_selectors.subtree_member_count(world.district_a) == 3
    Member.objects.filter(pk=world.members["a2_member"].pk).update(status=MemberStatus.LEFT)  # past the services
    # The unfiltered total is the summary's (not recounted), the rows are the archive's.
    after = client.get(reverse("members:list"))
    assert after.context["page"].paginator.count == 3 and len(after.context["page"].object_list) == 2
    assert client.get(reverse("members:list"), {"org": world.branch_a2.code}).context["page"].paginator.count == 1
    # A filter the summary cannot answer (gender) counts the rows.
    women = client.get(reverse("members:list"), {"gender": "female"}).context["page"].paginator.count
    assert women == Member.objects.filter(org__path__startswith=world.district_a.path, gender="female",
                                          status__in=("full", "probationary")).count()


def test_the_members_api_count_comes_from_the_summary_where_it_answers(world):
    from orgs.tests.test_scope import api_client

    api = api_client("a_admin")
    assert api.get("/api/v1/members").json()["count"] == 3
    Member.objects.filter(pk=world.members["a2_member"].pk).update(status=MemberStatus.LEFT)  # past the services
    answer = api.get("/api/v1/members").json()
    assert answer["count"] == 3 and len(answer["items"]) == 2  # the summary's total, the archive's rows
    assert api.get("/api/v1/members", {"gender": "female"}).json()["count"] == Member.objects.filter(
        org__path__startswith=world.district_a.path, gender="female", status__in=("full", "probationary")).count()
    assert api.get("/api/v1/members", {"within": world.branch_a2.code}).json()["count"] == 0  # counted
