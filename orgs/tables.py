from core.tables import Column, Table
from orgs.selectors import with_branch_names

OrgTable = Table(columns=(
    Column("名称", "label", linkify=True, order_by="name"),
    Column("组织代码", "code", order_by="code"),
    Column("组织类别", "kind", order_by="kind"),
    Column("领域", "sector"),
    Column("层级", "level"),
    Column("成立日期", "founded", order_by="founded"),
), preload=with_branch_names)
