"""`dangjian accounts create-admin USERNAME --role ROLE`: the only way to make one of the three
administrators (三员), at deployment time; the web never grants these roles."""

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import User
from core import audit
from core.access import ADMIN_ROLES, Role
from core.context import acting_as

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#$%^&*-_=+?")


def initial_password(length: int = 20) -> str:
    """Random, with every character class, so it passes the password validators."""
    alphabet = "".join(_CLASSES)
    chars = [secrets.choice(c) for c in _CLASSES]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


class Command(BaseCommand):
    help = "账号管理：create-admin 创建系统、安全或审计管理员（三员），初始密码只显示一次"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create-admin}")
        create = actions.add_parser("create-admin", help="创建三员账号（或给无任何角色的已有账号授予三员角色）")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=sorted(r.value for r in ADMIN_ROLES))
        create.add_argument("--full-name", default="")

    def handle(self, *args, action, username, role, full_name, **options):
        username = username.strip()
        try:
            with acting_as(None, channel="cli"), transaction.atomic():
                user = User.objects.filter(username__iexact=username).first()
                password = None
                if user is None:
                    user, password = self.create_user(username, full_name)
                services.admin_grant(user=user, role=role)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        label = Role(role).label
        if password is None:
            self.stdout.write(self.style.SUCCESS(f"已授予已有账号 {user.username} {label}角色"))
            return
        self.stdout.write(self.style.SUCCESS(f"已创建{label}账号 {user.username}"))
        self.stdout.write(f"初始密码（只显示这一次，首次登录须修改）：{password}")

    def create_user(self, username: str, full_name: str) -> tuple[User, str]:
        user = User(username=username, full_name=full_name, must_change_password=True)
        password = initial_password()
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save()
        audit.record("user.create", obj=user, changes={"after": user.audit_snapshot()})
        return user, password
