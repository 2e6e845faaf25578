"""五好党支部 workflows, one transaction and one audit entry each, the summary rows
(``fivegood.org_year``) kept in the same transaction.

- Standards: ``standard_save`` (a draft set: its dimensions and items), ``standard_issue`` (印发:
  it no longer changes), ``standard_new_version`` (a draft copy of an issued set, version + 1).
- Assessments: ``assessment_start`` (a branch's assessment for a year against the set it is held
  to), ``assessment_self_score`` and ``assessment_submit`` (the branch), ``assessment_return`` (back
  to the branch with a reason), ``assessment_assess`` (the upper level's scores; the grade follows
  and a ``GradeChange`` is written), ``assessment_reopen`` (an assessed one back to the upper level
  for re-assessment: its grade withdrawn, and written again by the next ``assessment_assess``).
- ``grade_set``: the door an administrator or an API client might try to set a grade by; it is
  refused with the rule "等次调整须经上级考评" — a grade comes only from ``assessment_assess``.
- Exemplars: ``exemplar_select`` (a 五好 branch, with its story), ``exemplar_publish`` (a notice in the
  portal's 党务公开 channel).

States of an assessment: self → submitted → assessed; submitted → self (returned); assessed →
submitted (reopened). Nothing else moves it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, files, summaries
from core.access import get_scope
from core.errors import NotFound
from core.text import clean_text
from fivegood import rules, selectors
from fivegood.models import (
    ASSESSED_KINDS,
    Assessment,
    AssessmentScore,
    AssessmentState,
    Dimension,
    Exemplar,
    ExemplarState,
    FiveGoodYear,
    GradeChange,
    SetState,
    StandardItem,
    StandardSet,
)
from fivegood.summaries import GRADE_FIELDS
from orgs.models import BRANCH_KINDS, Org, OrgKind, Sector
from portal.models import Channel
from portal.services import publish_notice

CHANGE = "oversight.change"
INSPECT = "oversight.inspect"
PORTAL_CHANNEL = "disclosure"  # the portal's 党务公开 channel
KINDS = {value for value, _label in ASSESSED_KINDS}


def _require(actor, org: Org, perm: str = CHANGE) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _require_above(actor, org: Org) -> Org:
    """The nearest org above ``org`` where the actor assesses (oversight.inspect); NotFound when
    the actor holds it only on ``org`` itself or nowhere above it."""
    found = selectors.assessing_org(actor, org)
    if found is None:
        raise NotFound
    return found


def _count(org_id: int, year: int, **deltas: int) -> None:
    summaries.add(FiveGoodYear, {"org_id": org_id, "year": year}, **deltas)


# --- standards -------------------------------------------------------------------------------------

def _check_set(org: Org, year: int, sector: str, org_kind: str, title: str, text: str):
    errors: dict[str, str] = {}
    if org.kind in BRANCH_KINDS or org.kind in (OrgKind.GROUP, OrgKind.GENERAL_BRANCH):
        raise ValidationError({"org": "创建标准由市、区、街道等党委（党工委）制定"})
    if sector and sector not in Sector.values:
        errors["sector"] = "请选择领域"
    if org_kind not in KINDS:
        errors["org_kind"] = "请选择适用的组织类型"
    if not 2000 <= year <= 2100:
        errors["year"] = "年度有误"
    if not title:
        errors["title"] = "请填写标准名称"
    dimensions, problems = rules.parse_items(text)
    if problems:
        errors["items"] = "；".join(problems[:10])
    elif not dimensions:
        errors["items"] = "请至少填写一个维度和它的条目"
    elif len(dimensions) > rules.MAX_DIMENSIONS:
        errors["items"] = f"维度不能超过{rules.MAX_DIMENSIONS}个"
    elif empty := [name for name, items in dimensions if not items]:
        errors["items"] = f"维度“{'、'.join(empty[:3])}”还没有条目"
    elif sum(len(items) for _name, items in dimensions) > rules.MAX_ITEMS:
        errors["items"] = f"条目不能超过{rules.MAX_ITEMS}条"
    elif len({name for name, _items in dimensions}) != len(dimensions):
        errors["items"] = "维度名称有重复"
    if errors:
        raise ValidationError(errors)
    return dimensions


def _write_items(standard: StandardSet, dimensions) -> None:
    standard.dimensions.all().delete()
    for number, (name, items) in enumerate(dimensions, start=1):
        dimension = Dimension.objects.create(standard_set=standard, number=number, name=name)
        StandardItem.objects.bulk_create([StandardItem(dimension=dimension, number=n, text=text, points=points)
                                          for n, (text, points) in enumerate(items, start=1)])


def _set_content(standard: StandardSet) -> list:
    return [[d.name, [[i.text, i.points] for i in items]] for d, items in selectors.dimensions_of(standard)]


def standard_save(*, actor, org: Org, year: int, sector: str, org_kind: str, title: str, items: str,
                  standard: StandardSet | None = None) -> StandardSet:
    """A draft standard set of ``org``: its year, sector (blank: all), org kind, title, and its
    dimensions and items typed as lines (``rules.parse_items``). An issued set is refused."""
    _require(actor, org)
    title = clean_text(title, max_length=100)
    dimensions = _check_set(org, year, sector or "", org_kind, title, items)
    with transaction.atomic():
        if standard is not None:
            standard = StandardSet.objects.select_for_update().get(pk=standard.pk)
            if not standard.draft:
                raise ValidationError(rules.SET_ISSUED)
        same = StandardSet.objects.filter(org=org, year=year, sector=sector or "", org_kind=org_kind)
        if standard is not None:
            same = same.exclude(pk=standard.pk)
        if standard is None and same.exists() or standard is not None and same.filter(
                version=standard.version).exists():
            raise ValidationError({"sector": f"{org.name}已有{year}年该领域、该组织类型的创建标准；"
                                             "已印发的可以制定新版本"})
        before = {"set": standard.audit_snapshot(), "items": _set_content(standard)} if standard else None
        if standard is None:
            standard = StandardSet(org=org)
        standard.year, standard.sector, standard.org_kind, standard.title = year, sector or "", org_kind, title
        standard.save()
        _write_items(standard, dimensions)
        audit.record("fivegood.standard_save", obj=standard, user=actor,
                     changes={"before": before, "after": {"set": standard.audit_snapshot(),
                                                          "items": [[n, i] for n, i in dimensions]}})
    return standard


def standard_issue(*, actor, standard: StandardSet) -> StandardSet:
    """印发: the draft becomes the standard branches are held to and no longer changes."""
    _require(actor, standard.org)
    with transaction.atomic():
        standard = StandardSet.objects.select_for_update().select_related("org").get(pk=standard.pk)
        if not standard.draft:
            raise ValidationError(rules.SET_ISSUED)
        if not StandardItem.objects.filter(dimension__standard_set=standard).exists():
            raise ValidationError("创建标准还没有条目，不能印发")
        standard.state, standard.issued_at = SetState.ISSUED, timezone.now()
        standard.save(update_fields=["state", "issued_at", "updated"])
        audit.record("fivegood.standard_issue", obj=standard, user=actor,
                     changes={"state": [SetState.DRAFT, SetState.ISSUED]})
    return standard


def standard_new_version(*, actor, standard: StandardSet) -> StandardSet:
    """A new version of an issued set: a draft with the same dimensions and items, to be changed and
    issued; assessments already started keep the version they began with."""
    _require(actor, standard.org)
    with transaction.atomic():
        if standard.draft:
            raise ValidationError("草稿可以直接修改，不需要制定新版本")
        latest = (StandardSet.objects.filter(org=standard.org, year=standard.year, sector=standard.sector,
                                             org_kind=standard.org_kind).order_by("-version").first())
        if latest is not None and latest.draft:
            raise ValidationError(f"已有尚未印发的第{latest.version}版，请修改该版本")
        content = _set_content(standard)
        copy = StandardSet.objects.create(org=standard.org, year=standard.year, sector=standard.sector,
                                          org_kind=standard.org_kind, title=standard.title,
                                          version=(latest.version if latest else standard.version) + 1)
        _write_items(copy, [(name, [tuple(i) for i in items]) for name, items in content])
        audit.record("fivegood.standard_new_version", obj=copy, user=actor,
                     changes={"from": standard.pk, "version": copy.version})
    return copy


# --- assessments -----------------------------------------------------------------------------------

def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("org", "standard_set").get(pk=assessment.pk)


def _store_all(uploads: dict | None) -> dict:
    stored = {}
    try:
        for item_id, upload in (uploads or {}).items():
            if upload is not None:
                stored[item_id] = (upload, files.store_document(upload, allowed=rules.EVIDENCE_KINDS,
                                                                max_bytes=rules.EVIDENCE_MAX_BYTES))
    except Exception:
        for _upload, done in stored.values():
            files.delete(done.stored_name)
        raise
    return stored


def _delete_files(names: list[str]) -> None:
    for name in names:
        files.delete(name)


class _StoredFilesGuard:
    """Deletes the files stored before a transaction that then failed (nothing half-written)."""

    def __init__(self, stored: dict):
        self.stored = stored

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is not None:
            for _upload, done in self.stored.values():
                files.delete(done.stored_name)
        return False


def assessment_start(*, actor, org: Org, year: int) -> Assessment:
    """A branch's assessment for ``year`` against the standard it is held to (``selectors.standard_for``)."""
    _require(actor, org)
    if org.kind not in KINDS:
        raise ValidationError({"org": "只有党支部（党总支）参加五好党支部考评"})
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": "只能开始今年及以前年度的考评"})
    standard = selectors.standard_for(org, year)
    if standard is None:
        raise ValidationError({"year": f"上级党组织还没有印发{org.name}适用的{year}年五好党支部创建标准"})
    items = list(StandardItem.objects.filter(dimension__standard_set=standard))
    with transaction.atomic():
        if Assessment.objects.filter(org=org, year=year).exists():
            raise ValidationError({"year": f"{org.name}已有{year}年的考评"})
        assessment = Assessment.objects.create(org=org, year=year, standard_set=standard)
        AssessmentScore.objects.bulk_create([AssessmentScore(assessment=assessment, item=item) for item in items])
        audit.record("fivegood.assessment_start", obj=assessment, user=actor,
                     changes={"org": org.code, "year": year, "standard_set": standard.pk})
    return assessment


def _scores_of(assessment: Assessment) -> dict[int, AssessmentScore]:
    return {s.item_id: s for s in assessment.scores.select_related("item__dimension")}


def _check_points(scores: dict[int, AssessmentScore], given: dict, *, complete: bool) -> None:
    unknown = set(given) - set(scores)
    if unknown:
        raise ValidationError({"scores": "评分的条目不属于本次考评的标准"})
    errors = []
    for item_id, (value, _text) in given.items():
        item = scores[item_id].item
        if value is not None and not 0 <= value <= item.points:
            errors.append(f"“{item.text[:20]}”的得分须在0至{item.points}分之间")
    if complete:
        missing = [s.item.text[:20] for pk, s in scores.items() if given.get(pk, (None, ""))[0] is None]
        if missing:
            errors.append(f"请逐项评分（未评：{'、'.join(missing[:5])}）")
    if errors:
        raise ValidationError({"scores": "；".join(errors[:10])})


def assessment_self_score(*, actor, assessment: Assessment, scores: dict[int, tuple[int | None, str]],
                          uploads: dict | None = None) -> Assessment:
    """The branch's self scores (item id → (score or None, evidence text)) and evidence files
    (item id → upload); saved as the branch goes, until it submits."""
    _require(actor, assessment.org)
    scores = {pk: (value, clean_text(text, max_length=2000, multiline=True)) for pk, (value, text) in scores.items()}
    stored = _store_all(uploads)
    with _StoredFilesGuard(stored), transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.SELF:
            raise ValidationError(f"考评{assessment.get_state_display()}，不能再修改自评")
        rows = _scores_of(assessment)
        _check_points(rows, scores, complete=False)
        if set(stored) - set(rows):
            raise ValidationError({"scores": "佐证材料的条目不属于本次考评的标准"})
        for item_id, (value, text) in scores.items():
            row = rows[item_id]
            row.self_score, row.evidence = value, text
        replaced = [rows[item_id].file for item_id in stored if rows[item_id].file]
        transaction.on_commit(lambda: _delete_files(replaced))  # the old files go once the new ones are kept
        for item_id, (upload, done) in stored.items():
            row = rows[item_id]
            row.file, row.file_type = done.stored_name, done.content_type
            row.file_name = (getattr(upload, "name", "") or "file")[-200:]
        AssessmentScore.objects.bulk_update(list(rows.values()), ["self_score", "evidence", "file", "file_type",
                                                                  "file_name", "updated"])
        assessment.self_total = sum(r.self_score or 0 for r in rows.values())
        assessment.save(update_fields=["self_total", "updated"])
        audit.record("fivegood.assessment_self_score", obj=assessment, user=actor,
                     changes={"self_total": assessment.self_total, "files": sorted(stored)})
    return assessment


def assessment_submit(*, actor, assessment: Assessment) -> Assessment:
    """The branch submits its self-assessment (every item scored) to the upper level."""
    _require(actor, assessment.org)
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.SELF:
            raise ValidationError(f"考评{assessment.get_state_display()}，不能再提交")
        rows = _scores_of(assessment)
        _check_points(rows, {pk: (r.self_score, r.evidence) for pk, r in rows.items()}, complete=True)
        assessment.state, assessment.submitted_at, assessment.return_reason = (
            AssessmentState.SUBMITTED, timezone.now(), "")
        assessment.save(update_fields=["state", "submitted_at", "return_reason", "updated"])
        audit.record("fivegood.assessment_submit", obj=assessment, user=actor,
                     changes={"state": [AssessmentState.SELF, AssessmentState.SUBMITTED],
                              "self_total": assessment.self_total})
    return assessment


def assessment_return(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """The upper level returns a submitted self-assessment to the branch, with the reason."""
    _require_above(actor, assessment.org)
    reason = clean_text(reason, max_length=200)
    if not reason:
        raise ValidationError({"reason": "请写明退回理由"})
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.SUBMITTED:
            raise ValidationError(f"考评{assessment.get_state_display()}，只有待上级考评的可以退回自评")
        assessment.state, assessment.return_reason = AssessmentState.SELF, reason
        assessment.save(update_fields=["state", "return_reason", "updated"])
        audit.record("fivegood.assessment_return", obj=assessment, user=actor,
                     changes={"state": [AssessmentState.SUBMITTED, AssessmentState.SELF], "reason": reason})
    return assessment


def _change_grade(actor, assessment: Assessment, before: str, after: str, reason: str = "") -> None:
    GradeChange.objects.create(org=assessment.org, year=assessment.year, from_grade=before, to_grade=after,
                               assessment=assessment, by=actor, reason=reason)
    deltas = {"assessed": (1 if after else 0) - (1 if before else 0)}
    if before:
        deltas[GRADE_FIELDS[before]] = -1
    if after:
        deltas[GRADE_FIELDS[after]] = deltas.get(GRADE_FIELDS[after], 0) + 1
    _count(assessment.org_id, assessment.year, **deltas)


def assessment_assess(*, actor, assessment: Assessment, scores: dict[int, tuple[int, str]]) -> Assessment:
    """The upper level scores every item (item id → (score, note)); the grade follows from the
    scores (``rules.grade_for``) and the change of the branch's grade is written (``GradeChange``)."""
    assessor = _require_above(actor, assessment.org)
    scores = {pk: (value, clean_text(note, max_length=200)) for pk, (value, note) in scores.items()}
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.SUBMITTED:
            raise ValidationError(f"考评{assessment.get_state_display()}，只有已提交自评的可以考评")
        rows = _scores_of(assessment)
        _check_points(rows, scores, complete=True)
        per_dimension: dict[int, list[int]] = {}
        for item_id, (value, note) in scores.items():
            row = rows[item_id]
            row.upper_score, row.upper_note = value, note
            figures = per_dimension.setdefault(row.item.dimension_id, [0, 0])
            figures[0] += value
            figures[1] += row.item.points
        AssessmentScore.objects.bulk_update(list(rows.values()), ["upper_score", "upper_note", "updated"])
        total = sum(value for value, _note in scores.values())
        grade = rules.grade_for(total=total, max_total=sum(r.item.points for r in rows.values()),
                                dimensions=[(s, p) for s, p in per_dimension.values()])
        previous = GradeChange.objects.filter(assessment=assessment).order_by("-pk").first()
        assessment.state, assessment.upper_total, assessment.grade = AssessmentState.ASSESSED, total, grade
        assessment.assessed_at, assessment.assessed_by, assessment.assessor = timezone.now(), actor, assessor
        assessment.save(update_fields=["state", "upper_total", "grade", "assessed_at", "assessed_by", "assessor",
                                       "updated"])
        _change_grade(actor, assessment, "", grade, "重新考评" if previous else "")
        audit.record("fivegood.assessment_assess", obj=assessment, user=actor,
                     changes={"state": [AssessmentState.SUBMITTED, AssessmentState.ASSESSED], "upper_total": total,
                              "grade": grade, "assessor": assessor.code})
    return assessment


def assessment_reopen(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Re-assessment: the upper level reopens an assessed assessment (with the reason); its grade is
    withdrawn (a ``GradeChange`` to none) until it is assessed again. An exemplar's is refused."""
    _require_above(actor, assessment.org)
    reason = clean_text(reason, max_length=200)
    if not reason:
        raise ValidationError({"reason": "请写明重新考评的理由"})
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.ASSESSED:
            raise ValidationError(f"考评{assessment.get_state_display()}，只有已考评的可以重新考评")
        if Exemplar.objects.filter(assessment=assessment).exists():
            raise ValidationError("该党支部已遴选为先进典型，不能重新考评")
        before = assessment.grade
        assessment.state, assessment.grade, assessment.return_reason = AssessmentState.SUBMITTED, "", reason
        assessment.save(update_fields=["state", "grade", "return_reason", "updated"])
        _change_grade(actor, assessment, before, "", reason)
        audit.record("fivegood.assessment_reopen", obj=assessment, user=actor,
                     changes={"state": [AssessmentState.ASSESSED, AssessmentState.SUBMITTED], "grade": [before, ""],
                              "reason": reason})
    return assessment


def grade_set(*, actor, org: Org, year: int, grade: str) -> Assessment:
    """Setting a branch's grade directly: refused with the rule. A grade comes only from the upper
    level's scores (``assessment_assess``); to change one, reopen the assessment and assess again.
    Nothing is written."""
    _require(actor, org, INSPECT)
    assessment = Assessment.objects.filter(org=org, year=year).first()
    if assessment is None or assessment.state != AssessmentState.ASSESSED:
        raise ValidationError(f"{rules.GRADE_RULE}：{org.name}{year}年还没有经上级考评，不能设置等次")
    raise ValidationError(f"{rules.GRADE_RULE}：等次由上级考评的评分确定，需要调整的请重新考评")


# --- exemplars -------------------------------------------------------------------------------------

def exemplar_select(*, actor, org: Org, assessment: Assessment, title: str, story: str) -> Exemplar:
    """``org`` (above the branch) selects an assessed 五好 branch as an exemplar for the year."""
    _require(actor, org, INSPECT)
    if not assessment.org.path.startswith(org.path) or assessment.org.path == org.path:
        raise NotFound
    title, story = clean_text(title, max_length=100), clean_text(story, max_length=5000, multiline=True)
    errors = {}
    if not title:
        errors["title"] = "请填写标题"
    if not story:
        errors["story"] = "请填写典型事迹"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.state != AssessmentState.ASSESSED or assessment.grade != "five_good":
            raise ValidationError(rules.NOT_FIVE_GOOD)
        if Exemplar.objects.filter(assessment=assessment).exists():
            raise ValidationError(f"{assessment.org.name}已是{assessment.year}年的先进典型")
        exemplar = Exemplar.objects.create(assessment=assessment, org=assessment.org, year=assessment.year,
                                           selected_by=org, title=title, story=story)
        _count(assessment.org_id, assessment.year, exemplars=1)
        audit.record("fivegood.exemplar_select", obj=exemplar, user=actor,
                     changes={"org": assessment.org.code, "year": assessment.year, "selected_by": org.code})
    return exemplar


def exemplar_publish(*, actor, exemplar: Exemplar) -> Exemplar:
    """宣传推广: the exemplar's story as a notice in the portal's 党务公开 channel."""
    _require(actor, exemplar.selected_by, INSPECT)
    with transaction.atomic():
        exemplar = Exemplar.objects.select_for_update().select_related("org", "selected_by").get(pk=exemplar.pk)
        if exemplar.state == ExemplarState.PUBLISHED:
            raise ValidationError("该先进典型已经宣传")
        if not Channel.objects.filter(code=PORTAL_CHANNEL).exists():
            raise ValidationError("门户网站没有党务公开栏目，不能宣传")
        exemplar.state, exemplar.published_at = ExemplarState.PUBLISHED, timezone.now()
        exemplar.save(update_fields=["state", "published_at", "updated"])
        publish_notice(channel_code=PORTAL_CHANNEL, external_key=exemplar.portal_key, actor=actor,
                       title=exemplar.title, body_text=exemplar.story, source_label=exemplar.selected_by.name)
        _count(exemplar.org_id, exemplar.year, published=1)
        audit.record("fivegood.exemplar_publish", obj=exemplar, user=actor,
                     changes={"state": [ExemplarState.SELECTED, ExemplarState.PUBLISHED]})
    return exemplar
