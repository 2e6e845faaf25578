from core.tables import Column, Table

OrderTable = Table(empty_text="还没有群众点单。", columns=(
    Column("订单号", "number", linkify=True, order_by="number"),
    Column("社区", "community.name", order_by="community__path"),
    Column("服务项目", "item.name"),
    Column("状态", "state"),
    Column("超时", lambda o: "超时" if o.overdue else ""),
    Column("点单日期", "day", order_by="day"),
    Column("本环节时限", "due_at", order_by="due_at"),
))
