from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.scope import get_scope
from core.paging import paginate
from core.views import ObjectListView, form_errors_from
from members.models import Member
from orgs import selectors, services
from orgs.filters import OrgFilterSet
from orgs.forms import OrgForm, OrgMoveForm, TermForm
from orgs.models import AffiliationChange, Org
from orgs.tables import OrgTable


def _visible_org(request, pk, action="view") -> Org:
    return get_object_or_404(Org.objects.visible_to(request.user, action), pk=pk)


@login_required
def tree(request):
    """The tree page: the user's top orgs, expanded one level at a time (htmx), and search."""
    query = request.GET.get("q", "").strip()[:50]
    context = {"title": "党组织", "breadcrumbs": [("党组织", None)], "query": query}
    if query:
        page = paginate(request, selectors.search(request.user, query))
        found = list(page.object_list)
        context.update(page=page, found=found, found_paths=selectors.ancestors_names(found, request.user))
    else:
        roots = selectors.tree_roots(request.user)
        context.update(nodes=roots, counts=selectors.subtree_counts(roots, user=request.user))
    return render(request, "orgs/tree.html", context)


@login_required
def tree_node(request, pk):
    """One tree node, opened (with its children, loaded now) or closed: the htmx toggle."""
    org = _visible_org(request, pk)
    is_open = request.GET.get("open") == "1"
    context = {"node": org, "open": is_open, "counts": selectors.subtree_counts([org], user=request.user)}
    if is_open:
        children = selectors.children(org, request.user)
        context.update(children=children, child_counts=selectors.subtree_counts(children, user=request.user))
    return render(request, "orgs/_tree_node.html", context)


@login_required
def org_detail(request, pk):
    org = _visible_org(request, pk)
    scope = get_scope(request.user)
    children = selectors.children(org, request.user)
    term = org.terms.filter(ended__isnull=True).prefetch_related("members").first()
    members = Member.objects.visible_to(request.user).filter(org=org).active().order_by("name")
    ancestors = Org.objects.visible_to(request.user).filter(path__in=org.ancestor_paths()[:-1])
    # A member sees their own branch's page, but not its counts, warnings or history.
    manages = scope.covers(org.path, "org.view")
    changes = AffiliationChange.objects.filter(org=org).select_related("from_parent", "to_parent")[:10]
    return render(request, "orgs/org_detail.html", {
        "org": org,
        "title": org.name,
        "breadcrumbs": [("党组织", reverse("orgs:tree"))]
        + [(a.name, a.get_absolute_url()) for a in ancestors] + [(org.name, None)],
        "children": children,
        "counts": selectors.subtree_counts(children + [org], user=request.user),
        "term": term,
        "past_terms": org.terms.filter(ended__isnull=False)[:5],
        "members": members[:20],
        "member_total": members.count(),
        "warnings": selectors.org_warnings(org) if manages else [],
        "affiliation_changes": [
            (change, _name_in_scope(scope, change.from_parent), _name_in_scope(scope, change.to_parent))
            for change in changes
        ] if manages else [],
        "can_change": scope.covers(org.path, "org.change"),
        "can_move": scope.covers(org.path, "org.move") and not org.is_root(),
    })


def _name_in_scope(scope, org: Org) -> str:
    return org.name if scope.covers(org.path, "org.view") else "（管理范围外的党组织）"


class OrgListView(ObjectListView):
    model = Org
    filterset_class = OrgFilterSet
    table = OrgTable
    title = "党组织列表"
    export_action = "view"
    breadcrumbs = [("党组织", "/orgs/"), ("列表", None)]


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request, pk):
    parent = _visible_org(request, pk, "change")
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, f"已新建党组织：{org.name}")
            return redirect(org)
    return render(request, "core/form.html", {
        "form": form, "title": f"在“{parent.name}”下新建党组织", "parent": parent,
        "breadcrumbs": [("党组织", reverse("orgs:tree")), (parent.name, parent.get_absolute_url()), ("新建下级", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    org = _visible_org(request, pk, "change")
    initial = {f: getattr(org, f) for f in services.ORG_FIELDS}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "已保存")
            return redirect(org)
    return render(request, "core/form.html", {
        "form": form, "title": f"编辑：{org.name}",
        "breadcrumbs": [("党组织", reverse("orgs:tree")), (org.name, org.get_absolute_url()), ("编辑", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk):
    org = _visible_org(request, pk, "move")
    form = OrgMoveForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_move(actor=request.user, org=org, new_parent=form.cleaned_data["new_parent"],
                              reason=form.cleaned_data["reason"], changed_on=form.cleaned_data["changed_on"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "隶属关系已调整")
            return redirect(reverse("orgs:detail", args=[org.pk]))
    return render(request, "core/form.html", {
        "form": form, "title": f"调整隶属关系：{org.name}",
        "breadcrumbs": [("党组织", reverse("orgs:tree")), (org.name, org.get_absolute_url()), ("调整隶属关系", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request, pk):
    org = _visible_org(request, pk, "change")
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_create(actor=request.user, org=org, started=form.cleaned_data["started"],
                                 ends=form.cleaned_data["ends"], members=form.members())
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, "已录入新一届班子")
            return redirect(org)
    return render(request, "core/form.html", {
        "form": form, "title": f"换届：{org.name}",
        "breadcrumbs": [("党组织", reverse("orgs:tree")), (org.name, org.get_absolute_url()), ("换届", None)],
    })
