import time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lockout, services
from accounts.forms import GrantForm, LoginForm, PasswordChangeForm, UserCreateForm
from accounts.middleware import SESSION_LAST_SEEN
from accounts.models import Grant, User
from core import audit, context
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
        else:
            login(request, result.user)
            request.session[SESSION_LAST_SEEN] = time.time()
            response = redirect(next_url or "core:home")
            if not result.device:
                lockout.issue_device_cookie(response, result.user.username)
            return response
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "title": "登录"})


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
    page = Paginator(users, 50).get_page(request.GET.get("page"))
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
