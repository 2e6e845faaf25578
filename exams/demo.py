"""Demo exams: the city's question bank on the rules the platform enforces (../shared/domain/rules.md:
党章, 三会一课, dues, recruitment, learning), this month's exam of the city for every member, taken
by part of the members (most pass, some not; the demo member not yet, so the exam waits for them),
and a few weeks of daily practice. Rows go in bulk; ``summaries.rebuild()`` (the demo command)
fills the results summary."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.bulk import insert_many
from exams import rules
from exams.models import Attempt, AttemptQuestion, Exam, PracticeDay, Question, QuestionKind
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org

S, M, T = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE
# (topic, kind, text, options, answer, explanation): each from rules.md.
QUESTIONS = [
    ("党章党规", S, "党员没有正当理由，连续几个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党？",
     ["三个月", "六个月", "九个月", "一年"], "B", "《党章》第九条"),
    ("党章党规", T, "预备党员的预备期为一年。", [], "T", "《党章》第七条"),
    ("党章党规", S, "支部党员大会一般多长时间召开一次？", ["每月", "每季度", "每半年", "每年"], "B", "《中国共产党支部工作条例（试行）》"),
    ("党章党规", S, "党支部委员会会议一般多长时间召开一次？", ["每周", "每月", "每季度", "每半年"], "B", "支委会一般每月召开一次"),
    ("党章党规", M, "“三会一课”中的“三会”是指哪几个会？", ["支部党员大会", "支部委员会会议", "党小组会", "民主生活会"], "ABC",
     "三会：支部党员大会、支部委员会、党小组会；一课：党课"),
    ("党章党规", T, "组织生活会一般每年召开一次。", [], "T", "组织生活会一般每年召开一次，通常在第四季度"),
    ("党章党规", S, "党支部书记每年至少为党员讲几次党课？", ["一次", "两次", "三次", "四次"], "A", "书记每年至少讲一次党课"),
    ("党费", S, "在职党员月工资收入（税后）5400元，每月应交纳党费多少元？", ["27.00", "54.00", "81.00", "108.00"], "C",
     "5000元以上至10000元（含）按1.5%交纳：5400×1.5%=81.00"),
    ("党费", S, "在职党员月工资收入（税后）11500元，每月应交纳党费多少元？", ["172.50", "230.00", "115.00", "200.00"], "B",
     "10000元以上按2%交纳，全额按一个比例：11500×2%=230.00"),
    ("党费", T, "党费按超额累进的方法计算。", [], "F", "全额按一个比例计算，不是超额累进"),
    ("党费", S, "学生党员每月交纳党费多少元？", ["0.2元", "0.5元", "1元", "2元"], "A", "学生、下岗失业、低保党员每月0.2元"),
    ("党费", T, "补交党费最多补交六个月。", [], "T", "欠交党费最多补交6个月"),
    ("发展党员", S, "申请入党的人年满多少岁？", ["十六岁", "十八岁", "二十岁", "二十二岁"], "B", "《党章》第一条"),
    ("发展党员", M, "发展党员工作的五个阶段包括？", ["申请入党", "入党积极分子的确定和培养教育", "发展对象的确定和考察",
                                                  "预备党员的接收", "预备党员的教育考察和转正"], "ABCDE",
     "《中国共产党发展党员工作细则》：五个阶段、二十五个步骤"),
    ("发展党员", T, "入党积极分子经过一年以上培养教育和考察，方可列为发展对象。", [], "T", "细则第十三条"),
    ("学习教育", S, "党员每年集中学习培训时间一般不少于多少学时？", ["24学时", "32学时", "48学时", "56学时"], "B",
     "《中国共产党党员教育管理工作条例》"),
    ("学习教育", S, "基层党组织书记和班子成员每年集中学习培训时间不少于多少学时？", ["32学时", "40学时", "56学时", "72学时"], "C",
     "《中国共产党党员教育管理工作条例》"),
    ("学习教育", T, "基层党组织书记培训要确保至少轮训一遍。", [], "T", "分级分类开展培训"),
    ("组织关系", S, "党员外出工作、生活多长时间以上、地点比较固定的，应当转移组织关系？", ["三个月", "六个月", "一年", "两年"], "B",
     "外出6个月以上地点比较固定的，转移党员组织关系"),
    ("组织关系", T, "党员组织关系介绍信的有效期一般不超过三个月。", [], "T", "介绍信有效期一般不超过3个月"),
]


def bank() -> list[Question]:
    city = Org.objects.get(depth=1)
    return [Question.objects.create(org=city, topic=topic, kind=kind, text=text, options=options, answer=answer,
                                    explanation=explanation)
            for topic, kind, text, options, answer, explanation in QUESTIONS]


def load(rng: random.Random, *, share: float = 0.3, limit: int | None = None) -> int:
    """Returns the number of attempts."""
    today = timezone.localdate()
    questions = bank()
    city = Org.objects.get(depth=1)
    opens = today.replace(day=1)
    exam = Exam.objects.create(org=city, title=f"{today.year}年{today.month}月党章党规和党建知识测试", topic="",
                               questions=10, minutes=20, pass_score=60, attempts=1, opens=opens,
                               closes=opens + timedelta(days=40))
    demo_user_members = set(Member.objects.filter(user__username="member").values_list("pk", flat=True))
    members = [m for m in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id")
               if m[0] not in demo_user_members]
    chosen = rng.sample(members, k=min(limit or len(members), int(len(members) * share)))
    now = timezone.now()
    window = (now - datetime.combine(opens, time(0), tzinfo=timezone.get_current_timezone())).total_seconds() - 1800
    attempts, picks = [], []
    for member_id, org_id in chosen:
        started = now - timedelta(seconds=1800 + rng.random() * max(window, 0))  # since the first, before now
        drawn = rng.sample(questions, exam.questions)
        skill = rng.choice((0.95, 0.85, 0.75, 0.6, 0.4))
        right = [rng.random() < skill for _ in drawn]
        score = rules.score(sum(right), len(drawn))
        attempts.append({"exam_id": exam.pk, "member_id": member_id, "org_id": org_id, "number": 1,
                         "started": started, "deadline": started + timedelta(minutes=exam.minutes),
                         "submitted": started + timedelta(minutes=rng.randint(5, 19)), "score": score,
                         "passed": score >= exam.pass_score})
        picks.append([(q, ok) for q, ok in zip(drawn, right, strict=True)])
    insert_many(Attempt, attempts)
    ids = dict(Attempt.objects.filter(exam=exam).values_list("member_id", "pk"))
    rows = []
    for attempt, drawn in zip(attempts, picks, strict=True):
        for position, (question, ok) in enumerate(drawn, start=1):
            rows.append({"attempt_id": ids[attempt["member_id"]], "question_id": question.pk, "position": position,
                         "given": question.answer if ok else _wrong(question), "correct": ok})
    insert_many(AttemptQuestion, rows)
    practice = []
    for member_id, org_id in chosen[: len(chosen) // 2]:
        for back in range(1, 15):
            if rng.random() < 0.5:
                answered = rules.PRACTICE_QUESTIONS
                practice.append({"member_id": member_id, "org_id": org_id, "day": today - timedelta(days=back),
                                 "answered": answered, "correct": rng.randint(2, answered)})
    insert_many(PracticeDay, practice)
    return len(attempts)


def _wrong(question: Question) -> str:
    if question.kind == QuestionKind.TRUE_FALSE:
        return "F" if question.answer == "T" else "T"
    letters = rules.letters(len(question.options))
    # a letter not in the answer, or (every option right) one too few
    return next((letter for letter in letters if letter not in question.answer), question.answer[:-1])
