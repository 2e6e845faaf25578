"""Oversight workflows, one transaction and one audit entry each, the summary rows
(``oversight.org_month``) kept in the same transaction.

- Guidance plans: ``plan_save`` (an org's plan for a sector and year, with its checklist).
- Supervision: ``team_form`` (a team with the orgs assigned to it), ``visit_record`` (a visit checked
  against the visited org's checklist, with findings and an optional photo).
- Inspections: ``inspection_start`` (the half-year's inspection and its targets), ``item_add`` (a
  problem found becomes a rectification item), ``evidence_submit`` (the rectifying org),
  ``evidence_return`` and ``evidence_accept`` (the inspecting org: accepting closes the item),
  ``items_escalate`` (the daily job: overdue items go up a level).
- Quarterly bulletins: ``bulletin_generate`` (a draft from the records, or its figures counted
  again), ``bulletin_edit`` (the draft's words), ``bulletin_publish`` (印发, optionally on the
  portal's 党务公开 channel).

States of an item: open → submitted → closed, or submitted → returned → submitted …; nothing else
closes it."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, files, summaries
from core.access import get_scope
from core.errors import NotFound
from core.text import clean_text
from orgs.models import Org, OrgKind, Sector
from oversight import bulletins, rules
from oversight.models import (
    Bulletin,
    BulletinState,
    ChecklistItem,
    Decision,
    Evidence,
    GuidancePlan,
    Inspection,
    InspectionTarget,
    ItemState,
    OversightMonth,
    RectificationItem,
    SupervisionTeam,
    TeamTarget,
    Visit,
    VisitCheck,
)
from oversight.selectors import checklist_for
from portal.models import Channel
from portal.services import publish_notice

CHANGE = "oversight.change"
INSPECT = "oversight.inspect"


def _require(actor, org: Org, perm: str = CHANGE) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _count(org_id: int, day: date, **deltas: int) -> None:
    summaries.add(OversightMonth, {"org_id": org_id, "month": day.replace(day=1)}, **deltas)


def _below(root: Org, orgs: list[Org], what: str) -> list[Org]:
    """The listed orgs, each strictly below ``root`` and not a party group; refused otherwise."""
    if not orgs:
        raise ValidationError({"targets": f"请选择{what}"})
    if len(orgs) > rules.MAX_TARGETS:
        raise ValidationError({"targets": f"{what}不能超过{rules.MAX_TARGETS}个"})
    wrong = [o.name for o in orgs if o.path == root.path or not o.path.startswith(root.path)]
    if wrong:
        raise ValidationError({"targets": f"{what}须是{root.name}的下级党组织：{'、'.join(wrong[:5])}"})
    groups = [o.name for o in orgs if o.kind == OrgKind.GROUP]
    if groups:
        raise ValidationError({"targets": f"党小组不作为{what}：{'、'.join(groups[:5])}"})
    return list({o.pk: o for o in orgs}.values())


def _store(upload):
    return files.store_optional(upload, allowed=rules.EVIDENCE_KINDS, max_bytes=rules.EVIDENCE_MAX_BYTES)


# --- guidance plans ----------------------------------------------------------------------------------

def plan_save(*, actor, org: Org, sector: str, year: int, title: str, items: list[str],
              plan: GuidancePlan | None = None) -> GuidancePlan:
    """An org's guidance plan for one sector and year, with its checklist (one item per line). The
    checklist can change until a visit has been checked against it; after that only the title."""
    _require(actor, org)
    title = clean_text(title, max_length=100)
    lines = [line for line in (clean_text(text, max_length=200) for text in items) if line]
    errors = {}
    if sector not in Sector.values:
        errors["sector"] = "请选择领域"
    if not title:
        errors["title"] = "请填写方案名称"
    if not lines:
        errors["items"] = "请至少填写一项检查事项"
    elif len(lines) > rules.MAX_CHECKLIST:
        errors["items"] = f"检查事项不能超过{rules.MAX_CHECKLIST}项"
    elif len(set(lines)) != len(lines):
        errors["items"] = "检查事项有重复"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        same = GuidancePlan.objects.filter(org=org, sector=sector, year=year)
        if (same.exclude(pk=plan.pk) if plan else same).exists():
            raise ValidationError({"sector": f"{org.name}已有{year}年该领域的指导方案"})
        current = list(plan.items.values_list("text", flat=True)) if plan else []
        before = {"plan": plan.audit_snapshot(), "items": current} if plan else None
        if plan is not None and current != lines and VisitCheck.objects.filter(item__plan=plan).exists():
            raise ValidationError({"items": "已有督导记录按该方案检查，不能再修改检查事项；可以制定新的方案"})
        if plan is None:
            plan = GuidancePlan(org=org)
        plan.sector, plan.year, plan.title = sector, year, title
        plan.save()
        if current != lines:
            plan.items.all().delete()
            ChecklistItem.objects.bulk_create([ChecklistItem(plan=plan, number=number, text=text)
                                               for number, text in enumerate(lines, start=1)])
        audit.record("oversight.plan_save", obj=plan, user=actor,
                     changes={"before": before, "after": {"plan": plan.audit_snapshot(), "items": lines}})
    return plan


# --- supervision teams and visits ------------------------------------------------------------------

def team_form(*, actor, org: Org, name: str, leader: str, members: str = "", targets: list[Org],
              formed_on: date | None = None) -> SupervisionTeam:
    """An org forms a supervision team for orgs of its subtree."""
    _require(actor, org)
    name, leader = clean_text(name, max_length=50), clean_text(leader, max_length=20)
    errors = {}
    if not name:
        errors["name"] = "请填写督导组名称"
    if not leader:
        errors["leader"] = "请填写组长"
    if errors:
        raise ValidationError(errors)
    targets = _below(org, targets, "督导对象")
    formed_on = formed_on or timezone.localdate()
    if formed_on > timezone.localdate():
        raise ValidationError({"formed_on": "组建日期不能晚于今天"})
    with transaction.atomic():
        team = SupervisionTeam.objects.create(org=org, name=name, leader=leader, formed_on=formed_on,
                                              members=clean_text(members, max_length=200))
        TeamTarget.objects.bulk_create([TeamTarget(team=team, org=target) for target in targets])
        _count(org.pk, formed_on, teams=1)
        audit.record("oversight.team_form", obj=team, user=actor,
                     changes={"name": name, "targets": [t.code for t in targets]})
    return team


def visit_record(*, actor, team: SupervisionTeam, org: Org, day: date | None = None, findings: str = "",
                 checks: dict[int, tuple[bool, str]] | None = None, upload=None) -> Visit:
    """A team's visit to an assigned org: each item of the org's checklist met or not (``checks``:
    item id → (met, note)), the findings, an optional photo. Problems = items not met, at least one
    when findings are written."""
    _require(actor, team.org)
    if not team.targets.filter(org=org).exists():
        raise ValidationError({"org": f"{org.name}不是{team.name}的督导对象"})
    day = day or timezone.localdate()
    if day > timezone.localdate() or day < team.formed_on:
        raise ValidationError({"day": "督导日期须在督导组组建之后、不晚于今天"})
    checklist = {item.pk: item for item in checklist_for(org, day.year)}
    checks = checks or {}
    unknown = set(checks) - set(checklist)
    if unknown:
        raise ValidationError({"checks": "检查事项不属于该党组织适用的指导方案"})
    missing = [checklist[pk].number for pk in checklist if pk not in checks]
    if missing:
        raise ValidationError({"checks": f"请逐项填写检查结果（第{'、'.join(map(str, missing[:10]))}项未填）"})
    findings = clean_text(findings, max_length=2000, multiline=True)
    unmet = sum(1 for met, _ in checks.values() if not met)
    if unmet and not findings:
        raise ValidationError({"findings": "有不符合要求的检查事项，请写明发现的问题"})
    problems = unmet or (1 if findings else 0)
    stored = _store(upload)
    with files.DeletedOnFailure(stored), transaction.atomic():
        visit = Visit.objects.create(team=team, org=org, day=day, findings=findings, problems=problems,
                                     recorded_by=actor, **files.attachment_fields(upload, stored))
        VisitCheck.objects.bulk_create([
            VisitCheck(visit=visit, item=checklist[pk], met=met, note=clean_text(note, max_length=200))
            for pk, (met, note) in checks.items()])
        _count(org.pk, day, visits=1, problems=problems)
        audit.record("oversight.visit_record", obj=visit, user=actor,
                     changes={"org": org.code, "day": day.isoformat(), "problems": problems})
    return visit


# --- inspections and rectification -----------------------------------------------------------------

def inspection_start(*, actor, org: Org, title: str, year: int, half: int, kind: str, timing: str, notice: str,
                     targets: list[Org], started_on: date | None = None, focus: str = "") -> Inspection:
    """An org starts the half-year's inspection of orgs below it."""
    _require(actor, org, INSPECT)
    title = clean_text(title, max_length=100)
    if not title:
        raise ValidationError({"title": "请填写巡查名称"})
    if half not in (1, 2):
        raise ValidationError({"half": "请选择上半年或下半年"})
    started_on = started_on or timezone.localdate()
    if started_on.year != year or (started_on.month <= 6) != (half == 1):
        raise ValidationError({"started_on": f"开始日期须在{year}年{'上' if half == 1 else '下'}半年内"})
    targets = _below(org, targets, "巡查对象")
    with transaction.atomic():
        inspection = Inspection.objects.create(org=org, title=title, year=year, half=half, kind=kind, timing=timing,
                                               notice=notice, started_on=started_on,
                                               focus=clean_text(focus, max_length=200))
        InspectionTarget.objects.bulk_create([InspectionTarget(inspection=inspection, org=t) for t in targets])
        audit.record("oversight.inspection_start", obj=inspection, user=actor,
                     changes={"title": title, "targets": [t.code for t in targets]})
    return inspection


def item_add(*, actor, inspection: Inspection, org: Org, problem: str, owner: str, deadline: date,
             evidence_required: str, found_on: date | None = None) -> RectificationItem:
    """A problem the inspection found at one of its targets becomes a rectification item."""
    _require(actor, inspection.org, INSPECT)
    if not inspection.targets.filter(org=org).exists():
        raise ValidationError({"org": f"{org.name}不是本次巡查的对象"})
    problem = clean_text(problem, max_length=2000, multiline=True)
    owner, evidence_required = clean_text(owner, max_length=20), clean_text(evidence_required, max_length=200)
    found_on = found_on or timezone.localdate()
    errors = {}
    if not problem:
        errors["problem"] = "请写明发现的问题"
    if not owner:
        errors["owner"] = "请填写整改责任人"
    if not evidence_required:
        errors["evidence_required"] = "请写明需要提交的佐证材料"
    if found_on > timezone.localdate() or found_on < inspection.started_on:
        errors["found_on"] = "发现日期须在巡查开始之后、不晚于今天"
    elif deadline <= found_on or deadline > found_on + timedelta(days=rules.MAX_DEADLINE_DAYS):
        errors["deadline"] = f"整改时限须在发现问题之后{rules.MAX_DEADLINE_DAYS}天以内"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = RectificationItem.objects.create(
            inspection=inspection, org=org, problem=problem, owner=owner, deadline=deadline,
            evidence_required=evidence_required, found_on=found_on, found_by=actor)
        _count(org.pk, found_on, opened=1)
        audit.record("oversight.item_add", obj=item, user=actor,
                     changes={"org": org.code, "deadline": deadline.isoformat()})
    return item


def _locked(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.select_for_update().select_related("inspection__org", "org").get(pk=item.pk)


def _pending(item: RectificationItem) -> Evidence:
    return item.evidence.get(round=item.rounds)


def evidence_submit(*, actor, item: RectificationItem, text: str, upload=None) -> Evidence:
    """The rectifying org submits what it did (a new round) for the inspector to accept."""
    _require(actor, item.org)
    text = clean_text(text, max_length=2000, multiline=True)
    if not text:
        raise ValidationError({"text": "请写明整改情况"})
    stored = _store(upload)
    with files.DeletedOnFailure(stored), transaction.atomic():
        item = _locked(item)
        if item.state not in (ItemState.OPEN, ItemState.RETURNED):
            raise ValidationError(f"整改事项{item.get_state_display()}，不能提交佐证材料")
        before = item.state
        item.rounds += 1
        evidence = Evidence.objects.create(item=item, round=item.rounds, text=text, submitted_by=actor,
                                           **files.attachment_fields(upload, stored))
        item.state = ItemState.SUBMITTED
        item.save(update_fields=["rounds", "state", "updated"])
        audit.record("oversight.evidence_submit", obj=item, user=actor,
                     changes={"state": [before, item.state], "round": item.rounds})
    return evidence


def _decide(actor, item: RectificationItem, decision: str, comment: str) -> tuple[RectificationItem, Evidence]:
    _require(actor, item.inspection.org, INSPECT)
    item = _locked(item)
    if item.state != ItemState.SUBMITTED:
        raise ValidationError("整改事项还没有提交佐证材料，不能验收或销号" if item.state != ItemState.CLOSED
                              else "整改事项已销号")
    evidence = _pending(item)
    if evidence.submitted_by_id == actor.pk:
        raise ValidationError("不能验收本人提交的佐证材料")
    evidence.decision, evidence.comment = decision, comment
    evidence.decided_by, evidence.decided_at = actor, timezone.now()
    evidence.save(update_fields=["decision", "comment", "decided_by", "decided_at", "updated"])
    return item, evidence


def evidence_return(*, actor, item: RectificationItem, comment: str, deadline: date | None = None) -> RectificationItem:
    """The inspector returns the evidence: the org must rectify again (by a new deadline, if given)."""
    comment = clean_text(comment, max_length=200)
    if not comment:
        raise ValidationError({"comment": "退回须写明理由"})
    if deadline is not None and not (timezone.localdate() < deadline
                                     <= item.found_on + timedelta(days=rules.MAX_DEADLINE_DAYS)):
        raise ValidationError({"deadline": f"新的整改时限须晚于今天，且在发现问题之后{rules.MAX_DEADLINE_DAYS}天以内"})
    with transaction.atomic():
        item, evidence = _decide(actor, item, Decision.RETURNED, comment)
        item.state = ItemState.RETURNED
        changes = {"state": [ItemState.SUBMITTED, item.state], "round": evidence.round}
        if deadline is not None:
            changes["deadline"] = [item.deadline.isoformat(), deadline.isoformat()]
            item.deadline = deadline
        item.save(update_fields=["state", "deadline", "updated"])
        audit.record("oversight.evidence_return", obj=item, user=actor, changes=changes)
    return item


def evidence_accept(*, actor, item: RectificationItem, comment: str = "") -> RectificationItem:
    """The inspector accepts the evidence: the item is closed (销号)."""
    with transaction.atomic():
        item, evidence = _decide(actor, item, Decision.ACCEPTED, clean_text(comment, max_length=200))
        item.state, item.closed_at = ItemState.CLOSED, timezone.now()
        item.save(update_fields=["state", "closed_at", "updated"])
        _count(item.org_id, timezone.localdate(), closed=1)
        audit.record("oversight.evidence_accept", obj=item, user=actor,
                     changes={"state": [ItemState.SUBMITTED, item.state], "round": evidence.round})
    return item


def items_escalate(*, today: date | None = None) -> int:
    """The daily job: each item overdue while the rectifying org owes the next step goes to the level
    its days overdue call for (``rules.escalation_depth``). Returns how many items moved. The orgs
    moved to are read in one query; each move is its own transaction."""
    today = today or timezone.localdate()
    late = (RectificationItem.objects.filter(state__in=[ItemState.OPEN, ItemState.RETURNED], deadline__lt=today)
            .select_related("org", "inspection__org", "escalated_to").order_by("pk"))
    moves = []
    for item in late.iterator(chunk_size=500):
        depth = rules.escalation_depth(org_depth=item.org.depth, inspector_depth=item.inspection.org.depth,
                                       days_overdue=(today - item.deadline).days)
        path = item.org.path[:depth * Org.steplen]
        if item.escalated_to is None or item.escalated_to.path != path:
            moves.append((item, path))
    targets = {org.path: org for org in Org.objects.filter(path__in={path for _item, path in moves})}
    for item, path in moves:
        target = targets[path]
        with transaction.atomic():
            before = item.escalated_to.code if item.escalated_to else None
            RectificationItem.objects.filter(pk=item.pk).update(escalated_to=target, escalated_at=timezone.now())
            item.escalated_to = target
            audit.record("oversight.item_escalate", obj=item, user=None,
                         changes={"escalated_to": [before, target.code], "days_overdue": (today - item.deadline).days})
    return len(moves)


# --- the quarterly bulletin --------------------------------------------------------------------------

PORTAL_CHANNEL = "disclosure"  # the portal's 党务公开 channel


def _bulletin_locked(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update().select_related("org").get(pk=bulletin.pk)


def bulletin_generate(*, actor, org: Org, year: int, quarter: int) -> Bulletin:
    """The org's bulletin for a quarter, generated from the records: a new draft, or the draft's
    figures counted again (its edited texts kept, each section's text written anew). A quarter
    not yet begun, or a bulletin already published, is refused."""
    _require(actor, org)
    today = timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "请选择第一至第四季度"})
    start, end = bulletins.quarter_bounds(year, quarter)
    if start > today:
        raise ValidationError({"quarter": f"{year}年{bulletins.QUARTER_NAMES[quarter]}尚未开始，不能生成通报"})
    if org.founded and end < org.founded:
        raise ValidationError({"quarter": f"{org.name}成立于{org.founded:%Y年%m月%d日}，该季度还没有记录"})
    as_of = min(end, today)
    same = Bulletin.objects.filter(org=org, year=year, quarter=quarter)
    if same.filter(state=BulletinState.PUBLISHED).exists():
        raise ValidationError(rules.BULLETIN_PUBLISHED)
    # Counted before the transaction: the write lock (on SQLite, the whole database's) is not held
    # while every module's figures are read; the state is checked again under the row lock.
    sections = bulletins.sections_for(org, year, quarter, as_of)
    with transaction.atomic():
        found = same.select_for_update().first()
        if found is not None and not found.draft:
            raise ValidationError(rules.BULLETIN_PUBLISHED)
        created = found is None
        bulletin = found or Bulletin(
            org=org, year=year, quarter=quarter, title=bulletins.default_title(org, year, quarter),
            intro=bulletins.default_intro(org, year, quarter), closing=bulletins.DEFAULT_CLOSING)
        bulletin.sections, bulletin.as_of, bulletin.generated_at = sections, as_of, timezone.now()
        bulletin.save()
        audit.record("oversight.bulletin_generate", obj=bulletin, user=actor,
                     changes={"org": org.code, "year": year, "quarter": quarter, "as_of": as_of.isoformat(),
                              "created": created})
    return bulletin


def bulletin_edit(*, actor, bulletin: Bulletin, title: str, intro: str = "", closing: str = "",
                  texts: dict[str, str] | None = None) -> Bulletin:
    """A draft's words: the title, the opening, each section's text (by section key), the
    requirements. The figures are the records' and are not edited."""
    _require(actor, bulletin.org)
    title = clean_text(title, max_length=100)
    if not title:
        raise ValidationError({"title": "请填写通报标题"})
    texts = texts or {}
    with transaction.atomic():
        bulletin = _bulletin_locked(bulletin)
        if not bulletin.draft:
            raise ValidationError(rules.BULLETIN_PUBLISHED)
        known = {section["key"] for section in bulletin.sections}
        unknown = sorted(set(texts) - known)
        if unknown:
            raise ValidationError({"texts": f"通报中没有这些部分：{'、'.join(unknown)[:100]}"})
        before = bulletin.audit_snapshot()
        bulletin.title = title
        bulletin.intro = clean_text(intro, max_length=2000, multiline=True)
        bulletin.closing = clean_text(closing, max_length=2000, multiline=True)
        sections = []
        for section in bulletin.sections:
            if section["key"] in texts:
                text = clean_text(texts[section["key"]], max_length=2000, multiline=True)
                if not text:
                    raise ValidationError({f"text_{section['key']}": f"请填写“{section['title']}”部分的文字"})
                section = {**section, "text": text}
            sections.append(section)
        bulletin.sections = sections
        bulletin.save()
        audit.record("oversight.bulletin_edit", obj=bulletin, user=actor,
                     changes=audit.diff(before, bulletin.audit_snapshot()))
    return bulletin


def bulletin_publish(*, actor, bulletin: Bulletin, on_portal: bool = False) -> Bulletin:
    """印发: the draft becomes the bulletin as issued and no longer changes; with ``on_portal``
    it is also published in the portal's 党务公开 channel (its text; the tables stay in the files)."""
    _require(actor, bulletin.org)
    with transaction.atomic():
        bulletin = _bulletin_locked(bulletin)
        if not bulletin.draft:
            raise ValidationError(rules.BULLETIN_PUBLISHED)
        if not bulletin.sections:
            raise ValidationError("通报没有内容，请先生成")
        if on_portal and not Channel.objects.filter(code=PORTAL_CHANNEL).exists():
            raise ValidationError({"on_portal": "门户网站没有党务公开栏目，不能在门户发布"})
        bulletin.state, bulletin.published_at, bulletin.published_by = (
            BulletinState.PUBLISHED, timezone.now(), actor)
        bulletin.on_portal = on_portal
        bulletin.save()
        if on_portal:
            publish_notice(channel_code=PORTAL_CHANNEL, external_key=f"oversight:bulletin:{bulletin.pk}", actor=actor,
                           title=bulletin.title, body_text=bulletins.portal_text(bulletin),
                           source_label=bulletin.org.name)
        audit.record("oversight.bulletin_publish", obj=bulletin, user=actor,
                     changes={"state": [BulletinState.DRAFT, BulletinState.PUBLISHED], "on_portal": on_portal})
    return bulletin
