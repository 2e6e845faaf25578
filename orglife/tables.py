from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.tables import Column, Table
from orgs.selectors import with_branch_names


def _branch_names(meetings, user) -> None:
    with_branch_names([m.org for m in meetings], user)


MeetingTable = Table(columns=(
    Column("日期", "held_on", linkify=True, order_by="held_on"),
    Column("类别", "kind", order_by="kind"),
    Column("主题", "topic"),
    Column("党组织", "org.label"),
    Column("地点", "place"),
    Column("状态", "state", order_by="state"),
), preload=_branch_names)

# The record review queue (纪实报告检查): oldest submission first, every one reachable by paging.
ReviewTable = Table(columns=(
    Column("提交时间", lambda m: timezone.localtime(m.submitted_at).strftime("%Y-%m-%d %H:%M") if m.submitted_at else "",
           order_by="submitted_at"),
    Column("会议日期", "held_on", linkify=True, order_by="held_on"),
    Column("类别", "kind", order_by="kind"),
    Column("主题", "topic"),
    Column("党组织", "org.label"),
    Column("雷同标记", lambda m: format_html('<span class="badge badge-red">疑似雷同 {}</span>', m.flags)
           if m.flags else "", export=False),
), preload=_branch_names, actions=lambda m, user: [("审核", reverse("orglife:review", args=[m.pk]))],
    empty_text="没有待审核的会议记录。")
