import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
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
from core.views import ServiceActionView, ServiceFormView, not_generic, require_perm


@not_generic("the login: there is no user yet, and its answer is the session")
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


@not_generic("the login's second step: there is no user yet, and its answer is the session")
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


class TotpView(ServiceFormView):
    """Turn TOTP on (scan the QR code, confirm a code) or off (confirm a code)."""

    form_class = TotpForm
    title = "动态口令"
    template_name = "accounts/totp.html"

    def prepare(self):
        self.enabled = self.request.user.totp_enabled
        if not self.enabled:
            self.secret = self.request.session.get("totp_setup") or totp.generate_secret()
            self.request.session["totp_setup"] = self.secret

    def call_service(self, form):
        user, code = self.request.user, form.cleaned_data["code"]
        if self.enabled:
            return services.totp_disable(user=user, code=code)
        services.totp_enable(user=user, secret=self.secret, code=code)
        del self.request.session["totp_setup"]

    def get_success_message(self, result):
        return "已关闭动态口令" if self.enabled else "已启用动态口令，今后登录需输入手机上的验证码"

    def get_success_url(self, result):
        return reverse("accounts:totp")

    def get_extra_context(self):
        if self.enabled:
            return {"enabled": True}
        uri = totp.provisioning_uri(self.secret, self.request.user.username)
        return {"enabled": False, "secret": self.secret, "qr": segno.make(uri, error="m").svg_data_uri(scale=5)}


@not_generic("the logout: it ends the session; no service")
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        context.current().user = request.user
        audit.record("logout", obj=request.user, user=request.user)
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


class PasswordChangeView(ServiceFormView):
    form_class = PasswordChangeForm
    title = "修改密码"
    template_name = "accounts/password_change.html"
    success_message = "密码已修改"

    def call_service(self, form):
        user = self.request.user
        services.password_change(user=user, old_password=form.cleaned_data["old_password"],
                                 new_password=form.cleaned_data["new_password"])
        update_session_auth_hash(self.request, user)

    def get_success_url(self, result):
        return reverse("core:home")

    def get_extra_context(self):
        user = self.request.user
        notice = ""
        if user.must_change_password:
            notice = "首次登录或密码已被重置，请先修改密码。"
        elif services.password_expired(user):
            notice = "密码已超过90天未修改，请修改密码。"
        return {"notice": notice}


@not_generic("the accounts list: every account, no org scope, searched by name; no filter set or table yet")
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


USERS_CRUMB = ("账号与授权", "/accounts/users/")


class UserCreateView(ServiceFormView):
    required_perm = "accounts.manage"
    form_class = UserCreateForm
    service = services.user_create
    title = "新建账号"
    breadcrumbs = [USERS_CRUMB, ("新建账号", None)]
    success_message = "已创建账号 {result.username}，首次登录须修改密码"

    def get_cancel_url(self):
        return reverse("accounts:user_list")

    def get_success_url(self, result):
        return reverse("accounts:user_detail", args=[result.pk])


class UserMixin:
    """An account, for the security admin (all accounts: the three administrators stand outside
    the org tree)."""

    required_perm = "accounts.manage"

    def prepare(self):
        self.target = get_object_or_404(User, pk=self.kwargs["pk"])

    def get_cancel_url(self):
        return reverse("accounts:user_detail", args=[self.target.pk])


class UserDetailView(UserMixin, ServiceFormView):
    """One account: its grants, and the form that adds one."""

    form_class = GrantForm
    service = services.grant_add
    template_name = "accounts/user_detail.html"
    success_message = "已授权"

    def get_title(self):
        return f"账号：{self.target.username}"

    def get_breadcrumbs(self):
        return [USERS_CRUMB, (self.target.username, None)]

    def get_service_kwargs(self, form):
        return {"user": self.target, "role": form.cleaned_data["role"], "org": form.cleaned_data["org"]}

    def get_success_url(self, result):
        return self.get_cancel_url()

    def get_extra_context(self):
        return {"target": self.target, "grants": self.target.grants.select_related("org")}


class GrantRemoveView(ServiceActionView):
    required_perm = "accounts.manage"
    service = services.grant_remove
    success_message = "已撤销授权"

    def prepare(self):
        self.grant = get_object_or_404(Grant.objects.select_related("user", "org"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"grant": self.grant}

    def get_back_url(self):
        return reverse("accounts:user_detail", args=[self.grant.user_id])


class UserSetActiveView(UserMixin, ServiceActionView):
    service = services.user_set_active

    def get_service_kwargs(self, form):
        return {"user": self.target, "active": self.request.POST.get("active") == "1"}

    def get_success_message(self, result):
        return "已启用账号" if self.target.is_active else "已停用账号"
