from django.urls import reverse

from core.access import get_scope
from core.tables import Column, Table


def _exemplar_actions(exemplar, user) -> list[tuple[str, str]]:
    """宣传 for a selected exemplar, to whoever assesses for the org that selected it."""
    if exemplar.state == "selected" and get_scope(user).covers(exemplar.selected_by.path, "oversight.inspect"):
        return [("宣传", reverse("fivegood:exemplar_publish", args=[exemplar.pk]))]
    return []


StandardTable = Table(empty_text="还没有五好党支部创建标准。", columns=(
    Column("标准名称", lambda s: str(s), linkify=True),
    Column("制定单位", "org.name", order_by="org__path"),
    Column("年度", "year", order_by="year"),
    Column("领域", lambda s: s.get_sector_display() or "全部领域"),
    Column("组织类型", "org_kind"),
    Column("状态", "state"),
))

AssessmentTable = Table(empty_text="还没有五好党支部考评。", columns=(
    Column("党支部", "org.name", linkify=True, order_by="org__path"),
    Column("年度", "year", order_by="year"),
    Column("状态", "state"),
    Column("自评得分", "self_total", order_by="self_total"),
    Column("考评得分", lambda a: "" if a.upper_total is None else a.upper_total, order_by="upper_total"),
    Column("等次", "grade"),
))

ExemplarTable = Table(empty_text="还没有先进典型。", actions=_exemplar_actions, columns=(
    Column("标题", "title", linkify=True),
    Column("党支部", "org.name", order_by="org__path"),
    Column("年度", "year", order_by="year"),
    Column("遴选单位", "selected_by.name"),
    Column("状态", "state"),
))
