from core.tables import Column, Table

MeetingTable = Table(columns=(
    Column("日期", "held_on", linkify=True, order_by="held_on"),
    Column("类别", "kind", order_by="kind"),
    Column("主题", "topic"),
    Column("党组织", "org.name"),
    Column("地点", "place"),
    Column("状态", "state", order_by="state"),
))
