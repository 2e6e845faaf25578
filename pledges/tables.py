from core.tables import Column, Table

PostTable = Table(empty_text="还没有设立党员岗位。", columns=(
    Column("岗位", "name", linkify=True, order_by="name"),
    Column("类别", "kind"),
    Column("党组织", "org.name", order_by="org__path"),
    Column("上岗党员", "holder.name"),
    Column("上岗日期", "started_on", order_by="started_on"),
    Column("状态", lambda p: "已撤牌" if p.ended_on else "在岗"),
))
