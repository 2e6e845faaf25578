"""/api/v1/orgs: the org tree under the same scoping as the pages (visible_to); out of scope is 404."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core.api import Pagination, PathId, filtered, filters_in, model_out
from orgs.filters import OrgFilterSet
from orgs.models import Org


class OrgComputed(Schema):
    kind_display: str = Field(..., alias="get_kind_display")


OrgOut = model_out("OrgOut", Org, ["id", "name", "code", "kind", "sector", "level", "unit_name", "founded", "depth",
                                   "numchild"], base=OrgComputed)
OrgFilters = filters_in("OrgFilters", OrgFilterSet)

router = Router(tags=["党组织"])


@router.get("", response=list[OrgOut])
@paginate(Pagination)
def org_list(request, filters: Query[OrgFilters]):
    """可见党组织列表，可按子树、类别、领域、层级筛选。"""
    return filtered(OrgFilterSet, request, Org.objects.visible_to(request.user), filters)


@router.get("/{int:org_id}", response=OrgOut)
def org_detail(request, org_id: PathId):
    return get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)


@router.get("/{int:org_id}/children", response=list[OrgOut])
@paginate(Pagination)
def org_children(request, org_id: PathId):
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    return Org.objects.visible_to(request.user).subtree(org).filter(depth=org.depth + 1)
