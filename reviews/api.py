"""/api/v1/reviews: 述职评议 — the rounds (list, detail, new, reviewer groups, open, close), a
subject with its result, a reviewer's subjects to rate and their rating (POST), the results and the
follow-ups (and their completion). Scoped as the pages: out of scope is 404; refusals answer 422
in Chinese. Report documents are uploaded on the pages; the API carries text."""

from datetime import date
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import require_perm
from core.api import REFUSED, Id, Message, Pagination, PathId, filtered, filters_in, model_out
from orgs.models import Org
from oversight.selectors import orgs_named
from reviews import selectors, services
from reviews.filters import FollowUpFilterSet, RoundFilterSet, SubjectFilterSet
from reviews.models import FollowUp, Grade, ReportRound, ReportSubject

router = Router(tags=["述职评议"])
VIEW, CHANGE = "oversight.view", "oversight.change"

# Schema names are global to the OpenAPI document: "Round…" is orglife's (ReviewRound), so every
# name here says "Report…".
ReportRoundOut = model_out("ReportRoundOut", ReportRound, ["id", "org_id", "year", "title", "meeting_day", "state",
                                                           "opened_at", "closed_at"])
ReportSubjectOut = model_out("ReportSubjectOut", ReportSubject, ["id", "round_id", "org_id", "secretary_name",
                                                                 "score", "grade"])
ReportFollowUpOut = model_out("ReportFollowUpOut", FollowUp, ["id", "subject_id", "org_id", "text", "due",
                                                              "done_on", "note"])
ReportRoundFilters = filters_in("ReportRoundFilters", RoundFilterSet)
ReportResultFilters = filters_in("ReportResultFilters", SubjectFilterSet)
ReportFollowUpFilters = filters_in("ReportFollowUpFilters", FollowUpFilterSet)
OrgCode = Annotated[str, Field(max_length=100, description="党组织代码或全称")]
Username = Annotated[str, Field(max_length=150, description="登录账号")]


class ReportGroupOut(Schema):
    id: int
    name: str
    weight: int
    reviewers: list[str]


class ReportRoundDetailOut(ReportRoundOut):  # type: ignore[misc, valid-type]
    subjects: list[ReportSubjectOut]  # type: ignore[valid-type]
    groups: list[ReportGroupOut]
    ratings_due: int
    ratings_given: int


class ReportRoundIn(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field(..., max_length=100)
    meeting_day: date | None = None
    subjects: list[OrgCode] = Field(..., min_length=1, max_length=200, description="述职对象（直接下级党组织）")


class ReportGroupIn(Schema):
    name: str = Field(..., max_length=30)
    weight: int = Field(..., ge=1, le=100, description="权重（%）")
    reviewers: list[Username] = Field(..., min_length=1, max_length=200)


class ReportSubjectDetailOut(ReportSubjectOut):  # type: ignore[misc, valid-type]
    report: str
    feedback: str
    followups: list[ReportFollowUpOut]  # type: ignore[valid-type]


class ReportRatingIn(Schema):
    grade: Grade
    comment: str = Field("", max_length=500)


class ReportRatingOut(Schema):
    id: int
    subject_id: int
    grade: str
    comment: str


class ReportToRateOut(Schema):
    id: int
    round_id: int
    org_id: int
    secretary_name: str
    rated: bool
    own: bool


class ReportFollowUpDoneIn(Schema):
    note: str = Field(..., max_length=300)
    done_on: date | None = None


def _round(request, report_round_id: int, action: str = "view") -> ReportRound:
    return get_object_or_404(ReportRound.objects.visible_to(request.user, action).select_related("org"), pk=report_round_id)


def _round_detail(round: ReportRound) -> dict:
    due, given = services.expected_ratings(round)
    groups = [{"id": g.pk, "name": g.name, "weight": g.weight,
               "reviewers": [r.user.username for r in g.reviewers.all()]}
              for g in round.groups.prefetch_related("reviewers__user")]
    fields = ("id", "org_id", "year", "title", "meeting_day", "state", "opened_at", "closed_at")
    return {**{f: getattr(round, f) for f in fields}, "subjects": list(round.subjects.order_by("org__path")),
            "groups": groups, "ratings_due": due, "ratings_given": given}


@router.get("/rounds", response=list[ReportRoundOut])
@paginate(Pagination)
def reviews_rounds(request, filters: Query[ReportRoundFilters]):  # type: ignore[valid-type]
    """述职评议。"""
    require_perm(request.user, VIEW)
    rounds = ReportRound.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "-pk")
    return filtered(RoundFilterSet, request, rounds, filters)


@router.get("/rounds/{int:report_round_id}", response={200: ReportRoundDetailOut, 404: Message})
def reviews_round(request, report_round_id: PathId):
    """一轮述职评议：述职对象、评议组和权重、评议进度。"""
    return _round_detail(_round(request, report_round_id))


@router.post("/rounds", response={201: ReportRoundDetailOut, **REFUSED})
def reviews_round_add(request, payload: ReportRoundIn):
    """新建述职评议（某组织某年度一轮，述职对象为其直接下级党组织）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    round = services.round_save(actor=request.user, org=org, year=payload.year, title=payload.title,
                                meeting_day=payload.meeting_day,
                                subjects=orgs_named(org, "\n".join(payload.subjects)))
    return Status(201, _round_detail(round))


@router.post("/rounds/{int:report_round_id}/groups", response={201: ReportRoundDetailOut, **REFUSED})
def reviews_group_add(request, report_round_id: PathId, payload: ReportGroupIn):
    """添加评议组（名称、权重、评议人账号）。"""
    round = _round(request, report_round_id, "change")
    services.group_save(actor=request.user, round=round, **payload.dict())
    return Status(201, _round_detail(round))


@router.post("/rounds/{int:report_round_id}/open", response={200: ReportRoundDetailOut, **REFUSED})
def reviews_round_open(request, report_round_id: PathId):
    """开始评议（须有述职对象，评议组权重合计100%）。"""
    return _round_detail(services.round_open(actor=request.user, round=_round(request, report_round_id, "change")))


@router.post("/rounds/{int:report_round_id}/close", response={200: ReportRoundDetailOut, **REFUSED})
def reviews_round_close(request, report_round_id: PathId):
    """结束评议、计算结果（须全部评议完成）。"""
    return _round_detail(services.round_close(actor=request.user, round=_round(request, report_round_id, "change")))


def _subject(request, subject_id: int) -> ReportSubject:
    return get_object_or_404(ReportSubject.objects.visible_to(request.user, "view").select_related("round"),
                             pk=subject_id)


@router.get("/subjects/{int:report_subject_id}", response={200: ReportSubjectDetailOut, 404: Message})
def reviews_subject(request, report_subject_id: PathId):
    """一个述职对象：述职报告、结果、反馈意见和整改要求。"""
    subject = _subject(request, report_subject_id)
    return {**{f: getattr(subject, f) for f in ("id", "round_id", "org_id", "secretary_name", "score", "grade",
                                                 "report", "feedback")},
            "followups": list(subject.followups.all())}


@router.get("/to-rate", response=list[ReportToRateOut])
def reviews_to_rate(request):
    """我的评议：正在进行的述职评议中需要本人评议的述职对象。"""
    return [{"id": s.pk, "round_id": s.round_id, "org_id": s.org_id, "secretary_name": s.secretary_name,
             "rated": s.rated, "own": bool(s.own)} for s in selectors.to_rate(request.user)[:500]]


@router.post("/subjects/{int:report_subject_id}/ratings", response={201: ReportRatingOut, **REFUSED})
def reviews_rating_add(request, report_subject_id: PathId, payload: ReportRatingIn):
    """评议人对述职对象评议一次（好、较好、一般、差）。"""
    rating = services.rating_submit(actor=request.user, subject=_subject(request, report_subject_id),
                                    grade=payload.grade, comment=payload.comment)
    return Status(201, rating)


@router.get("/results", response=list[ReportSubjectOut])
@paginate(Pagination)
def reviews_results(request, filters: Query[ReportResultFilters]):  # type: ignore[valid-type]
    """评议结果（每个述职对象的综合得分和等次）。"""
    require_perm(request.user, VIEW)
    subjects = ReportSubject.objects.visible_to(request.user, "view").order_by("-round__year", "round_id", "pk")
    return filtered(SubjectFilterSet, request, subjects, filters)


@router.get("/followups", response=list[ReportFollowUpOut])
@paginate(Pagination)
def reviews_followups(request, filters: Query[ReportFollowUpFilters]):  # type: ignore[valid-type]
    """整改落实：反馈意见要求述职单位完成的事项。"""
    require_perm(request.user, VIEW)
    followups = FollowUp.objects.visible_to(request.user, "view", tree_order=False).order_by("due", "pk")
    return filtered(FollowUpFilterSet, request, followups, filters)


@router.post("/followups/{int:report_followup_id}/done", response={200: ReportFollowUpOut, **REFUSED})
def reviews_followup_done(request, report_followup_id: PathId, payload: ReportFollowUpDoneIn):
    """述职单位填报整改完成情况。"""
    followup = get_object_or_404(FollowUp.objects.visible_to(request.user, "change").select_related("org"),
                                 pk=report_followup_id)
    return services.followup_done(actor=request.user, followup=followup, **payload.dict())



