from core.tables import Column, Table

RoundTable = Table(empty_text="还没有述职评议。", columns=(
    Column("名称", "title", linkify=True),
    Column("组织单位", "org.name", order_by="org__path"),
    Column("年度", "year", order_by="year"),
    Column("述职会议", "meeting_day", order_by="meeting_day"),
    Column("状态", "state"),
))

ResultTable = Table(empty_text="没有评议结果。", columns=(
    Column("述职单位", "org.name", linkify=True, order_by="org__path"),
    Column("述职人", "secretary_name"),
    Column("述职评议", "round.title"),
    Column("年度", "round.year", order_by="round__year"),
    Column("综合得分", lambda s: s.score if s.score is not None else "", order_by="score"),
    Column("等次", "grade"),
))

FollowUpTable = Table(empty_text="没有整改要求。", columns=(
    Column("整改要求", "text", linkify=True),
    Column("落实单位", "org.name", order_by="org__path"),
    Column("述职评议", "subject.round.title"),
    Column("完成时限", "due", order_by="due"),
    Column("完成日期", lambda f: f.done_on or ("逾期" if f.overdue else ""), order_by="done_on"),
))
