"""资讯栏目授权: the security admin's page for who edits and who reviews which channels. It lives
in the security admin's area (/accounts/grants/channels/), beside the org grants."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import User
from core import forms
from core.paging import paginate
from core.views import ServiceActionView, ServiceFormView
from portal import services
from portal.models import Channel, ChannelGrant, ChannelRole


class ChannelGrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    channel = forms.ModelChoiceField(label="栏目（含下级栏目）", queryset=Channel.objects.order_by("path"),
                                     empty_label="请选择栏目")
    role = forms.ChoiceField(label="角色", choices=ChannelRole.choices)

    def clean_username(self):
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise ValidationError("用户不存在")
        return user


class ChannelGrantsView(ServiceFormView):
    """Every channel grant, and the form that adds one."""

    required_perm = "accounts.manage"
    form_class = ChannelGrantForm
    service = services.channel_grant_add
    title = "资讯栏目授权"
    breadcrumbs = [("账号与授权", "/accounts/users/"), ("资讯栏目授权", None)]
    template_name = "portal/channel_grants.html"
    success_message = "已授权"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        return {"user": data["username"], "channel": data["channel"], "role": data["role"]}

    def get_success_url(self, result):
        return reverse("channel_grants:list")

    def get_extra_context(self):
        grants = ChannelGrant.objects.select_related("user", "channel").order_by("channel__path", "user__username")
        return {"page": paginate(self.request, grants)}

    def render(self, form, status=200):
        return super().render(form, status=400 if form.errors else status)


class ChannelGrantRemoveView(ServiceActionView):
    required_perm = "accounts.manage"
    service = services.channel_grant_remove
    success_message = "已撤销栏目授权"

    def prepare(self):
        self.row = get_object_or_404(ChannelGrant.objects.select_related("user", "channel"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"grant_row": self.row}

    def get_back_url(self):
        return reverse("channel_grants:list")
