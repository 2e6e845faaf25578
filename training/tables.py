from core.tables import Column, Table

GroupStudyTable = Table(empty_text="还没有集中学习记录。", columns=(
    Column("日期", "held_on", linkify=True, order_by="held_on"),
    Column("党组织", "org.name", order_by="org__path"),
    Column("类别", "kind"),
    Column("学习主题", "topic"),
    Column("学时", "hours"),
))

ClassTable = Table(empty_text="还没有培训班。", columns=(
    Column("培训班", "title", linkify=True, order_by="title"),
    Column("主办组织", "org.name", order_by="org__path"),
    Column("培训对象", "target"),
    Column("轮训周期", "cycle"),
    Column("开班", "starts", order_by="starts"),
    Column("结业", "ends"),
    Column("状态", lambda c: "已结业" if c.closed_on else "进行中"),
))
