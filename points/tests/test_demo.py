"""The demo's points follow the rule table: every activity appears, no day's row passes its cap,
each row's points are its units under the cap, the group-study points match the attendance rows,
the demo member sees their points and their branch's ranking, and the summaries equal the rows."""


import pytest
from django.db.models import Count

from core import summaries
from members.models import Member
from points import rules
from points.models import PointDay
from training.models import GroupStudyAttendance

pytestmark = pytest.mark.django_db


def test_the_demo_points_follow_the_rule_table(small_demo, settings, client):
    settings.INVENTED_DATA_ALLOWED = True
    assert set(PointDay.objects.values_list("activity", flat=True)) == set(rules.BY_CODE)
    for activity, count, points in PointDay.objects.values_list("activity", "count", "points"):
        assert points == rules.points_for(activity, count) <= rules.BY_CODE[activity].daily_cap
    attended = dict(GroupStudyAttendance.objects.order_by().values("member_id").annotate(n=Count("id"))
                    .values_list("member_id", "n"))
    counted = dict(PointDay.objects.filter(activity="group_study").order_by().values("member_id")
                   .annotate(n=Count("id")).values_list("member_id", "n"))
    assert counted.keys() == attended.keys()
    assert not any(summaries.check(["points.member_year", "points.org_year"]))
    member = Member.objects.get(user__username="member")
    client.force_login(member.user)
    assert "学习积分 <strong>0</strong>" not in client.get("/learning/").content.decode()
    assert client.get(f"/points/orgs/{member.org_id}/").status_code == 200
