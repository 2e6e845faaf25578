"""Points pages: the home (a member's points of the year per activity against the daily caps, the
published rule table; for a manager, the subtree's and each child's points from the summary rows)
and a branch's ranking with the org admin's switch."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core import forms
from core.access import get_scope
from core.errors import NotFound
from core.views import GenericView, MemberOrManagerView, ServiceActionView, not_generic
from orgs.models import Org
from orgs.selectors import children, managed_roots
from points import rules, selectors, services

CRUMB = ("学习积分", "/points/")


def _year(request) -> int:
    value, today = request.GET.get("year", ""), timezone.localdate().year
    return int(value) if value.isdigit() and today - 5 <= int(value) <= today else today


@not_generic("a dashboard: a member's points beside the rule table and a manager's totals per child")
class PointsHomeView(MemberOrManagerView):
    title = "学习积分"

    manager_perm = "learning.view"

    def get(self, request):
        scope, today = get_scope(request.user), timezone.localdate()
        year = _year(request)
        context: dict = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": year,
                         "activities": rules.ACTIVITIES, "years": range(today.year, today.year - 5, -1)}
        if scope.member_id:
            total, lines = selectors.member_year(scope.member_id, year, today)
            own = Org.objects.filter(pk=scope.member_org_id).first()
            context.update(member=True, total=total, lines=lines, own_org=own,
                           own_ranking=own is not None and selectors.ranking_enabled(own))
        roots = managed_roots(request.user, "learning.view")
        if roots:
            org = roots[0]
            kids = children(org, request.user)
            points = selectors.children_points([org, *kids], year)
            context.update(org=org, org_points=points[org.pk], children=[(k, points[k.pk]) for k in kids])
        return render(request, "points/home.html", context)


@not_generic("a ranking read from the summary rows, with the switch; no model list")
class RankingView(GenericView):
    def prepare(self):
        self.org = get_object_or_404(Org.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not selectors.can_see_ranking(self.request.user, self.org):
            raise NotFound

    def get(self, request, pk):
        org, year = self.org, _year(request)
        enabled = selectors.ranking_enabled(org)
        context = {"title": f"{org.name} 学习积分排名", "org": org, "year": year, "enabled": enabled,
                   "breadcrumbs": [CRUMB, (org.name, None)],
                   "places": selectors.ranking(org, year) if enabled else [],
                   "can_switch": get_scope(request.user).covers(org.path, "org.change"),
                   "me": get_scope(request.user).member_id,
                   "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1)}
        return render(request, "points/ranking.html", context)


class SwitchForm(forms.Form):
    enabled = forms.TypedChoiceField(choices=[("1", "显示"), ("0", "关闭")], coerce=lambda v: v == "1")


class RankingSwitchView(ServiceActionView):
    form_class = SwitchForm
    service = services.ranking_set

    def prepare(self):
        self.org = get_object_or_404(Org.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.org.path, "org.change"):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"org": self.org, "enabled": form.cleaned_data["enabled"]}

    def get_success_message(self, result):
        return "已显示积分排名" if selectors.ranking_enabled(self.org) else "已关闭积分排名（本组织及下级）"

    def get_cancel_url(self):
        return f"/points/orgs/{self.org.pk}/"
