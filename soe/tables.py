from core.tables import Column, Table

TaskTable = Table(empty_text="还没有国企党建工作任务。", columns=(
    Column("任务", "title", linkify=True),
    Column("分工单位", "org.name", order_by="org__path"),
    Column("年度", lambda t: f"{t.year}年第{t.number}项", order_by="year"),
    Column("完成时限", "due_on", order_by="due_on"),
))

ShareTable = Table(empty_text="台账中没有任务分工。", columns=(
    Column("任务", lambda s: s.task.title, linkify=True),
    Column("责任党组织", "org.name", order_by="org__path"),
    Column("牵头负责人", "lead"),
    Column("进展", "progress"),
    Column("完成时限", "due_on", order_by="due_on"),
    Column("完成日期", "done_on", order_by="done_on"),
    Column("逾期", lambda s: "逾期" if s.overdue else ""),
))
