"""资讯栏目授权: the security admin's page for who edits and who reviews which channels. It lives
in the security admin's area (/accounts/grants/channels/), beside the org grants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from core import forms
from core.paging import paginate
from core.views import form_errors_from, require_perm
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


@login_required
@require_http_methods(["GET", "POST"])
def channel_grants(request):
    require_perm(request.user, "accounts.manage")
    form = ChannelGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_grant_add(actor=request.user, user=form.cleaned_data["username"],
                                       channel=form.cleaned_data["channel"], role=form.cleaned_data["role"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "已授权")
            return redirect("channel_grants:list")
    grants = ChannelGrant.objects.select_related("user", "channel").order_by("channel__path", "user__username")
    return render(request, "portal/channel_grants.html", {
        "form": form, "page": paginate(request, grants), "title": "资讯栏目授权",
        "breadcrumbs": [("账号与授权", reverse("accounts:user_list")), ("资讯栏目授权", None)],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def channel_grant_remove(request, pk):
    require_perm(request.user, "accounts.manage")
    row = get_object_or_404(ChannelGrant.objects.select_related("user", "channel"), pk=pk)
    try:
        services.channel_grant_remove(actor=request.user, grant_row=row)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤销栏目授权")
    return redirect("channel_grants:list")
