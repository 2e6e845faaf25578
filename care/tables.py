from django.urls import reverse
from django.utils import timezone

from care import selectors
from core.access import get_scope
from core.tables import Column, Table


def reasons_of(member) -> list[str]:
    """The reasons annotated by selectors.with_reasons, as labels."""
    labels = selectors.reason_labels()
    flags = (("hardship", "in_hardship"), ("standing", "long_standing"), ("age", "elderly"))
    return [labels[key] for key, attr in flags if getattr(member, attr, False)]


def _standing(member):
    return member.standing_years(timezone.localdate())


def _visit_link(member, user) -> list[tuple[str, str]]:
    if user is None or not get_scope(user).covers(member.org.path, "member.change"):
        return []
    return [("登记走访", reverse("care:visit_create") + f"?member={member.pk}")]


FlaggedMemberTable = Table(actions=_visit_link, empty_text="没有符合条件的关怀对象。", columns=(
    Column("姓名", "name", order_by="name_pinyin", linkify=lambda m: reverse("care:member", args=[m.pk])),
    Column("性别", "gender"),
    Column("年龄", lambda m: m.age(timezone.localdate()), order_by="birth_date"),
    Column("党龄", lambda m: "" if _standing(m) is None else _standing(m), order_by="converted"),
    Column("关怀原因", lambda m: "、".join(reasons_of(m))),
    Column("所在党组织", "org.name", order_by="org__path"),
    Column("最近走访", "last_visited", order_by="last_visited"),
))

CareVisitTable = Table(columns=(
    Column("走访日期", "visited", order_by="visited"),
    Column("党员", "member.name", linkify=True),
    Column("所在党组织", "member.org.name"),
    Column("走访类型", "occasion"),
    Column("走访人", "visitors"),
    Column("慰问内容", "gifts"),
    Column("慰问金（元）", "amount", order_by="amount"),
    Column("记录人", lambda v: str(v.recorded_by or "")),
))
