from django.utils import timezone

from core.tables import Badge, Column, Table
from recruitment import rules


def _warning(case) -> str:
    today = timezone.localdate()
    if not case.is_open or case.warn_on is None or case.warn_on > today:
        return ""
    return Badge("已逾期", "red") if case.due_on and case.due_on < today else Badge("临近期限", "yellow")


CaseTable = Table(columns=(
    Column("姓名", "name", linkify=True, order_by="name"),
    Column("党支部", "org.name"),
    Column("人员类别", "category"),
    Column("阶段", "stage", order_by="stage"),
    Column("最近完成", lambda c: f"{rules.STEP[c.last_step].circled} {rules.STEP[c.last_step].label}",
           order_by="last_step"),
    Column("状态", "status"),
    Column("申请日期", "applied", order_by="applied"),
    Column("预警", _warning, order_by="due_on"),
))
