"""花名册打印: a branch's roster of active members, laid out for A4 landscape paper."""

from django.urls import reverse
from django.utils import timezone

from core.views import ObjectDetailView
from members import selectors
from orgs.models import Org
from orgs.selectors import org_param


class RosterView(ObjectDetailView):
    """The org's own active members (not its sub-orgs'), by pinyin; phones masked. Out of scope
    (no member.view on the org) is 404."""

    model = Org
    template_name = "members/roster.html"

    def get_object(self):
        return org_param(self.request.user, self.kwargs["org_id"], "member.view")

    def get_title(self):
        return f"{self.object.name}党员花名册"

    def get_breadcrumbs(self):
        org = self.object
        return [("党员", reverse("members:list")), (org.name, reverse("orgs:detail", args=[org.pk])), ("花名册", None)]

    def get_extra_context(self):
        members = selectors.roster(self.request.user, self.object)
        return {"org": self.object, "members": members, "today": timezone.localdate()}
