from core.tables import Column, Table

CaseTable = Table(empty_text="没有后进党组织整顿记录。", columns=(
    Column("党组织", "org.name", linkify=True, order_by="org__path"),
    Column("年度", "year", order_by="year"),
    Column("认定日期", "found_on", order_by="found_on"),
    Column("来源", "source"),
    Column("状态", "state"),
    Column("整顿时限", lambda c: c.plan.deadline if hasattr(c, "plan") else ""),
    Column("超期", lambda c: "超期" if c.overdue else ""),
    Column("整顿后等次", "grade_after"),
))
