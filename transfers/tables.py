from core.tables import Column, Table

LetterTable = Table(columns=(
    Column("介绍信编号", "number", linkify=True, order_by="number"),
    Column("党员", "member.name"),
    Column("转出党组织", "from_org_name"),
    Column("接收党组织", "to_org_name"),
    Column("类别", "kind"),
    Column("开具日期", "issued_on", order_by="issued_on"),
    Column("有效期至", "valid_until", order_by="valid_until"),
    Column("状态", lambda letter: letter.display_state()),
))

CertificateTable = Table(columns=(
    Column("活动证编号", "number", order_by="number"),
    Column("党员", "member.name"),
    Column("所在党组织", "member.org.name"),
    Column("流入地", "city"),
    Column("流入单位", "unit"),
    Column("联系电话", "contact_masked"),
    Column("发证日期", "issued_on", order_by="issued_on"),
    Column("有效期至", "valid_until", order_by="valid_until"),
    Column("状态", lambda c: "已过期" if c.is_expired() else "有效"),
))
