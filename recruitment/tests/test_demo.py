"""The demo city holds recruitment cases at every step, some overdue, and plans."""


import pytest
from django.utils import timezone

from orgs.models import OrgKind
from recruitment.models import Case, Plan, Vote


@pytest.mark.django_db
def test_the_demo_has_cases_at_every_step_some_overdue(small_demo):
    assert set(Case.objects.values_list("last_step", flat=True)) == set(range(1, 26))
    assert set(Case.objects.values_list("stage", flat=True)) == {1, 2, 3, 4, 5}
    assert {"open", "probationary", "full", "archived", "closed", "cancelled"} <= set(
        Case.objects.values_list("status", flat=True))
    assert Case.objects.filter(status__in=("open", "probationary"), due_on__lt=timezone.localdate()).count() >= 5
    assert Case.objects.filter(extension_months__isnull=False).exists()
    assert Plan.objects.filter(year=timezone.localdate().year).count() >= 2
    # Every vote counts the roster's entitled members (细则第二十、二十一条), and no temporary
    # branch admits anyone (条例第九条): the demo shows no false warning of either.
    votes = list(Vote.objects.all())
    assert votes and all(v.roster is not None and v.entitled == v.roster - v.excluded for v in votes)
    assert not Case.objects.filter(org__kind=OrgKind.TEMPORARY_BRANCH).exists()


@pytest.mark.django_db
def test_the_demo_secretary_can_show_recruitment_and_notices_are_dated_in_their_windows(small_demo):
    from django.utils import timezone

    from accounts.models import User
    from portal.models import Article

    secretary = User.objects.get(username="secretary")
    own = Case.objects.visible_to(secretary)
    # The secretary's own branch: cases at several steps, one of them overdue.
    assert len(set(own.values_list("last_step", flat=True))) >= 4
    assert own.filter(status="open", due_on__lt=timezone.localdate()).exists()
    assert {1, 2, 3} <= set(own.values_list("stage", flat=True))
    # Every 公示 on the portal is dated within its notice window.
    notices = Article.objects.filter(external_key__startswith="recruit:notice:")
    assert notices.count() >= 10
    for article in notices:
        assert article.starts_on <= timezone.localdate(article.publish_at) <= article.ends_on, article.title
