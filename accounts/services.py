"""Account workflows: login attempts, passwords, accounts and grants, API tokens.

Each is one transaction that writes its audit entry; a refused action raises ValidationError with
a Chinese message and changes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import lockout, totp
from accounts.models import ApiToken, Grant, User
from core import audit, context
from core.access import ADMIN_ROLES, Role, clear_scope_cache, get_scope
from core.crypto import get_provider, sm3_hex
from core.models import AuditEntry


@dataclass
class LoginResult:
    user: User | None
    error: str = ""
    device: str | None = None
    needs_totp: bool = False


def login_attempt(request, *, username: str, password: str) -> LoginResult:
    """Check lockout, then the password; count failures; audit every outcome."""
    username = (username or "").strip()[:150]
    ip = context.current().ip
    device = lockout.device_for(request, username)
    keys = lockout.keys_for(username, ip, device)
    lock = lockout.locked(keys)
    if lock:
        audit.record("login.locked", object_type="accounts.user", object_repr=username,
                     result=AuditEntry.Result.DENIED)
        return LoginResult(None, lock.message())
    user = authenticate(request, username=username, password=password)
    if user is None:
        tries_left = lockout.register_failure(keys)
        # The failure that locks says so: the auditor sees when a lock began, not just attempts.
        audit.record("login.failed", object_type="accounts.user", object_repr=username,
                     result=AuditEntry.Result.FAILURE, changes=None if tries_left else {"locked": True})
        if not tries_left:
            return LoginResult(None, _lock_message(keys))
        return LoginResult(None, lockout.wrong_password_message(tries_left))
    lockout.register_success(username, device)
    if user.totp_enabled:
        # The password was right; the login completes only with a valid one-time code.
        audit.record("login.password_ok", obj=user, user=user)
        return LoginResult(user, device=device, needs_totp=True)
    audit.record("login.success", obj=user, user=user)
    return LoginResult(user, device=device)


def login_totp(request, *, user: User, code: str, device: str | None = None) -> str:
    """Second step of a login with TOTP. Returns an error message, or "" when the code is valid.

    Wrong codes count as login failures (the same lock); a code is accepted once only: the
    accepted step is stored under a row lock, so two requests with one code cannot both pass."""
    keys = lockout.keys_for(user.username, context.current().ip, device)
    lock = lockout.locked(keys)
    if lock:
        audit.record("login.locked", obj=user, user=user, result=AuditEntry.Result.DENIED)
        return lock.message()
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        step = totp.match(get_provider().decrypt(fresh.totp_secret), code, last_step=fresh.totp_last_step)
        if step is not None:
            fresh.totp_last_step = step
            fresh.save(update_fields=["totp_last_step"])
            audit.record("login.success", obj=fresh, user=fresh, changes={"factor": "totp"})
            return ""
    tries_left = lockout.register_failure(keys)
    audit.record("login.totp_failed", obj=user, user=user, result=AuditEntry.Result.FAILURE,
                 changes={} if tries_left else {"locked": True})
    return f"动态验证码错误或已使用，还可尝试 {tries_left} 次" if tries_left else _lock_message(keys)


def _lock_message(keys: list[str]) -> str:
    """The message of the lock that the failure just registered (no tries left) has set."""
    lock = lockout.locked(keys)
    if lock is None:
        raise AssertionError("register_failure left no tries but set no lock")
    return lock.message()


def totp_enable(*, user: User, secret: str, code: str) -> None:
    """Turn on TOTP after the user proved their authenticator shows the right code."""
    step = totp.match(secret, code, last_step=None)
    if step is None:
        raise ValidationError({"code": "动态验证码不正确，请核对手机时间后重试"})
    with transaction.atomic():
        user.totp_secret = get_provider().encrypt(secret)
        user.totp_last_step = step
        user.save(update_fields=["totp_secret", "totp_last_step"])
        audit.record("totp.enable", obj=user, user=user)


def totp_disable(*, user: User, code: str) -> None:
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if not fresh.totp_enabled:
            raise ValidationError("尚未启用动态口令")
        step = totp.match(get_provider().decrypt(fresh.totp_secret), code, last_step=fresh.totp_last_step)
        if step is None:
            raise ValidationError({"code": "动态验证码错误或已使用"})
        fresh.totp_secret = ""
        fresh.totp_last_step = None
        fresh.save(update_fields=["totp_secret", "totp_last_step"])
        audit.record("totp.disable", obj=fresh, user=fresh)
    user.totp_secret = ""


def password_expired(user: User) -> bool:
    max_age = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90)
    if user.password_changed_at is None:
        return True
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"new_password": "新密码不能与原密码相同"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save()
        audit.record("password.change", obj=user, user=user)


def _require(actor, perm: str) -> None:
    if not get_scope(actor).has_perm(perm):
        raise PermissionDenied("无权执行此操作")


def user_create(*, actor, username: str, full_name: str, initial_password: str) -> User:
    """The security admin creates an account; its holder must change the password at first login."""
    _require(actor, "accounts.manage")
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "用户名已存在"})
    probe = User(username=username, full_name=full_name)
    try:
        password_validation.validate_password(initial_password, probe)
    except ValidationError as exc:
        raise ValidationError({"initial_password": exc.messages}) from exc
    with transaction.atomic():
        user = User(username=username, full_name=full_name, must_change_password=True)
        user.set_password(initial_password)
        user.save()
        audit.record("user.create", obj=user, changes={"after": user.audit_snapshot()})
    return user


def _refuse_admin_target(user: User) -> None:
    """三员分立: the security admin does not act on the other administrators' accounts; those are
    managed at deployment from the command line."""
    if user.grants.filter(role__in=[r.value for r in ADMIN_ROLES]).exists():
        raise ValidationError("三员分立：管理员账号只能由部署人员通过命令行管理")


def user_set_active(*, actor, user: User, active: bool) -> None:
    _require(actor, "accounts.manage")
    if user.pk == actor.pk:
        raise ValidationError("不能停用或启用自己的账号")
    _refuse_admin_target(user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record("user.activate" if active else "user.deactivate", obj=user)


def user_reset_password(*, actor, user: User, new_password: str) -> None:
    _require(actor, "accounts.manage")
    if user.pk == actor.pk:
        raise ValidationError("请通过“修改密码”更改自己的密码")
    _refuse_admin_target(user)
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = True
        user.save()
        ApiToken.objects.filter(user=user).delete()
        audit.record("user.reset_password", obj=user)


def check_grant_allowed(user: User, role: str, org) -> None:
    """Separation of duties (三员分立): an administrator holds exactly one role and nothing else."""
    held = set(user.grants.values_list("role", flat=True))
    if role in ADMIN_ROLES:
        if org is not None:
            raise ValidationError("三员角色不属于任何党组织")
        if held:
            raise ValidationError("三员分立：系统、安全、审计管理员不能兼任其他角色")
    else:
        if org is None:
            raise ValidationError({"org": "请选择授权的党组织"})
        if held & ADMIN_ROLES:
            raise ValidationError("三员分立：管理员账号不能再授予业务角色")


def grant_add(*, actor, user: User, role: str, org=None) -> Grant:
    """The security admin grants a business role on an org. Administrator roles are created only
    from the command line (`dangjian accounts create-admin`), never granted through the web."""
    _require(actor, "accounts.manage")
    if user.pk == actor.pk:
        raise ValidationError("不能给自己授权")
    if role in ADMIN_ROLES:
        raise ValidationError("三员角色只能由部署人员通过命令行设置")
    if role not in Role.values:
        raise ValidationError({"role": "角色无效"})
    return _grant_save(user=user, role=role, org=org)


def admin_grant(*, user: User, role: str) -> Grant:
    """Deployment-time grant of one of the three administrator roles (command line only)."""
    return _grant_save(user=user, role=role, org=None)


def _grant_save(*, user: User, role: str, org) -> Grant:
    check_grant_allowed(user, role, org)
    try:
        with transaction.atomic():
            grant = Grant.objects.create(user=user, role=role, org=org)
            audit.record("grant.add", obj=grant, org=org,
                         changes={"user": user.username, "role": role, "org": getattr(org, "code", None)})
    except IntegrityError as exc:
        raise ValidationError("该用户已拥有此授权") from exc
    clear_scope_cache(user)
    return grant


def grant_remove(*, actor, grant: Grant) -> None:
    _require(actor, "accounts.manage")
    if grant.user_id == actor.pk:
        raise ValidationError("不能修改自己的授权")
    if grant.role in ADMIN_ROLES:
        raise ValidationError("三员角色只能由部署人员通过命令行调整")
    with transaction.atomic():
        audit.record("grant.remove", obj=grant, org=grant.org,
                     changes={"user": grant.user.username, "role": grant.role,
                              "org": getattr(grant.org, "code", None)})
        grant.delete()


ADMIN_TOKEN_REFUSAL = "三员分立：系统、安全、审计管理员不使用接口令牌，请在网页上办理本职工作"


def _token_hash(raw: str) -> str:
    return sm3_hex(raw.encode())


def token_issue(*, user: User) -> str:
    if user.must_change_password or password_expired(user):
        raise PermissionDenied("请先登录网页修改初始密码或已过期的密码")
    if get_scope(user).is_admin():
        # 三员分立: the administrators' work is on their pages; the API serves business roles only.
        audit.record("token.issue", obj=user, user=user, result=AuditEntry.Result.DENIED)
        raise PermissionDenied(ADMIN_TOKEN_REFUSAL)
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user, key_hash=_token_hash(raw), expires=timezone.now() + timedelta(hours=12)
        )
        audit.record("token.issue", obj=user, user=user)
    return raw


def token_user(raw: str) -> User | None:
    """The token's user, if the token exists, has not expired and was used recently enough."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw)).first()
        if raw else None
    )
    if token is None or not token.user.is_active:
        return None
    idle = timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS)
    if token.expires <= now or now - token.last_used > idle:
        token.delete()
        return None
    if now - token.last_used > timedelta(seconds=60):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def token_revoke(*, raw: str) -> None:
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(key_hash=_token_hash(raw)).delete()
        if deleted:
            audit.record("token.revoke")
