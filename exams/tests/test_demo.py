"""The demo's exams: the city's bank (every question valid by the rules), this month's exam taken by
part of the members with a pass rate between the extremes, the demo member still to take it, some
practice; the results summary equals the attempts."""


import pytest

from accounts.models import User
from core import summaries
from exams import rules, selectors, services
from exams.models import Attempt, Exam, PracticeDay, Question
from orgs.models import Org

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_bank_an_exam_taken_by_many_and_waiting_for_the_demo_member(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    for question in Question.objects.all():
        assert rules.check_question(question.kind, question.text, question.options, question.answer) == (
            question.options, question.answer)
    exam = Exam.objects.get()
    total, _ = selectors.results(exam, Org.objects.get(depth=1))
    assert total.submitted == Attempt.objects.count() > 100
    assert 0.5 < total.passed / total.submitted < 0.95
    assert PracticeDay.objects.exists()
    assert not any(summaries.check(["exams.result"]))
    member = User.objects.get(username="member")
    attempt = services.attempt_start(actor=member, exam=exam)  # the demo member can take it now
    assert attempt.items.count() == exam.questions
