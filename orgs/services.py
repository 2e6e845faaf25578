"""Org workflows: create, update, move (调整隶属关系), leadership terms. One transaction each,
validated before saving, with an audit entry."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from orgs import rules
from orgs.models import (
    AffiliationChange,
    LeadershipMember,
    LeadershipTerm,
    Org,
    OrgKind,
    OrgSetting,
)

ORG_FIELDS = ("name", "code", "kind", "sector", "level", "unit_name", "founded")


def _require_org(actor, org: Org, perm: str) -> None:
    """Out of scope is 404: the user may not know the org exists."""
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"code": "请填写组织代码"})
    return code


def setting_set(*, actor, org: Org, key: str, value) -> OrgSetting:
    """Set a local rule (rules.md "local") on ``org`` for its subtree (org.change on the org): the
    key must be one a module declares, the value of the type of its default."""
    _require_org(actor, org, "org.change")
    if key not in rules.LOCAL_DEFAULTS:
        raise ValidationError({"key": f"没有这个本地设置项：{key}"})
    default = rules.LOCAL_DEFAULTS[key]
    if type(value) is not type(default):
        raise ValidationError({"value": "设置值的类型不正确"})
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        _require_org(actor, org, "org.change")
        before = OrgSetting.objects.filter(org=org, key=key).values_list("value", flat=True).first()
        setting, _ = OrgSetting.objects.update_or_create(org=org, key=key, defaults={"value": value})
        audit.record("org.setting_set", obj=org, user=actor, changes={"key": key, "before": before, "after": value})
    return setting


def org_create(*, actor, parent: Org | None, name: str, code: str, kind: str, founded: date,
               sector: str = "", level: str = "unit", unit_name: str = "") -> Org:
    if parent is None:
        raise ValidationError("顶层党组织只能由部署时的初始化命令创建")
    _require_org(actor, parent, "org.change")
    code = _clean_code(code)
    rules.check_placement(kind, parent)
    rules.check_founded(founded, parent)
    if Org.objects.filter(code=code).exists():
        raise ValidationError({"code": f"组织代码 {code} 已被使用"})
    try:
        with transaction.atomic():
            parent = Org.objects.get(pk=parent.pk)  # fresh path and numchild
            org = Org.objects.add_child(parent, {
                "name": name.strip(), "code": code, "kind": kind, "founded": founded, "sector": sector,
                "level": level, "unit_name": unit_name.strip(),
            })
            audit.record("org.create", obj=org, changes={"after": org.audit_snapshot()})
    except IntegrityError as exc:
        raise ValidationError({"code": f"组织代码 {code} 已被使用"}) from exc
    return org


def org_create_root(*, name: str, code: str, kind: str, founded: date, level: str, sector: str = "") -> Org:
    """Deployment-time creation of a top-level org (command line and demo only)."""
    rules.check_placement(kind, None)
    with transaction.atomic():
        org = Org.objects.add_root({"name": name, "code": _clean_code(code), "kind": kind,
                                    "founded": founded, "level": level, "sector": sector})
        audit.record("org.create", obj=org, changes={"after": org.audit_snapshot()})
    return org


def org_update(*, actor, org: Org, **changes) -> Org:
    _require_org(actor, org, "org.change")
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{', '.join(sorted(unknown))}")
    parent = Org.objects.get_parent(org)
    if "code" in changes:
        changes["code"] = _clean_code(changes["code"])
        if Org.objects.filter(code=changes["code"]).exclude(pk=org.pk).exists():
            raise ValidationError({"code": f"组织代码 {changes['code']} 已被使用"})
    if "kind" in changes and changes["kind"] != org.kind:
        rules.check_placement(changes["kind"], parent)
        for child_kind in set(Org.objects.get_children(org).values_list("kind", flat=True)):
            if child_kind not in rules.ALLOWED_CHILDREN[changes["kind"]]:
                raise ValidationError({"kind": f"该组织下设有{OrgKind(child_kind).label}，不能改为{OrgKind(changes['kind']).label}"})
    if "founded" in changes:
        rules.check_founded(changes["founded"], parent)
    before = org.audit_snapshot()
    with transaction.atomic():
        for field, value in changes.items():
            setattr(org, field, value)
        org.save()
        delta = audit.diff(before, org.audit_snapshot())
        if delta:
            audit.record("org.update", obj=org, changes=delta)
    return org


def org_move(*, actor, org: Org, new_parent: Org, reason: str, changed_on: date | None = None) -> Org:
    """调整隶属关系: move the org with its whole subtree under ``new_parent``."""
    _require_org(actor, org, "org.move")
    _require_org(actor, new_parent, "org.move")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写调整原因"})
    if org.is_root():
        raise ValidationError("顶层党组织不能调整隶属关系")
    rules.check_move(org, new_parent)
    with transaction.atomic():
        org = Org.objects.select_for_update().get(pk=org.pk)
        old_parent = Org.objects.get_parent(org)
        old_path = org.path
        left = list(Org.objects.filter(path__in=old_parent.ancestor_paths()).values_list("pk", flat=True))
        Org.objects.move(org, Org.objects.get(pk=new_parent.pk), "last-child")
        org.refresh_from_db()
        new_parent = Org.objects.get(pk=new_parent.pk)
        joined = list(Org.objects.filter(path__in=new_parent.ancestor_paths()).values_list("pk", flat=True))
        summaries.subtree_moved(org.pk, left, joined)  # the tree summaries (members' profile)
        AffiliationChange.objects.create(
            org=org, from_parent=old_parent, to_parent=new_parent, reason=reason.strip(),
            changed_on=changed_on or timezone.localdate(), changed_by=actor,
        )
        audit.record("org.move", obj=org, changes={
            "parent": [old_parent.code, new_parent.code], "path": [old_path, org.path],
            "reason": reason.strip(),
        })
    return org


def term_create(*, actor, org: Org, started: date, ends: date | None = None,
                members: Sequence[tuple[str, str]] = (), approval: str = "") -> LeadershipTerm:
    """A new term (换届): the current one ends on the new start date. An election brought forward,
    or a term longer or shorter than the rule's, names the level above's approval (``approval``)."""
    _require_org(actor, org, "org.change")
    approval = approval.strip()
    current = org.terms.filter(ended__isnull=True).first()
    if started > timezone.localdate():
        raise ValidationError({"started": "任期开始日期不能晚于今天"})
    if current and started <= current.started:
        raise ValidationError({"started": f"新任期须晚于本届任期开始日期（{current.started:%Y-%m-%d}）"})
    if ends is not None and ends <= started:
        raise ValidationError({"ends": "任期届满日期须晚于任期开始日期"})
    ends = ends or rules.default_term_end(org, started)
    rules.check_term(org, started=started, ends=ends, current=current, approval=approval)
    with transaction.atomic():
        if current:
            current.ended = started
            current.save(update_fields=["ended", "updated"])
        term = LeadershipTerm.objects.create(org=org, started=started, ends=ends, approval=approval)
        for post, name in members:
            if name.strip():
                LeadershipMember.objects.create(term=term, post=post, name=name.strip())
        audit.record("org.term_create", obj=term, org=org, changes={
            "started": started.isoformat(), "ends": ends.isoformat(), "approval": approval,
            "members": [[p, n] for p, n in members if n.strip()],
        })
    return term
