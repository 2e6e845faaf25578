"""The demo's 述职评议 follow the rules the services enforce: the city's round over its sixteen
districts closed with weights adding up to 100, every rating in and each result the published
arithmetic of its ratings, feedback with follow-ups (some done); 和平区's round open with subjects
for the demo secretary to rate; the community round's results in its secretaries' archives."""

import pytest
from django.test import Client

from accounts.models import User
from members.models import MemberEvent
from orgs.models import Org
from reviews import rules
from reviews.models import FollowUp, Rating, ReportRound, ReportSubject, RoundState
from reviews.services import expected_ratings

pytestmark = pytest.mark.django_db


def test_the_demo_reviews_follow_the_rules(small_demo):
    city = ReportRound.objects.get(org__depth=1)
    assert city.state == RoundState.CLOSED
    assert city.subjects.count() == Org.objects.filter(depth=2).count() == 16
    assert sum(city.groups.values_list("weight", flat=True)) == 100
    due, given = expected_ratings(city)
    assert due == given > 0
    for subject in ReportSubject.objects.filter(round__state=RoundState.CLOSED):
        ratings = [(r.reviewer.group_id, r.reviewer.group.weight, r.grade)
                   for r in Rating.objects.filter(subject=subject).select_related("reviewer__group")]
        assert subject.score == rules.score(ratings) and subject.grade == rules.grade_for(subject.score)
    followups = FollowUp.objects.filter(subject__round=city)
    assert followups.filter(done_on__isnull=False).exists() and followups.filter(done_on__isnull=True).exists()
    assert all(s.feedback for s in city.subjects.all())
    assert ReportRound.objects.filter(org__code="HP", state=RoundState.OPEN).exists()
    assert MemberEvent.objects.filter(kind="述职评议").exists()

    secretary = Client()
    secretary.force_login(User.objects.get(username="secretary"))
    home = secretary.get("/reviews/").content.decode()
    assert 'id="to-rate"' in home and "/rate/" in home
    admin = Client()
    admin.force_login(User.objects.get(username="city_admin"))
    page = admin.get(city.get_absolute_url()).content.decode()
    assert "已完成" in page and str(city.subjects.order_by("org__path").first().score) in page
    assert admin.get("/reviews/results/?export=csv").status_code == 200
