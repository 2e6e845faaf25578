"""Demo accounts (all with the password in DEMO_PASSWORD), documented in the README."""

from django.utils import timezone

from accounts import services
from accounts.models import Grant, User
from core.access import Role
from members.models import Member, MemberStatus
from orgs.models import Org

DEMO_PASSWORD = "Demo@2026"

ACCOUNTS = [
    # username, full name, role, org code (None for the three administrators)
    ("sysadmin", "系统管理员", Role.SYSADMIN, None),
    ("secadmin", "安全管理员", Role.SECADMIN, None),
    ("auditor", "审计管理员", Role.AUDITOR, None),
    ("city_admin", "市委组织部管理员", Role.ORG_ADMIN, "TJ"),
    ("heping_admin", "和平区委组织部管理员", Role.ORG_ADMIN, "HP"),
    ("hexi_admin", "河西区委组织部管理员", Role.ORG_ADMIN, "HX"),
]


def _user(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name, must_change_password=False,
                password_changed_at=timezone.now())
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def load() -> list[tuple[str, str]]:
    """Create the demo accounts; return (username, description) for the README and console."""
    made = []
    for username, full_name, role, code in ACCOUNTS:
        user = _user(username, full_name)
        if code is None:
            services.admin_grant(user=user, role=role)
        else:
            Grant.objects.create(user=user, role=role, org=Org.objects.get(code=code))
        made.append((username, f"{full_name}（{role.label}）"))
    # A branch secretary in 和平区 and a member of that branch.
    branch = Org.objects.get(code="HP01C01B01")
    secretary_member = Member.objects.filter(org=branch, status=MemberStatus.FULL).order_by("pk").first()
    secretary = _user("secretary", secretary_member.name)
    Grant.objects.create(user=secretary, role=Role.SECRETARY, org=branch)
    secretary_member.user = secretary
    secretary_member.save(update_fields=["user"])
    made.append(("secretary", f"{branch.name}书记"))
    plain = Member.objects.filter(org=branch, user__isnull=True).order_by("pk").first()
    member_user = _user("member", plain.name)
    plain.user = member_user
    plain.save(update_fields=["user"])
    made.append(("member", f"{branch.name}党员"))
    return made
