"""A temporary branch (临时党支部) holds no one's membership: it admits no member, receives no
transfer, and no archive, form or roster puts a member in it (《支部工作条例》第九条)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services as member_services
from members.models import Member, MemberStatus
from members.tests.test_import import person, preview, xlsx
from orgs import services
from orgs.models import OrgKind, Sector
from recruitment.models import Case
from recruitment.tests.helpers import id_number, open_case
from transfers.models import Letter
from transfers.tests.helpers import issue
from transfers.tests.test_workflow import receive_external

RULE = "临时党支部不接转组织关系、不发展党员"


@pytest.fixture
def temporary(world):
    return services.org_create(actor=world.users["city_admin"], parent=world.street_a, kind=OrgKind.TEMPORARY_BRANCH,
                               name="培训班临时党支部", code="TMP1", founded=date(2024, 3, 1), sector=Sector.GOVERNMENT)


def refused(call):
    before = (Member.objects.count(), Case.objects.count(), Letter.objects.count())
    with pytest.raises(ValidationError) as info:
        call()
    assert RULE in " ".join(info.value.messages) and "《支部工作条例》第九条" in " ".join(info.value.messages)
    assert (Member.objects.count(), Case.objects.count(), Letter.objects.count()) == before


def test_a_temporary_branch_opens_no_recruitment_case(world, temporary):
    refused(lambda: open_case(world, org=temporary, actor="a_admin"))


def test_no_membership_is_transferred_into_a_temporary_branch(world, temporary):
    refused(lambda: issue(world, to=temporary))
    today = timezone.localdate()
    refused(lambda: receive_external(world, actor=world.users["a_admin"], to_org=temporary,
                                     issued_on=today - timedelta(days=3)))


def test_no_archive_is_created_in_a_temporary_branch(world, temporary):
    refused(lambda: member_services.member_create(actor=world.users["a_admin"], org=temporary, name="某人",
                                                  id_number=id_number(seq=71), status=MemberStatus.FULL,
                                                  joined=date(2010, 7, 1)))


def test_a_roster_row_naming_a_temporary_branch_is_refused_with_its_reason(world, temporary):
    batch = preview(world, xlsx([person(1, 所在党组织=temporary.code)]))
    messages = " ".join(row.errors for row in batch.rows.all())
    assert RULE in messages


def test_the_temporary_branch_page_says_why_it_has_no_term_and_offers_no_re_election(world, temporary):
    from django.urls import reverse

    body = world.client("a_admin").get(reverse("orgs:detail", args=[temporary.pk])).content.decode()
    assert "临时党支部不选举支部委员会" in body and "尚未录入班子任期" not in body
    assert reverse("orgs:term_create", args=[temporary.pk]) not in body
    branch = world.client("a_admin").get(reverse("orgs:detail", args=[world.branch_a1.pk])).content.decode()
    assert reverse("orgs:term_create", args=[world.branch_a1.pk]) in branch
