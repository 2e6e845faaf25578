"""`dangjian demo --scale city` at a tiny size: every part is built, the summaries agree with the
records, the dates obey the rules, it refuses a non-empty database, and the admins' pages answer."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from care.models import CareVisit
from core import idcard, summaries
from core.crypto import get_provider
from core.dates import add_months
from core.models import AuditEntry
from dangjian.bench_pages import pages_of
from members.models import Member
from orglife import rules as orglife_rules
from orglife import selectors as orglife_selectors
from orglife.models import Meeting
from orgs.models import Org
from portal.models import Article, ArticleView
from recruitment import rules as recruitment_rules
from recruitment.models import Case, Step
from transfers.models import Letter, LetterState

ORGS, MEMBERS = 600, 6000


@pytest.fixture
def city(db):
    out = io.StringIO()
    call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_builds_every_part_with_a_line_per_stage(city):
    assert abs(Org.objects.count() - ORGS) <= 1
    assert Org.objects.filter(depth=2).count() == 16
    district_sizes = {Org.objects.filter(path__startswith=d.path).count() for d in Org.objects.filter(depth=2)}
    assert len(district_sizes) > 4  # uneven districts
    assert Member.objects.count() >= MEMBERS
    for model in (Meeting, Case, Step, Letter, CareVisit, Article, ArticleView):
        assert model.objects.exists(), model
    assert AuditEntry.objects.filter(action="demo.load").exists()
    for label in ("党组织", "党员", "会议记录", "发展党员案例", "组织关系介绍信", "走访慰问", "资讯文章", "汇总表重建"):
        assert label in city and "用时" in city


@pytest.mark.django_db
def test_every_compliance_colour_appears_among_the_holders(city):
    today = timezone.localdate()
    root = Org.objects.get(code="TJ")
    colours = set()
    for month in (today.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1)):
        items = orglife_selectors.compliance_items(root, month=month, today=today)
        colours |= {item.status for holder_items in items.values() for item in holder_items}
    assert {orglife_rules.GREEN, orglife_rules.YELLOW, orglife_rules.RED} <= colours


@pytest.mark.django_db
def test_recruitment_cases_at_several_steps_follow_the_rules(city):
    today = timezone.localdate()
    assert len(set(Case.objects.values_list("last_step", flat=True))) >= 9
    assert Case.objects.filter(due_on__lt=today).exists()  # some overdue
    for case in Case.objects.prefetch_related("steps"):
        dates = {s.number: s.done_on for s in case.steps.all()}
        assert max(dates) == case.last_step and dates[1] == case.applied
        ordered = [dates[n] for n in sorted(dates)]
        assert ordered == sorted(ordered) and ordered[-1] < today
        if 3 in dates:
            assert dates[3] >= add_months(case.applied, 6)
        if 7 in dates:
            assert dates[7] >= add_months(dates[3], 12)
        recruitment_rules.check_age(case.birth_date, case.applied)


@pytest.mark.django_db
def test_records_obey_the_platforms_rules(city):
    today = timezone.localdate()
    provider = get_provider()
    for member in Member.objects.order_by("?")[:200]:
        number = provider.decrypt(member.id_number_cipher)
        assert idcard.check_char(number[:17]) == number[17] and idcard.birth_date(number) == member.birth_date
    assert Member.objects.values("id_number_index").distinct().count() == Member.objects.count()
    assert not Meeting.objects.filter(held_on__gte=today).exists()
    assert not Meeting.objects.filter(held_on__lt=today.replace(year=today.year - 1)).exists()
    for letter in Letter.objects.select_related("member"):
        assert letter.from_org_id != letter.to_org_id and letter.issued_on <= today
        assert (letter.valid_until - letter.issued_on).days < 92
        # A received letter moved the member; a waiting one has not yet.
        here = letter.to_org_id if letter.state == LetterState.RECEIVED else letter.from_org_id
        assert letter.member.org_id == here


@pytest.mark.django_db
def test_the_summaries_agree_with_the_records(city):
    assert not [d for d in summaries.check() if d]


@pytest.mark.django_db
def test_it_refuses_a_non_empty_database(city):
    before = Org.objects.count()
    with pytest.raises(CommandError, match="空数据库"):
        call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=io.StringIO())
    assert Org.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_outside_the_demo_mode(settings):
    settings.INVENTED_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=io.StringIO())
    assert not Org.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "depth"), [("city_admin", 1), ("heping_admin", 2)])
def test_the_admins_pages_answer(city, username, depth):
    user = User.objects.get(username=username)
    assert user.grants.get().org.depth == depth
    client = Client()
    client.force_login(user)
    pages = [(label, url) for label, url in pages_of(username, user) if not url.startswith("/api/")]  # token only
    assert len(pages) >= 8
    for label, url in pages:
        assert client.get(url).status_code == 200, (label, url)


@pytest.mark.django_db
def test_the_district_admin_gets_404_outside_the_district(city):
    client = Client()
    client.force_login(User.objects.get(username="heping_admin"))
    other = Member.objects.exclude(org__path__startswith=Org.objects.get(code="HP").path).first()
    assert client.get(f"/members/{other.pk}/").status_code == 404
    elsewhere = Case.objects.exclude(org__path__startswith=Org.objects.get(code="HP").path).first()
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
