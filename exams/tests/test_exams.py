"""Exams (issue 16.6): the question's rules, exams drawn at random from the bank an org may use,
the time limit (answers after it refused, nothing written), automatic marking (a multiple choice
half right is wrong), one attempt unless more are allowed, results per org from the summary
rows, the daily practice; every page and API operation 404 out of scope."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from dangjian.testing import api_client, make_user
from exams import rules, selectors, services
from exams.models import Attempt, AttemptQuestion, ExamResult, PracticeDay, Question, QuestionKind
from members.models import Member

TODAY = timezone.localdate()

# What orgs/tests/test_scope.py's meta-test accepts as covered: each one's 404 is tested here.
PAGES = {"exams:exam", "exams:start", "exams:attempt", "exams:question_create", "exams:exam_create",
         "exams:practice", "exams:home", "exams:questions"}
API = {"api:exams_list", "api:exams_attempt_start", "api:exams_attempt_submit", "api:exams_results",
       "api:exams_question_create", "api:exams_practice", "api:exams_practice_submit"}
SCOPE_TESTED = PAGES | API


def bank(world, org=None, n=6, topic="党章党规"):
    """``n`` questions at ``org`` (district A): single choice, answer B; every third true/false (T)."""
    org = org or world.district_a
    made = []
    for i in range(n):
        if i % 3 == 2:
            made.append(services.question_create(actor=world.users["city_admin"], org=org, topic=topic,
                                                 kind=QuestionKind.TRUE_FALSE, text=f"判断{i}", options=[], answer="t"))
        else:
            made.append(services.question_create(actor=world.users["city_admin"], org=org, topic=topic,
                                                 kind=QuestionKind.SINGLE, text=f"单选{i}", options=["甲", "乙", "丙"],
                                                 answer="B"))
    return made


def exam(world, *, questions=4, attempts=1, minutes=10, org=None, opens=None):
    return services.exam_create(actor=world.users["a_admin"], org=org or world.district_a, title="党章知识测试",
                                topic="", questions=questions, minutes=minutes, pass_score=60, attempts=attempts,
                                opens=opens or TODAY, closes=TODAY + timedelta(days=7))


def right_answers(attempt):
    return {item.position: item.question.answer for item in attempt.items.select_related("question")}


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, options, answer, message", [
    (QuestionKind.SINGLE, ["甲"], "A", "2–8 个选项"),
    (QuestionKind.SINGLE, ["甲", "甲"], "A", "重复"),
    (QuestionKind.SINGLE, ["甲", "乙"], "AB", "只有一个"),
    (QuestionKind.SINGLE, ["甲", "乙"], "C", "A–B"),
    (QuestionKind.MULTIPLE, ["甲", "乙", "丙"], "A", "至少有两个"),
    (QuestionKind.TRUE_FALSE, [], "A", "T（正确）或 F"),
    ("essay", [], "A", "题型不正确"),
])
def test_a_malformed_question_is_refused_and_nothing_written(world, kind, options, answer, message):
    with pytest.raises(ValidationError, match=message):
        services.question_create(actor=world.users["a_admin"], org=world.district_a, topic="党史", kind=kind,
                                 text="题干", options=options, answer=answer)
    assert not Question.objects.exists()


def test_answers_are_normalised_and_marked_exactly():
    assert rules.check_question(QuestionKind.MULTIPLE, "题", [" 甲", "乙", "丙", ""], "c,a") == (["甲", "乙", "丙"], "AC")
    assert rules.read_answer(QuestionKind.MULTIPLE, 3, "ca") == "AC"
    assert rules.is_correct("AC", "AC") and not rules.is_correct("AC", "A") and not rules.is_correct("AC", "ABC")
    assert not rules.is_correct("B", "")
    with pytest.raises(ValidationError):
        rules.read_answer(QuestionKind.SINGLE, 3, "D")
    with pytest.raises(ValidationError):
        rules.read_answer(QuestionKind.TRUE_FALSE, 0, "TF")
    assert [rules.score(c, 3) for c in range(4)] == [0, 33, 67, 100]


# --- exams and attempts -------------------------------------------------------------------------


def test_an_exam_needs_enough_questions_in_the_bank_it_may_draw_from(world):
    bank(world, org=world.district_b, n=10)  # another district's bank: not ours
    bank(world, n=3)
    with pytest.raises(ValidationError, match="只有 3 道"):
        exam(world, questions=4)
    with pytest.raises(NotFound):
        services.exam_create(actor=world.users["b_admin"], org=world.district_a, title="x", topic="", questions=1,
                             minutes=5, pass_score=60, attempts=1, opens=TODAY, closes=TODAY)
    with pytest.raises(ValidationError, match="截止日期不能早于"):
        services.exam_create(actor=world.users["a_admin"], org=world.district_a, title="x", topic="", questions=1,
                             minutes=5, pass_score=60, attempts=1, opens=TODAY, closes=TODAY - timedelta(days=1))


def test_an_attempt_draws_distinct_questions_from_the_org_and_above_and_marks_them(world):
    ours = {q.pk for q in bank(world, n=5)} | {q.pk for q in bank(world, org=world.city, n=3, topic="党史")}
    theirs = {q.pk for q in bank(world, org=world.district_b, n=5)}
    the_exam = exam(world, questions=8)
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam)
    drawn = [item.question_id for item in attempt.items.all()]
    assert len(drawn) == len(set(drawn)) == 8 and set(drawn) == ours and not set(drawn) & theirs
    answers = right_answers(attempt)
    wrong = min(answers)
    answers[wrong] = {"T": "F", "B": "A"}[answers[wrong]]
    done = services.attempt_submit(actor=world.users["member"], attempt=attempt, answers=answers)
    assert (done.score, done.passed) == (88, True)  # 7 of 8, rounded half up
    assert AttemptQuestion.objects.filter(attempt=attempt, correct=True).count() == 7
    row = ExamResult.objects.get(exam=the_exam, org=world.branch_a1)
    assert (row.submitted, row.passed, row.score_sum) == (1, 1, 88)
    assert not [d for d in summaries.check(["exams.result"]) if d]


def test_reopening_gives_the_same_questions_and_no_more_time_and_one_attempt_only(world):
    bank(world, n=6)
    the_exam = exam(world, questions=4)
    first = services.attempt_start(actor=world.users["member"], exam=the_exam)
    again = services.attempt_start(actor=world.users["member"], exam=the_exam)
    assert again.pk == first.pk and again.deadline == first.deadline
    services.attempt_submit(actor=world.users["member"], attempt=first, answers={})
    with pytest.raises(ValidationError, match="只允许作答 1 次"):
        services.attempt_start(actor=world.users["member"], exam=the_exam)
    assert Attempt.objects.count() == 1


def test_the_organiser_may_allow_more_attempts(world):
    bank(world, n=6)
    the_exam = exam(world, questions=4, attempts=2)
    first = services.attempt_start(actor=world.users["member"], exam=the_exam)
    services.attempt_submit(actor=world.users["member"], attempt=first, answers={})
    second = services.attempt_start(actor=world.users["member"], exam=the_exam)
    assert second.number == 2 and second.pk != first.pk


def test_answers_after_the_time_limit_are_refused_and_nothing_is_written(world):
    bank(world, n=6)
    the_exam = exam(world, questions=4, minutes=10)
    started = timezone.now() - timedelta(minutes=10, seconds=16)  # past the deadline and the grace
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam, now=started)
    with pytest.raises(ValidationError, match="答卷不再接受"):
        services.attempt_submit(actor=world.users["member"], attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted is None and attempt.score is None
    assert not AttemptQuestion.objects.filter(attempt=attempt).exclude(given="").exists()
    assert not ExamResult.objects.exists()
    # within the grace it still counts (the page submits at zero)
    late_but_fair = services.attempt_start(actor=world.users["member"], exam=exam(world, questions=4, attempts=1),
                                           now=timezone.now() - timedelta(minutes=10, seconds=10))
    assert services.attempt_submit(actor=world.users["member"], attempt=late_but_fair, answers={}).submitted


def test_twice_another_s_or_a_wrong_letter_is_refused(world):
    bank(world, n=6)
    the_exam = exam(world, questions=4)
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam)
    with pytest.raises(NotFound):
        services.attempt_submit(actor=world.users["secretary"], attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="第 1 题"):
        services.attempt_submit(actor=world.users["member"], attempt=attempt, answers={1: "Z"})
    with pytest.raises(ValidationError, match="不在本答卷中"):
        services.attempt_submit(actor=world.users["member"], attempt=attempt, answers={99: "A"})
    assert Attempt.objects.get(pk=attempt.pk).submitted is None
    services.attempt_submit(actor=world.users["member"], attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="已于"):
        services.attempt_submit(actor=world.users["member"], attempt=attempt, answers={})


def test_an_exam_not_open_today_or_out_of_the_member_s_tree_cannot_be_started(world):
    bank(world, n=6)
    later = exam(world, questions=4, opens=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="答题时间为"):
        services.attempt_start(actor=world.users["member"], exam=later)
    bank(world, org=world.district_b, n=6)
    theirs = services.exam_create(actor=world.users["b_admin"], org=world.district_b, title="河西区测试", topic="",
                                  questions=4, minutes=5, pass_score=60, attempts=1, opens=TODAY, closes=TODAY)
    with pytest.raises(NotFound):
        services.attempt_start(actor=world.users["member"], exam=theirs)
    with pytest.raises(NotFound):  # not a member at all
        services.attempt_start(actor=world.users["a_admin"], exam=later)
    assert not Attempt.objects.exists()


def test_results_per_org_come_from_the_summary_and_equal_a_recount(world):
    bank(world, n=6)
    the_exam = exam(world, questions=3)
    a2 = make_user("a2")
    Member.objects.filter(pk=world.members["a2_member"].pk).update(user=a2)
    for user, right in ((world.users["member"], True), (world.users["secretary"], True), (a2, False)):
        attempt = services.attempt_start(actor=user, exam=the_exam)
        services.attempt_submit(actor=user, attempt=attempt, answers=right_answers(attempt) if right else {})
    total, children = selectors.results(the_exam, world.district_a)
    assert (total.submitted, total.passed, total.score_sum) == (3, 2, 200)
    street = selectors.results(the_exam, world.street_a)[1]
    assert {(r.org.code, r.submitted, r.passed) for r in street} == {("HP01B01", 2, 2), ("HP01B02", 1, 0)}
    assert [r.average for r in street if r.org.code == "HP01B01"] == [100.0]
    assert not [d for d in summaries.check(["exams.result"]) if d]


def test_the_daily_practice_is_the_same_all_day_and_taken_once(world):
    bank(world, n=12)
    member = world.members["a1_member"]
    first = selectors.practice_questions(member, TODAY)
    assert len(first) == rules.PRACTICE_QUESTIONS and first == selectors.practice_questions(member, TODAY)
    answers = {i: q.answer for i, q in enumerate(first, 1)}
    answers[1] = ""
    practice = services.practice_submit(actor=world.users["member"], answers=answers)
    assert (practice.answered, practice.correct) == (4, 4)
    with pytest.raises(ValidationError, match="今天已经练习过了"):
        services.practice_submit(actor=world.users["member"], answers=answers)
    with pytest.raises(ValidationError, match="至少回答一道题"):
        services.practice_submit(actor=world.users["secretary"], answers={})
    assert PracticeDay.objects.count() == 1


# --- pages and API -------------------------------------------------------------------------------


def test_the_member_takes_an_exam_on_the_pages(world):
    bank(world, n=6)
    the_exam = exam(world, questions=3)
    client = world.client("member")
    home = client.get(reverse("exams:home")).content.decode()
    assert "党章知识测试" in home and "每日一练" in home
    answer = client.post(reverse("exams:start", args=[the_exam.pk]))
    attempt = Attempt.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("exams:attempt", args=[attempt.pk])
    sheet = client.get(answer["Location"]).content.decode()
    assert 'id="countdown"' in sheet and "exams/exam.js" in sheet
    assert attempt.items.first().question.answer not in sheet.split('id="answer-sheet"')[0][-5:]  # no answers shown
    posted = {f"q{position}": given for position, given in right_answers(attempt).items()}
    result = client.post(reverse("exams:attempt", args=[attempt.pk]), posted, follow=True).content.decode()
    assert "得分：100" in result and "正确答案" in result


def test_the_manager_sets_questions_and_an_exam_and_sees_results(world):
    client = world.client("a_admin")
    for i in range(3):
        answer = client.post(reverse("exams:question_create"), {
            "topic": "党史", "kind": "single", "text": f"题{i}", "options": "甲\n乙", "answer": "A"})
        assert answer.status_code == 302, answer.content.decode()
    bad = client.post(reverse("exams:question_create"), {"topic": "党史", "kind": "single", "text": "题", "options": "甲",
                                                          "answer": "A"})
    assert "2–8 个选项" in bad.content.decode() and Question.objects.count() == 3
    assert "题0" in client.get(reverse("exams:questions")).content.decode()
    answer = client.post(reverse("exams:exam_create"), {
        "title": "党史测试", "topic": "党史", "questions": 3, "minutes": 10, "pass_score": 60, "attempts": 1,
        "opens": f"{TODAY:%Y-%m-%d}", "closes": f"{TODAY + timedelta(days=3):%Y-%m-%d}"})
    assert answer.status_code == 302
    the_exam = the_exam_of("党史测试")
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam)
    services.attempt_submit(actor=world.users["member"], attempt=attempt, answers=right_answers(attempt))
    page = client.get(reverse("exams:exam", args=[the_exam.pk]) + f"?org={world.branch_a1.pk}").content.decode()
    assert "张秀英" in page and "100" in page


def the_exam_of(title):
    from exams.models import Exam

    return Exam.objects.get(title=title)


def test_every_page_is_not_found_out_of_scope(world):
    bank(world, n=6)
    the_exam = exam(world, questions=3)
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam)
    b = world.client("b_admin")
    assert b.get(reverse("exams:exam", args=[the_exam.pk])).status_code == 404
    assert b.post(reverse("exams:start", args=[the_exam.pk])).status_code == 404
    assert b.get(reverse("exams:attempt", args=[attempt.pk])).status_code == 404
    assert world.client("secretary").get(reverse("exams:attempt", args=[attempt.pk])).status_code == 404
    assert b.get(reverse("exams:question_create") + f"?org={world.district_a.pk}").status_code == 404
    assert b.get(reverse("exams:exam_create") + f"?org={world.district_a.pk}").status_code == 404
    assert "单选0" not in b.get(reverse("exams:questions")).content.decode()
    outsider = world.client("outsider")
    for name in ("exams:home", "exams:practice", "exams:questions", "exams:question_create", "exams:exam_create"):
        assert outsider.get(reverse(name)).status_code in (403, 404), name
    assert Attempt.objects.count() == 1


def test_every_api_operation_is_not_found_out_of_scope(world):
    bank(world, n=6)
    the_exam = exam(world, questions=3)
    attempt = services.attempt_start(actor=world.users["member"], exam=the_exam)
    b = api_client("b_admin")
    assert b.get(f"/api/v1/exams/{the_exam.pk}/results").status_code == 404
    assert b.post(f"/api/v1/exams/{the_exam.pk}/attempts").status_code == 404
    assert b.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", {"answers": {}},
                  content_type="application/json").status_code == 404
    assert b.post("/api/v1/exams/questions", {"org_id": world.district_a.pk, "topic": "x", "kind": "truefalse",
                                              "text": "x", "answer": "T"}, content_type="application/json").status_code == 404
    assert b.get("/api/v1/exams/").status_code == 404 and b.get("/api/v1/exams/practice").status_code == 404
    assert b.post("/api/v1/exams/practice", {"answers": {"1": "A"}}, content_type="application/json").status_code == 404
    assert Attempt.objects.get().submitted is None and Question.objects.count() == 6


def test_the_api_round_trip(world):
    bank(world, n=6)
    the_exam = exam(world, questions=3)
    client = api_client("member")
    assert [e["id"] for e in client.get("/api/v1/exams/").json()] == [the_exam.pk]
    started = client.post(f"/api/v1/exams/{the_exam.pk}/attempts").json()
    assert len(started["questions"]) == 3 and "answer" not in started["questions"][0]
    attempt = Attempt.objects.get(pk=started["id"])
    body = {"answers": {str(k): v for k, v in right_answers(attempt).items()}}
    done = client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", body, content_type="application/json").json()
    assert done["score"] == 100 and done["passed"] is True
    again = client.post(f"/api/v1/exams/attempts/{attempt.pk}/submit", body, content_type="application/json")
    assert again.status_code == 422 and "已于" in again.json()["detail"]
    results = api_client("a_admin").get(f"/api/v1/exams/{the_exam.pk}/results").json()
    assert results[0]["submitted"] == 1 and results[0]["average"] == 100.0
    practice = client.get("/api/v1/exams/practice").json()
    assert practice["done"] is False and len(practice["questions"]) == rules.PRACTICE_QUESTIONS
