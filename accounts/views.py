import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lockout, services, totp
from accounts.forms import GrantForm, LoginForm, PasswordChangeForm, TotpForm, UserCreateForm
from accounts.middleware import SESSION_LAST_SEEN
from accounts.models import Grant, User
from core import audit, context
from core.paging import paginate
from core.views import form_errors_from, require_perm


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(request, username=form.cleaned_data["username"],
                                        password=form.cleaned_data["password"])
        if result.user is None:
            form.add_error(None, result.error)
        elif result.needs_totp:
            request.session[PENDING_TOTP] = {"user": result.user.pk, "at": time.time(), "next": next_url}
            return redirect("accounts:login_totp")
        else:
            return _complete_login(request, result.user, next_url, result.device)
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "title": "登录"})


PENDING_TOTP = "pending_totp"
PENDING_TOTP_SECONDS = 300


def _complete_login(request, user, next_url, device):
    login(request, user)
    request.session[SESSION_LAST_SEEN] = time.time()
    response = redirect(next_url or "core:home")
    if not device:
        lockout.issue_device_cookie(response, user.username)
    return response


@require_http_methods(["GET", "POST"])
def login_totp(request):
    """Second step for accounts with TOTP: the password was right, now the one-time code."""
    pending = request.session.get(PENDING_TOTP)
    if not pending or time.time() - pending["at"] > PENDING_TOTP_SECONDS:
        request.session.pop(PENDING_TOTP, None)
        messages.info(request, "请重新输入用户名和密码")
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = lockout.device_for(request, user.username)
        error = services.login_totp(request, user=user, code=form.cleaned_data["code"], device=device)
        if not error:
            del request.session[PENDING_TOTP]
            return _complete_login(request, user, pending["next"], device)
        form.add_error("code", error)
    return render(request, "core/form.html", {
        "form": form, "title": "动态口令验证", "submit_label": "验证",
        "cancel_url": reverse("accounts:login"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def totp_settings(request):
    """Turn TOTP on (scan the QR code, confirm a code) or off (confirm a code)."""
    user = request.user
    form = TotpForm(request.POST or None)
    if user.totp_enabled:
        if request.method == "POST" and form.is_valid():
            try:
                services.totp_disable(user=user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, "已关闭动态口令")
                return redirect("accounts:totp")
        return render(request, "accounts/totp.html", {"form": form, "title": "动态口令", "enabled": True})
    secret = request.session.get("totp_setup") or totp.generate_secret()
    request.session["totp_setup"] = secret
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            del request.session["totp_setup"]
            messages.success(request, "已启用动态口令，今后登录需输入手机上的验证码")
            return redirect("accounts:totp")
    uri = totp.provisioning_uri(secret, user.username)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5)
    return render(request, "accounts/totp.html", {
        "form": form, "title": "动态口令", "enabled": False, "secret": secret, "qr": qr,
    })


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        context.current().user = request.user
        audit.record("logout", obj=request.user, user=request.user)
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("core:home")
    notice = ""
    if user.must_change_password:
        notice = "首次登录或密码已被重置，请先修改密码。"
    elif services.password_expired(user):
        notice = "密码已超过90天未修改，请修改密码。"
    return render(request, "accounts/password_change.html",
                  {"form": form, "title": "修改密码", "notice": notice})


@login_required
def user_list(request):
    require_perm(request.user, "accounts.manage")
    query = request.GET.get("q", "").strip()[:50]
    users = User.objects.order_by("username").prefetch_related("grants__org")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = paginate(request, users)
    return render(request, "accounts/user_list.html", {
        "page": page, "query": query, "title": "账号与授权", "breadcrumbs": [("账号与授权", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    require_perm(request.user, "accounts.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, f"已创建账号 {user.username}，首次登录须修改密码")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "core/form.html", {
        "form": form, "title": "新建账号", "cancel_url": reverse("accounts:user_list"),
        "breadcrumbs": [("账号与授权", reverse("accounts:user_list")), ("新建账号", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    require_perm(request.user, "accounts.manage")
    target = get_object_or_404(User, pk=pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_add(actor=request.user, user=target, role=form.cleaned_data["role"],
                               org=form.cleaned_data["org"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors_from(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)), form)
        else:
            messages.success(request, "已授权")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", {
        "target": target, "form": form, "title": f"账号：{target.username}",
        "grants": target.grants.select_related("org"),
        "breadcrumbs": [("账号与授权", reverse("accounts:user_list")), (target.username, None)],
    })


@login_required
@require_POST
def grant_remove(request, pk):
    require_perm(request.user, "accounts.manage")
    grant = get_object_or_404(Grant.objects.select_related("user", "org"), pk=pk)
    try:
        services.grant_remove(actor=request.user, grant=grant)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤销授权")
    return redirect("accounts:user_detail", pk=grant.user_id)


@login_required
@require_POST
def user_set_active(request, pk):
    require_perm(request.user, "accounts.manage")
    target = get_object_or_404(User, pk=pk)
    try:
        services.user_set_active(actor=request.user, user=target, active=request.POST.get("active") == "1")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已启用账号" if target.is_active else "已停用账号")
    return redirect("accounts:user_detail", pk=target.pk)
