from core.tables import Column, Table

MemberTable = Table(columns=(
    Column("姓名", "name", linkify=True, order_by="name"),
    Column("性别", "gender"),
    Column("出生日期", "birth_date", order_by="birth_date"),
    Column("身份证号", "id_number_masked"),
    Column("党员状态", "status"),
    Column("入党日期", "joined", order_by="joined"),
    Column("所在党组织", "org.name"),
), only=("name", "gender", "birth_date", "id_number_masked", "status", "joined", "org__name", "org__path"))
