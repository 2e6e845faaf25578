"""System checks of the deployment (`dangjian check --deploy`)."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections

from core import audit_guard


@register(Tags.database, deploy=True)
def audit_triggers(app_configs=None, databases=None, **kwargs):
    """The audit trail is append-only only while its database triggers exist: a deployment
    without them (dropped or disabled by hand, or a table rebuilt) must not pass."""
    errors = []
    for alias in databases or ["default"]:
        try:
            missing = audit_guard.missing(connections[alias])
        except DatabaseError as exc:
            missing = [f"（无法读取：{exc}）"]
        if missing:
            errors.append(Error(
                f"数据库 {alias} 缺少审计日志的只追加触发器：{'、'.join(missing)}",
                hint="先运行 dangjian migrate；迁移已完成仍缺少时运行 dangjian audit guard 重新安装，"
                     "并用 dangjian audit verify 检查审计链。",
                id="core.E001",
            ))
    return errors
