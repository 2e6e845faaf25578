"""花名册打印: a branch's roster of active members, laid out for A4 landscape paper."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from accounts.scope import get_scope
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org


@login_required
def roster(request, org_id):
    """The org's own active members (not its sub-orgs'), by pinyin; phones masked. Out of scope
    (no member.view on the org) is 404."""
    org = get_object_or_404(Org.objects.only("pk", "name", "path"), pk=org_id)
    if not get_scope(request.user).covers(org.path, "member.view"):
        raise Http404
    members = (
        Member.objects.visible_to(request.user).filter(org=org, status__in=ACTIVE_STATUSES)
        .select_related("group").order_by("name_pinyin", "name", "pk")
    )
    return render(request, "members/roster.html", {
        "org": org, "members": members, "today": timezone.localdate(),
        "title": f"{org.name}党员花名册",
        "breadcrumbs": [("党员", reverse("members:list")), (org.name, reverse("orgs:detail", args=[org.pk])),
                        ("花名册", None)],
    })
