from django.urls import reverse

from core.access import get_scope
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

def _certificate_actions(certificate, user) -> list[tuple[str, str]]:
    """Renew and close, on open certificates of members the user may change."""
    if certificate.closed_on or user is None or not get_scope(user).covers(certificate.member.org.path,
                                                                          "member.change"):
        return []
    return [("换发", reverse("transfers:certificate_renew", args=[certificate.pk])),
            ("收回", reverse("transfers:certificate_close", args=[certificate.pk]))]


CertificateTable = Table(actions=_certificate_actions, columns=(
    Column("活动证编号", "number", order_by="number"),
    Column("党员", "member.name"),
    Column("所在党组织", "member.org.name"),
    Column("流入地", "city"),
    Column("流入单位", "unit"),
    Column("联系电话", "contact_masked"),
    Column("发证日期", "issued_on", order_by="issued_on"),
    Column("有效期至", "valid_until", order_by="valid_until"),
    Column("状态", lambda c: ("⚠ " if c.is_expired() else "") + c.display_state()),
    Column("收回日期", "closed_on"),
))
