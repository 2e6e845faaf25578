from core.tables import Column, Table

CheckInTable = Table(empty_text="还没有党员到社区报到。", columns=(
    Column("党员", "member.name", linkify=True, order_by="member__name"),
    Column("所在党组织", "unit.name", order_by="unit__path"),
    Column("报到社区", "community.name", order_by="community__path"),
    Column("服务队", lambda c: c.team.name if c.team else "—"),
    Column("状态", "state"),
    Column("申请日期", "requested_on", order_by="requested_on"),
))
