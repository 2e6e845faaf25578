"""The demo's lagging orgs follow the rules the services enforce: branches and general branches
only, one open case per org, every case with its reasons and the grade history; a closed case
has every task done, its acceptance material and the grade moved up; a rectifying one has its plan
and the demo secretary's branch a task to mark done; overdue tasks and plans show; the summary
equals the records."""

import pytest
from django.test import Client

from accounts.models import User
from core import summaries
from lagging import selectors
from lagging.models import CaseState, Grade, GradeChange, LaggingCase, LaggingTask

pytestmark = pytest.mark.django_db


def test_the_demo_lagging_orgs_follow_the_rules(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    cases = list(LaggingCase.objects.select_related("org", "plan"))
    assert len(cases) >= 12 and {c.state for c in cases} == set(CaseState.values)
    assert all(c.org.kind in selectors.CASE_KINDS for c in cases)
    for case in cases:
        assert case.reasons.exists()
        history = list(GradeChange.objects.filter(case=case).order_by("on", "pk").values_list("grade_from", "grade_to"))
        assert history[0][1] == Grade.LAGGING
        if case.state == CaseState.CLOSED:
            assert history[-1] == (Grade.LAGGING, case.grade_after) and case.grade_after != Grade.LAGGING
            assert case.closing_text and not case.plan.tasks.filter(done_on__isnull=True).exists()
        else:
            assert case.closed_on is None and len(history) == 1
        assert (case.state == CaseState.OPEN) == (not hasattr(case, "plan"))
    assert any(c.overdue for c in cases)
    assert any(t.overdue for t in LaggingTask.objects.all())
    assert not any(summaries.check(["lagging.org_year"]))
    secretary = Client()
    secretary.force_login(User.objects.get(username="secretary"))
    own = next(c for c in cases if c.org.code == "HP01C01B01")
    assert own.state == CaseState.RECTIFYING
    assert 'id="done-' in secretary.get(own.get_absolute_url()).content.decode()
    admin = Client()
    admin.force_login(User.objects.get(username="heping_admin"))
    home = admin.get("/lagging/").content.decode()
    assert 'id="open-cases"' in home and own.org.name in home
    assert admin.get("/lagging/suggestions/").status_code == 200
