"""The exams' rules, pure functions: what a question must be, how an answer is read and marked,
and an attempt's time limit (with a few seconds' grace for the network, never more)."""

from datetime import timedelta

from django.core.exceptions import ValidationError

from exams.models import QuestionKind

MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_QUESTIONS = 100  # an exam's questions
MAX_MINUTES = 180
MAX_ATTEMPTS = 5
GRACE = timedelta(seconds=15)  # a submission this late still counts: the page submits at zero
PRACTICE_QUESTIONS = 5  # 每日一练


def letters(count: int) -> str:
    return "".join(chr(ord("A") + i) for i in range(count))


def check_question(kind: str, text: str, options: list[str], answer: str) -> tuple[list[str], str]:
    """The options (stripped) and the answer (normalised: upper case, letters in order), or a
    ValidationError naming what is wrong."""
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "题型不正确（单选题、多选题、判断题）"})
    if not (text or "").strip():
        raise ValidationError({"text": "请填写题干"})
    answer = "".join(sorted(set((answer or "").strip().upper().replace(",", "").replace("，", "").replace(" ", ""))))
    if kind == QuestionKind.TRUE_FALSE:
        if answer not in ("T", "F"):
            raise ValidationError({"answer": "判断题的答案填 T（正确）或 F（错误）"})
        return [], answer
    options = [str(o).strip() for o in options if str(o).strip()]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ValidationError({"options": f"选择题须有 {MIN_OPTIONS}–{MAX_OPTIONS} 个选项"})
    if len(set(options)) != len(options):
        raise ValidationError({"options": "选项有重复"})
    allowed = letters(len(options))
    if not answer or any(letter not in allowed for letter in answer):
        raise ValidationError({"answer": f"答案只能是选项字母 {allowed[0]}–{allowed[-1]}"})
    if kind == QuestionKind.SINGLE and len(answer) != 1:
        raise ValidationError({"answer": "单选题只有一个正确答案"})
    if kind == QuestionKind.MULTIPLE and len(answer) < 2:
        raise ValidationError({"answer": "多选题至少有两个正确答案"})
    return options, answer


def read_answer(kind: str, option_count: int, given: str) -> str:
    """A member's answer as letters in order; '' for none. Letters the question has not: refused."""
    given = "".join(sorted(set((given or "").strip().upper())))
    allowed = "TF" if kind == QuestionKind.TRUE_FALSE else letters(option_count)
    if any(letter not in allowed for letter in given):
        raise ValidationError("答案不是本题的选项")
    if given and kind != QuestionKind.MULTIPLE and len(given) != 1:
        raise ValidationError("单选题、判断题只能选一个答案")
    return given


def is_correct(answer: str, given: str) -> bool:
    """Right only when exactly the right letters are chosen (a multiple choice half right is wrong)."""
    return bool(given) and given == answer


def score(correct: int, total: int) -> int:
    """Out of 100, rounded half up, in integers."""
    return (200 * correct + total) // (2 * total) if total else 0


def check_exam(*, questions: int, minutes: int, pass_score: int, attempts: int, opens, closes) -> None:
    if not 1 <= questions <= MAX_QUESTIONS:
        raise ValidationError({"questions": f"题目数为 1–{MAX_QUESTIONS}"})
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError({"minutes": f"限时为 1–{MAX_MINUTES} 分钟"})
    if not 0 <= pass_score <= 100:
        raise ValidationError({"pass_score": "及格分为 0–100"})
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise ValidationError({"attempts": f"允许作答次数为 1–{MAX_ATTEMPTS}"})
    if closes < opens:
        raise ValidationError({"closes": "截止日期不能早于开始日期"})


def too_late(deadline, now) -> bool:
    return now > deadline + GRACE
