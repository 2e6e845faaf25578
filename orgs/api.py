"""/api/v1/orgs: the org tree under the same scoping as the pages (visible_to); out of scope is 404."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core.api import Pagination, PathId, filtered, filters_in, model_out
from orgs import selectors
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


class RuleOut(Schema):
    key: str = Field(..., description="规则标识")
    module: str = Field(..., description="所属模块")
    text: str = Field(..., description="规则内容")
    source: str = Field(..., description="依据（法规及条款）")
    local: bool = Field(..., description="true：本地设置（可按党组织设置，向下沿用）")
    national: bool = Field(..., description="true：全国统一规定；false：本地规定或本地设置")
    setting: str = Field(..., description="本地设置项（全国统一规定为空）")
    value: bool | int | str | list[int | str] | None = Field(..., description="本地设置对该党组织的当前值")
    shown: str = Field(..., description="当前值的文字表述")
    where: str = Field(..., description="当前值的来源：本组织设置、沿用上级设置或平台默认")


@router.get("/{int:org_id}/rules", response=list[RuleOut])
def org_rules(request, org_id: PathId):
    """平台执行的全部规则及本地设置对该党组织的当前值。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    return [{"key": row["rule"].key, "module": module, "text": row["rule"].text, "source": row["rule"].source,
             "local": row["rule"].local, "national": row["rule"].national, "setting": row["rule"].setting, "value": row["value"],
             "shown": row["shown"], "where": row["where"]}
            for module, rows in selectors.rule_table(org) for row in rows]


@router.get("/{int:org_id}/children", response=list[OrgOut])
@paginate(Pagination)
def org_children(request, org_id: PathId):
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    return Org.objects.visible_to(request.user).subtree(org).filter(depth=org.depth + 1)
