"""/api/v1/orgs: the org tree under the same scoping as the pages (visible_to); out of scope is 404."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core.api import Pagination, filtered
from orgs.filters import OrgFilterSet
from orgs.models import Org


class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_display: str = Field(..., alias="get_kind_display")
    sector: str
    level: str
    unit_name: str
    founded: date
    depth: int
    numchild: int


class OrgFilters(Schema):
    q: str | None = Field(None, max_length=50, description="名称包含或代码等于")
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    kind: str | None = Field(None, max_length=20)
    sector: str | None = Field(None, max_length=20)
    level: str | None = Field(None, max_length=12)


router = Router(tags=["党组织"])


@router.get("", response=list[OrgOut])
@paginate(Pagination)
def org_list(request, filters: Query[OrgFilters]):
    """可见党组织列表，可按子树、类别、领域、层级筛选。"""
    return filtered(OrgFilterSet, request, Org.objects.visible_to(request.user), filters)


@router.get("/{int:org_id}", response=OrgOut)
def org_detail(request, org_id: int):
    return get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)


@router.get("/{int:org_id}/children", response=list[OrgOut])
@paginate(Pagination)
def org_children(request, org_id: int):
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    return Org.objects.visible_to(request.user).subtree(org).filter(depth=org.depth + 1)
