"""Accounts, roles granted on orgs, and the records login security keeps."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.access import Role

# The administrator roles (core.access.ADMIN_ROLES) as a list in a fixed order for the database
# constraint: a set's order changes from run to run, and makemigrations then sees a changed constraint every other time. (This is the
# order migration 0002 recorded.)
_ADMIN_ROLE_VALUES = [Role.SYSADMIN.value, Role.AUDITOR.value, Role.SECADMIN.value]


class User(AbstractUser):
    """A person who logs in. What they may see comes from their grants (and their member record)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("须修改初始密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # TOTP (optional second factor): the secret is stored encrypted like other sensitive data; the
    # last accepted time step makes every code single-use.
    totp_secret = models.TextField("动态口令密钥（密文）", blank=True, editable=False)
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    def audit_snapshot(self) -> dict:
        return {
            "username": self.username,
            "full_name": self.full_name,
            "is_active": self.is_active,
            "must_change_password": self.must_change_password,
            "totp_enabled": self.totp_enabled,
        }

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_secret)


class Grant(models.Model):
    """A role held on an org; it covers the org and all its descendants.

    The three administrator roles are held with no org (system-wide).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role)
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="grants",
        verbose_name="党组织",
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="grant_unique"),
            # Grants without an org are the administrators' (check below): one per person, so two
            # concurrent grants of different admin roles cannot both succeed (三员分立).
            models.UniqueConstraint(
                fields=["user"], condition=Q(org__isnull=True), name="grant_one_admin_role"
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=_ADMIN_ROLE_VALUES, org__isnull=True)
                    | (~Q(role__in=_ADMIN_ROLE_VALUES) & Q(org__isnull=False))
                ),
                name="grant_admin_roles_have_no_org",
            ),
        ]

    def __str__(self):
        where = f"@{self.org}" if self.org_id else ""
        return f"{self.user} {self.get_role_display()}{where}"

    def audit_org(self):
        return self.org


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so that none of the last few is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user_id}@{self.created:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """Failure counter and lock for one key: an account, an address, or a trusted device."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.key


class ApiToken(models.Model):
    """A bearer token for the API. Only its SM3 hash is stored; it lapses after idle time."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    class Meta:
        verbose_name = "API令牌"

    def __str__(self):
        return f"API令牌 {self.pk}（用户 {self.user_id}）"


def org_grants(user_id: int) -> list[tuple[str, str]]:
    """The loader of the org grant tree (``accounts.apps``): a user's roles on orgs, by org path."""
    return list(Grant.objects.filter(user_id=user_id, org__isnull=False).values_list("role", "org__path"))
