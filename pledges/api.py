"""/api/v1/pledges: the member's own pledges (list, make, rewrite, record fulfilment), the review
queue and the reviews for those who review (learning.change on the org), and duty posts (list,
set, take down). Out of scope is 404, as on the pages; refusals answer 422 with the reason."""


from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import get_scope, require_perm
from core.api import REFUSED, Message, Pagination, PathId, filtered, filters_in, model_in, model_out
from core.errors import NotFound
from members.models import Member
from orgs.selectors import org_param
from pledges import rules, selectors, services
from pledges.filters import PostFilterSet
from pledges.models import DutyPost, Pledge, PledgeRecord

router = Router(tags=["承诺践诺"])

RecordOut = model_out("PledgeRecordOut", PledgeRecord, ["id", "pledge_id", "day", "text", "evidence", "state",
                                                        "review_note"])


class PledgeComputed(Schema):
    member_name: str
    records: list[RecordOut]

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_records(obj):
        return list(obj.records.order_by("day", "pk"))


PledgeOut = model_out("PledgeOut", Pledge, ["id", "member_id", "org_id", "year", "text", "state", "review_note"],
                      base=PledgeComputed)
TEXT = {"text": {"min_length": rules.TEXT_MIN}}
PledgeIn = model_in("PledgeIn", Pledge, ["text"], extra=TEXT)
RecordIn = model_in("PledgeRecordIn", PledgeRecord, ["day", "text", "evidence"], extra=TEXT)
PostIn = model_in("DutyPostIn", DutyPost, ["org_id", "kind", "name", "duties", "holder_id", "started_on"],
                  extra={"duties": {"min_length": rules.TEXT_MIN}})
PostOut = model_out("DutyPostOut", DutyPost, ["id", "org_id", "kind", "name", "duties", "holder_id", "started_on",
                                              "ended_on"])
PostFilters = filters_in("DutyPostFilters", PostFilterSet)


class PledgeReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=200, description="审核意见（退回时必填）")


class QueueOut(Schema):
    pledges: list[PledgeOut]
    records: list[RecordOut]


def _own(request, pledge_id: int) -> Pledge:
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    return get_object_or_404(Pledge.objects.select_related("member"), pk=pledge_id, member_id=member_id)


@router.get("/mine", response={200: list[PledgeOut], 404: Message})
def pledges_mine(request, year: int | None = Query(None, ge=2000, le=2100)):
    """本人的年度承诺及践诺记录。"""
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    return list(selectors.mine(member_id, year or timezone.localdate().year).select_related("member"))


@router.post("/", response={201: PledgeOut, **REFUSED})
def pledges_create(request, payload: PledgeIn):
    """作出本年度承诺（每年不超过5项），提交党支部审核。"""
    return Status(201, services.pledge_create(actor=request.user, text=payload.text))


@router.patch("/{int:pledge_id}", response={200: PledgeOut, **REFUSED})
def pledges_update(request, pledge_id: PathId, payload: PledgeIn):
    """修改待审核或被退回的承诺，重新提交审核。"""
    return services.pledge_update(actor=request.user, pledge=_own(request, pledge_id), text=payload.text)


@router.post("/{int:pledge_id}/records", response={201: RecordOut, **REFUSED})
def pledges_record_add(request, pledge_id: PathId, payload: RecordIn):
    """记录践诺（承诺审核通过后）。"""
    return Status(201, services.record_add(actor=request.user, pledge=_own(request, pledge_id), **payload.dict()))


@router.get("/queue", response={200: QueueOut, 404: Message})
def pledges_queue(request):
    """待本人审核的承诺和践诺记录（各最多200条）。"""
    require_perm(request.user, "learning.change")
    pledges, records = selectors.queue(request.user)
    return {"pledges": list(pledges[:200]), "records": list(records[:200])}


@router.post("/{int:pledge_id}/review", response={200: PledgeOut, **REFUSED})
def pledges_review(request, pledge_id: PathId, payload: PledgeReviewIn):
    """审核承诺：通过或退回（退回须写明理由）。"""
    pledge = get_object_or_404(Pledge.objects.visible_to(request.user, "change"), pk=pledge_id)
    return services.pledge_review(actor=request.user, pledge=pledge, **payload.dict())


@router.post("/records/{int:record_id}/review", response={200: RecordOut, **REFUSED})
def pledges_record_review(request, record_id: PathId, payload: PledgeReviewIn):
    """审核践诺记录：通过或退回。"""
    record = get_object_or_404(PledgeRecord.objects.visible_to(request.user, "change"), pk=record_id)
    return services.record_review(actor=request.user, record=record, **payload.dict())


@router.get("/posts", response=list[PostOut])
@paginate(Pagination)
def pledges_post_list(request, filters: Query[PostFilters]):
    """本人管理范围内的党员岗位（设岗定责）。"""
    require_perm(request.user, "learning.view")
    return filtered(PostFilterSet, request, selectors.posts(request.user).order_by("org__path", "kind", "pk"), filters)


@router.post("/posts", response={201: PostOut, **REFUSED})
def pledges_post_create(request, payload: PostIn):
    """设立党员岗位并确定上岗党员（挂牌上岗）。"""
    org = org_param(request.user, str(payload.org_id), "learning.change")
    if org is None:
        raise NotFound
    holder = get_object_or_404(Member.objects.visible_to(request.user, "view"), pk=payload.holder_id)
    data = payload.dict(exclude={"org_id", "holder_id"})
    return Status(201, services.post_create(actor=request.user, org=org, holder=holder, **data))


@router.post("/posts/{int:post_id}/end", response={200: PostOut, **REFUSED})
def pledges_post_end(request, post_id: PathId):
    """撤牌。"""
    post = get_object_or_404(selectors.posts(request.user), pk=post_id)
    return services.post_end(actor=request.user, post=post)


