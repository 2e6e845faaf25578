from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.access import get_scope
from core.paging import paginate
from core.registry import org_members
from core.views import ObjectDetailView, ObjectListView, ServiceFormView, not_generic
from orgs import selectors, services
from orgs.filters import OrgFilterSet
from orgs.forms import OrgForm, OrgMoveForm, TermForm
from orgs.models import AffiliationChange, Org
from orgs.tables import OrgTable


@not_generic("the tree page: the user's top orgs or search results, no one object")
@login_required
def tree(request):
    """The tree page: the user's top orgs (a single one shown open), expanded one level at a time
    (htmx), and search."""
    query = request.GET.get("q", "").strip()[:50]
    context = {"title": "党组织", "breadcrumbs": [("党组织", None)], "query": query}
    if query:
        page = paginate(request, selectors.search(request.user, query))
        found = list(page.object_list)
        context.update(page=page, found=found, found_paths=selectors.ancestors_names(found, request.user))
    else:
        roots = selectors.tree_roots(request.user)
        children = []
        if len(roots) == 1 and roots[0].numchild:  # one top org (a district's admin): shown open
            children = selectors.children(roots[0], request.user)
            context.update(open_pk=roots[0].pk, children=children)
        # The top orgs' and the open one's children's figures in one roll-up (two queries).
        counts = selectors.subtree_counts([*roots, *children], user=request.user)
        context.update(nodes=roots, counts=counts, child_counts=counts)
    return render(request, "orgs/tree.html", context)


@not_generic("the rules page: the registry's rules with one org's local values, no model of its own")
@login_required
def rules(request, pk: int | None = None):
    """Every rule the platform enforces — its text, source, whether national or local, and for a
    local rule its value for the org (``pk``, or the user's first org) and where that comes from."""
    visible = Org.objects.visible_to(request.user)
    org = get_object_or_404(visible, pk=pk) if pk is not None else visible.order_by("depth", "path").first()
    context = {"title": "规则与本地设置", "breadcrumbs": [("党组织", reverse("orgs:tree")), ("规则与本地设置", None)],
               "org": org, "modules": selectors.rule_table(org) if org else []}
    return render(request, "orgs/rules.html", context)


class TreeNodeView(ObjectDetailView):
    """One tree node, opened (with its children, loaded now) or closed: the htmx toggle."""

    model = Org
    template_name = "orgs/_tree_node.html"

    def get_extra_context(self):
        org, user = self.object, self.request.user
        is_open = self.request.GET.get("open") == "1"
        context = {"node": org, "open": is_open, "counts": selectors.subtree_counts([org], user=user)}
        if is_open:
            children = selectors.children(org, user)
            context.update(children=children, child_counts=selectors.subtree_counts(children, user=user))
        return context


class OrgDetailView(ObjectDetailView):
    model = Org
    template_name = "orgs/org_detail.html"

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        org = self.object
        ancestors = Org.objects.visible_to(self.request.user).filter(path__in=org.ancestor_paths()[:-1])
        return ([("党组织", reverse("orgs:tree"))] + [(a.name, a.get_absolute_url()) for a in ancestors]
                + [(org.name, None)])

    def get_extra_context(self):
        org, user = self.object, self.request.user
        scope = get_scope(user)
        children = selectors.children(org, user)
        members = org_members().listed(org, user)
        # A member sees their own branch's page, but not its counts, warnings or history.
        manages = scope.covers(org.path, "org.view")
        changes = AffiliationChange.objects.filter(org=org).select_related("from_parent", "to_parent")[:10]
        return {
            "org": org,
            "children": children,
            "counts": selectors.subtree_counts(children + [org], user=user),
            "term": org.terms.filter(ended__isnull=True).prefetch_related("members").first(),
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
        }


def _name_in_scope(scope, org: Org) -> str:
    return org.name if scope.covers(org.path, "org.view") else "（管理范围外的党组织）"


class OrgListView(ObjectListView):
    model = Org
    filterset_class = OrgFilterSet
    table = OrgTable
    title = "党组织列表"
    export_action = "view"
    breadcrumbs = [("党组织", "/orgs/"), ("列表", None)]


class OrgFormView(ServiceFormView):
    """A form on one org, found among those the user may ``action`` (404 otherwise); back to the
    org's page."""

    action = "change"
    crumb = ""

    def prepare(self):
        self.org = get_object_or_404(Org.objects.visible_to(self.request.user, self.action), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_success_url(self, result):
        return self.org.get_absolute_url()

    def get_breadcrumbs(self):
        return [("党组织", reverse("orgs:tree")), (self.org.name, self.org.get_absolute_url()), (self.crumb, None)]


class OrgCreateView(OrgFormView):
    form_class = OrgForm
    service = services.org_create
    crumb = "新建下级"
    success_message = "已新建党组织：{result.name}"

    def get_title(self):
        return f"在“{self.org.name}”下新建党组织"

    def get_service_kwargs(self, form):
        return {"parent": self.org, **form.cleaned_data}

    def get_success_url(self, result):
        return result.get_absolute_url()


class OrgEditView(OrgFormView):
    form_class = OrgForm
    service = services.org_update
    crumb = "编辑"
    success_message = "已保存"

    def get_title(self):
        return f"编辑：{self.org.name}"

    def get_form_kwargs(self):
        return {"initial": {f: getattr(self.org, f) for f in services.ORG_FIELDS}}


class OrgMoveView(OrgFormView):
    action = "move"
    form_class = OrgMoveForm
    service = services.org_move
    crumb = "调整隶属关系"
    success_message = "隶属关系已调整"

    def get_title(self):
        return f"调整隶属关系：{self.org.name}"

    def get_form_kwargs(self):
        return {"user": self.request.user, "org": self.org}


class TermCreateView(OrgFormView):
    form_class = TermForm
    service = services.term_create
    crumb = "换届"
    success_message = "已录入新一届班子"

    def get_title(self):
        return f"换届：{self.org.name}"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        return {"org": self.org, "started": data["started"], "ends": data["ends"], "members": form.members(),
                "approval": data["approval"]}
