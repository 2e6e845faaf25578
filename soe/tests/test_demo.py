"""The demo's SOE ledgers follow the rules the services enforce: shares only at SOE party
committees below the dividing org; reports of quarters begun, none after a share's done report,
a done share's done day its done report's day; last quarter's city bulletin has the section."""

import pytest
from django.utils import timezone

from orgs.models import Sector
from oversight.bulletins import quarter_of
from oversight.models import Bulletin
from soe.models import Progress, SoeReport, SoeShare, SoeTask

pytestmark = pytest.mark.django_db


def test_the_demo_soe_ledgers_follow_the_rules(small_demo):
    today = timezone.localdate()
    assert SoeTask.objects.filter(year=today.year, org__depth=1).count() == 5
    shares = list(SoeShare.objects.select_related("task__org", "org"))
    assert shares
    for share in shares:
        assert share.org.sector == Sector.SOE and share.org.path.startswith(share.task.org.path)
        assert share.org != share.task.org and share.due_on == share.task.due_on
        reports = list(share.reports.order_by("year", "quarter"))
        assert all((r.year, r.quarter) <= quarter_of(today) and r.reported_on <= today for r in reports)
        done = [r for r in reports if r.progress == Progress.DONE]
        assert done[1:] == [] and (not done or reports[-1] == done[0])
        assert (share.progress == Progress.DONE) == bool(done)
        assert share.done_on == (done[0].reported_on if done else None)
    assert {Progress.UNDERWAY, Progress.DONE} <= {s.progress for s in shares}
    assert any(s.overdue for s in shares) or today.month <= 3  # tasks due in a quarter past, some undone
    assert SoeReport.objects.filter(year=today.year, quarter=quarter_of(today)[1]).exists()
    city = Bulletin.objects.filter(org__depth=1).first()
    assert city is not None and any(s["key"] == "soe" for s in city.sections)
