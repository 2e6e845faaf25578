"""The project's own pages: the home page, an overview across the modules."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.access import get_scope
from core.views import not_generic
from insights import selectors as insights
from orgs import selectors
from portal.models import channel_roles


@not_generic("the home page (工作台): the user's own work across modules, about no one object")
@login_required
def home(request):
    scope = get_scope(request.user)
    roots = selectors.tree_roots(request.user) if scope.has_any_org_perm("org.view") else []
    channels = channel_roles(request.user)
    return render(request, "dangjian/home.html", {
        "title": "首页", "scope": scope, "roots": roots,
        "counts": selectors.subtree_counts(roots, user=request.user) if roots else {},
        "bench": insights.workbench(request.user), "channels": channels, "reviews_comments": any(role == "reviewer" for role, _name in channels),
    })
