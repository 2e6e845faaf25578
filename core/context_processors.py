"""The left navigation, built from what the user's scope allows."""

from django.urls import reverse

from core.access import Role, get_scope
from portal.models import channel_role_labels


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = get_scope(user)
    items = [("首页", reverse("core:home"), "home")]
    if scope.has_any_org_perm("org.view") or scope.member_org_id:
        items.append(("党组织", reverse("orgs:tree"), "orgs"))
    if scope.has_any_org_perm("member.view"):
        items.append(("党员", reverse("members:list"), "members"))
        items.append(("关怀帮扶", reverse("care:list"), "care"))
        items.append(("组织关系转接", reverse("transfers:list"), "transfers"))
    if scope.has_any_org_perm("recruitment.view"):
        items.append(("发展党员", reverse("recruitment:list"), "recruitment"))
    if scope.has_any_org_perm("orglife.view") or scope.member_id:
        items.append(("组织生活", reverse("orglife:list"), "orglife"))
    if scope.has_any_org_perm("member.change"):
        items.append(("档案更正申请", reverse("members:corrections"), "corrections"))
    if scope.member_id:
        items.append(("我的档案", reverse("members:detail", args=[scope.member_id]), "me"))
    if scope.tree("channel").holds("portal.edit"):
        items.append(("资讯编辑", reverse("portal:editor"), "news"))
    if scope.has_perm("accounts.manage"):
        items.append(("账号与授权", reverse("accounts:user_list"), "accounts"))
    if scope.has_perm("audit.read"):
        items.append(("审计日志", reverse("core:audit_list"), "audit"))
    if scope.has_perm("system.configure"):
        items.append(("系统配置", reverse("core:system"), "system"))
    # The API connects an organization department's other systems to the platform: its docs are
    # in the menu of the org admins who do that, not of branch roles, members, editors or 三员.
    if Role.ORG_ADMIN in scope.roles():
        items.append(("接口文档", "/api/v1/docs", "api"))
    section = request.path.strip("/").split("/")[0] if request.path != "/" else "home"
    role_label = "，".join(filter(None, [scope.role_label(), *channel_role_labels(user)]))
    return {"nav_items": items, "nav_section": section, "user_scope": scope, "user_role_label": role_label}
