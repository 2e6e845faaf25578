from core.tables import Column, Table

CourseTable = Table(empty_text="还没有课程。", columns=(
    Column("课程", "title", linkify=True, order_by="title"),
    Column("栏目", lambda c: " › ".join(n.name for n in c.channel.lineage()) if c.channel else "—"),
    Column("发布组织", "org.name", order_by="org__path"),
    Column("必学对象", lambda c: c.get_required_for_display() or "选学"),
    Column("年度", "year", order_by="year"),
    Column("状态", lambda c: "已发布" if c.published else "草稿"),
))
