from core.tables import Column, Table

ItemTable = Table(empty_text="没有整改事项。", columns=(
    Column("问题", lambda i: i.problem[:40], linkify=True),
    Column("整改单位", "org.name", order_by="org__path"),
    Column("巡查", "inspection.title"),
    Column("责任人", "owner"),
    Column("状态", "state"),
    Column("超期", lambda i: "超期" if i.overdue else ""),
    Column("督办", lambda i: i.escalated_to.name if i.escalated_to else ""),
    Column("整改时限", "deadline", order_by="deadline"),
))

InspectionTable = Table(empty_text="还没有巡查。", columns=(
    Column("巡查名称", "title", linkify=True),
    Column("巡查单位", "org.name", order_by="org__path"),
    Column("年度", lambda i: f"{i.year}年{i.get_half_display()}", order_by="year"),
    Column("类型", "kind"),
    Column("方式", lambda i: f"{i.get_timing_display()}·{i.get_notice_display()}"),
    Column("开始日期", "started_on", order_by="started_on"),
))

TeamTable = Table(empty_text="还没有督导组。", columns=(
    Column("督导组", "name", linkify=True),
    Column("组建单位", "org.name", order_by="org__path"),
    Column("组长", "leader"),
    Column("组建日期", "formed_on", order_by="formed_on"),
))

VisitTable = Table(empty_text="还没有督导记录。", columns=(
    Column("督导对象", "org.name", linkify=True, order_by="org__path"),
    Column("督导组", "team.name"),
    Column("日期", "day", order_by="day"),
    Column("问题数", "problems", order_by="problems"),
))

PlanTable = Table(empty_text="还没有分领域指导方案。", columns=(
    Column("方案名称", "title", linkify=True),
    Column("领域", "sector"),
    Column("年度", "year", order_by="year"),
    Column("制定单位", "org.name", order_by="org__path"),
))

BulletinTable = Table(empty_text="还没有季度通报。", columns=(
    Column("标题", "title", linkify=True),
    Column("通报单位", "org.name", order_by="org__path"),
    Column("季度", lambda b: f"{b.year}年{b.get_quarter_display()}", order_by="year"),
    Column("状态", "state"),
    Column("数据截至", "as_of", order_by="as_of"),
))
