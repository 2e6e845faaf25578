from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.scope import get_scope
from core.views import ObjectListView
from members import services
from members.filters import MemberFilterSet
from members.models import Member
from members.tables import MemberTable


class IdLookupForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)


class MemberListView(ObjectListView):
    model = Member
    filterset_class = MemberFilterSet
    table = MemberTable
    title = "党员"
    export_action = "export"
    breadcrumbs = [("党员", None)]
    default_order = ("org__path", "name", "pk")

    template_name = "members/member_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


def _visible_member(request, pk) -> Member:
    return get_object_or_404(Member.objects.visible_to(request.user).select_related("org"), pk=pk)


def _detail(request, member, number=None):
    scope = get_scope(request.user)
    crumbs = [("党员", reverse("members:list"))] if scope.has_any_org_perm("member.view") else []
    context = {
        "member": member,
        "number": number,
        "title": member.name,
        "breadcrumbs": crumbs + [(member.name, None)],
        "can_unmask": scope.covers(member.org.path, "member.unmask"),
        "org_visible": scope.covers(member.org.path, "org.view") or scope.member_org_id == member.org_id,
    }
    template = "members/_id_number.html" if request.htmx else "members/member_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def member_lookup(request):
    """按身份证号查找: a POST, so the number never stands in a URL or an access log."""
    form = IdLookupForm(request.POST)
    if form.is_valid():
        try:
            member = services.member_lookup(actor=request.user, id_number=form.cleaned_data["id_number"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if member is not None:
                return redirect("members:detail", pk=member.pk)
            messages.info(request, "未找到该身份证号对应的党员，或该党员不在您的管理范围内")
    else:
        messages.error(request, "请输入18位身份证号")
    return redirect("members:list")


@login_required
def member_detail(request, pk):
    return _detail(request, _visible_member(request, pk))


@login_required
@require_POST
def member_unmask(request, pk):
    member = _visible_member(request, pk)
    number = services.member_unmask(actor=request.user, member=member)
    return _detail(request, member, number)
