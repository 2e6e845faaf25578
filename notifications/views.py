"""The message centre's pages: the user's own messages (newest first, unread marked), opening
one (marked read, then to where the work is done), all marked read, and the choices per kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.paging import paginate
from core.views import ServiceActionView, ServiceFormView, not_generic
from notifications import selectors, services
from notifications.forms import PreferencesForm


@not_generic("the user's own messages (recipient = the user), not an org-scoped list")
@login_required
def notification_list(request):
    page = paginate(request, selectors.inbox(request.user))
    return render(request, "notifications/list.html", {
        "title": "站内消息", "breadcrumbs": [("站内消息", None)], "page": page,
    })


def safe_link(link: str) -> str:
    """A message's link is a path inside the site; anything else goes to the list."""
    if link.startswith("/") and not link.startswith("//") and url_has_allowed_host_and_scheme(link, None):
        return link
    return reverse("notifications:list")


@not_generic("marks the user's own message read and redirects to its link")
@login_required
def notification_open(request, pk: int):
    notification = selectors.own(request.user, pk)
    services.notification_open(user=request.user, notification=notification)
    return redirect(safe_link(notification.link))


class ReadAllView(ServiceActionView):
    success_message = "已全部标为已读"

    def call_service(self, form):
        return services.notifications_read_all(user=self.request.user)

    def get_back_url(self) -> str:
        return reverse("notifications:list")


class PreferencesView(ServiceFormView):
    form_class = PreferencesForm
    title = "消息设置"
    submit_label = "保存设置"
    intro = "选择每类消息是否在站内显示、是否同时发送邮件（仅在配置了邮件服务器且账号填写了邮箱时发送）。"
    success_message = "消息设置已保存"
    breadcrumbs = [("站内消息", "/notifications/"), ("消息设置", None)]

    def get_form_kwargs(self) -> dict:
        return {"current": selectors.preferences(self.request.user)}

    def call_service(self, form):
        return services.preferences_save(user=self.request.user, choices=form.choices())

    def get_success_url(self, result) -> str:
        return reverse("notifications:preferences")

    def get_cancel_url(self) -> str:
        return reverse("notifications:list")
