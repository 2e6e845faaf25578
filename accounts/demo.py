"""Demo accounts (all with the password in DEMO_PASSWORD), documented in the README."""

from django.utils import timezone

from accounts import services
from accounts.models import Grant, User
from core.access import Role
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
    """Create the demo accounts of the administrators (the branch secretary and the member, who
    are members too, come from ``members.demo.load_accounts``); return (username, description)."""
    made = []
    for username, full_name, role, code in ACCOUNTS:
        user = _user(username, full_name)
        if code is None:
            services.admin_grant(user=user, role=role)
        else:
            Grant.objects.create(user=user, role=role, org=Org.objects.get(code=code))
        made.append((username, f"{full_name}（{role.label}）"))
    return made
