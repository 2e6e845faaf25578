"""Transfer workflows (rules.md §6): issue, accept, return, cancel, expire a letter; record one
sent to or received from outside the platform; issue, renew and close a mobile member's
certificate.

Each is one transaction with an audit entry. State changes lock the letter row
(``select_for_update``) and check its state inside the lock, so of two concurrent accepts exactly
one wins; the partial unique constraint backs "one open letter per member"."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.access import get_scope
from core.errors import NotFound
from members import services as member_services
from members import summaries as member_counts
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from members.services import record_event
from notifications.models import Kind
from notifications.services import notify, org_officers
from orgs.models import MEMBERSHIP_KINDS, TEMPORARY_BRANCH_RULE, Org, OrgKind
from transfers import rules
from transfers import summaries as letter_counts
from transfers.models import CertificateClose, Letter, LetterKind, LetterState, MobileCertificate

CHANGE = "member.change"


def _covers(actor, org: Org | None) -> bool:
    return org is not None and get_scope(actor).covers(org.path, CHANGE)


def _require(actor, org: Org | None) -> None:
    """Out of scope is 404: the user may not know the org or its members exist."""
    if not _covers(actor, org):
        raise NotFound


def _require_visible(actor, letter: Letter) -> None:
    if not (_covers(actor, letter.from_org) or _covers(actor, letter.to_org)):
        raise NotFound


def _locked(letter: Letter) -> Letter:
    return (Letter.objects.select_for_update(of=("self",))
            .select_related("member", "from_org", "to_org").get(pk=letter.pk))


def _require_open(letter: Letter, today: date, doing: str) -> None:
    """A letter moves on only while issued and within its validity."""
    if letter.state != LetterState.ISSUED:
        raise ValidationError(f"介绍信 {letter.number} {letter.get_state_display()}，不能{doing}")
    if letter.is_expired(today):
        raise ValidationError(
            f"介绍信 {letter.number} 已于 {letter.valid_until:%Y-%m-%d} 过期（有效期最长3个月，组通字〔2006〕45号），"
            f"不能{doing}；请转出党组织重新开具")


def _require_side(actor, letter: Letter, side: str) -> None:
    _require_visible(actor, letter)
    if side == "to" and not _covers(actor, letter.to_org):
        raise PermissionDenied("只有接收党组织可以接收或退回介绍信")
    if side == "from" and not _covers(actor, letter.from_org):
        raise PermissionDenied("只有转出党组织可以撤销介绍信或登记回执")


def _next_serial(year: int) -> int:
    last = Letter.objects.filter(year=year).aggregate(n=Max("serial"))["n"]
    return (last or 0) + 1


def _clean_reason(reason: str, field: str = "reason", label: str = "转接原因") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: f"请填写{label}"})
    return reason[:200]


def _month(day: date) -> date:
    return day.replace(day=1)


def find_destination(code: str) -> Org:
    """The receiving org, named by its code; it may lie outside the issuer's scope."""
    code = (code or "").strip().upper()
    org = Org.objects.filter(code=code).first() if code else None
    if org is None:
        raise ValidationError({"to_org": f"组织代码“{code[:32]}”不存在，请核对接收党组织的组织代码"})
    return org


def _expire_stale(member: Member, today: date, actor) -> None:
    """Mark the member's issued letters past validity expired, so a new one may be issued."""
    for stale in Letter.objects.select_for_update().filter(
            member=member, state=LetterState.ISSUED, valid_until__lt=today):
        _mark_expired(stale, today, actor)


def _mark_expired(letter: Letter, today: date, actor) -> None:
    letter.state, letter.closed_on = LetterState.EXPIRED, today
    letter.save(update_fields=["state", "closed_on", "updated"])
    record_event(member=letter.member, kind="transfer_expire", actor=actor, occurred=today,
                 summary=f"组织关系介绍信 {letter.number} 超过有效期未接收，已过期")
    audit.record("transfer.expire", obj=letter, user=actor,
                 changes={"state": [LetterState.ISSUED, LetterState.EXPIRED],
                          "valid_until": letter.valid_until.isoformat()})


def letter_issue(*, actor, member: Member, to_org: Org | None = None, to_org_name: str = "",
                 issued_on: date | None = None, valid_until: date, dues_paid_until: date,
                 reason: str) -> Letter:
    """Org A issues a letter for its member: to org B in the platform (``to_org``) or to an org
    outside it (``to_org_name`` only). The member stays in A until B accepts."""
    today = timezone.localdate()
    issued_on = issued_on or today
    _require(actor, member.org)
    reason = _clean_reason(reason)
    rules.check_validity(issued_on, valid_until, today=today)
    rules.check_transferable(member)
    if to_org is not None:
        rules.check_destination(member, to_org)
        kind, to_org_name = LetterKind.INTERNAL, to_org.name
    else:
        to_org_name = (to_org_name or "").strip()[:100]
        if not to_org_name:
            raise ValidationError({"to_org_name": "请填写平台外接收党组织的名称"})
        kind = LetterKind.OUTGOING
    with transaction.atomic():
        member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
        _require(actor, member.org)  # re-checked on the locked row: the member may have moved
        rules.check_transferable(member)
        _expire_stale(member, today, actor)
        if Letter.objects.filter(member=member, state=LetterState.ISSUED).exists():
            raise ValidationError({"member": "该党员已有一封未办结的介绍信，请先办结或撤销"})
        if Letter.objects.filter(member=member, kind=LetterKind.OUTGOING,
                                 state=LetterState.COMPLETED).exists():
            raise ValidationError({"member": "该党员的组织关系已转出至平台外（回执已返回），待归档"})
        letter = _insert_numbered(Letter(
            kind=kind, member=member, from_org=member.org, from_org_name=member.org.name,
            to_org=to_org, to_org_name=to_org_name, issued_on=issued_on, valid_until=valid_until,
            dues_paid_until=_month(dues_paid_until), reason=reason, issued_by=actor,
        ))
        letter_counts.issued(letter)
        record_event(member=member, kind="transfer_issue", actor=actor, occurred=issued_on,
                     summary=f"开具组织关系介绍信 {letter.number}：{member.org.name} → {to_org_name}")
        audit.record("transfer.issue", obj=letter, org=member.org, user=actor,
                     changes={"after": letter.audit_snapshot()})
        if to_org is not None:  # Told: the officers of the receiving org (a letter out of the platform: nobody)
            notify(recipients=org_officers(to_org), kind=Kind.TRANSFER_WAITING,
                   link=reverse("transfers:detail", args=[letter.pk]),
                   title=f"介绍信 {letter.number} 待接收：{member.name}，由{member.org.name}转入{to_org.name}")
    return letter


def _insert_numbered(letter: Letter, attempts: int = 5) -> Letter:
    """Next serial of the year; a concurrent issue taking the same one is retried."""
    letter.year = letter.issued_on.year
    for attempt in range(attempts):
        letter.serial = _next_serial(letter.year)
        letter.number = rules.letter_number(letter.year, letter.serial)
        try:
            with transaction.atomic():
                letter.save(force_insert=True)
            return letter
        except IntegrityError as exc:
            letter.pk = None
            if Letter.objects.filter(member=letter.member, state=LetterState.ISSUED).exists():
                raise ValidationError({"member": "该党员已有一封未办结的介绍信，请先办结或撤销"}) from exc
            if attempt == attempts - 1:
                raise ValidationError("介绍信编号生成冲突，请重试") from exc
    raise AssertionError("unreachable")


def letter_accept(*, actor, letter: Letter, received_on: date | None = None) -> Letter:
    """Org B accepts: the member moves to B (group cleared), the receipt goes back to A."""
    today = timezone.localdate()
    received_on = received_on or today
    with transaction.atomic():
        letter = _locked(letter)
        _require_side(actor, letter, "to")
        _require_open(letter, today, "接收")
        if received_on > today or received_on < letter.issued_on:
            raise ValidationError({"received_on": "接收日期须在开具日期与今天之间"})
        member = Member.objects.select_for_update().get(pk=letter.member_id)
        # Both ends are on the platform here: the receiver was checked above, and a member is
        # always in an org, so a letter from outside (no from_org) fails the first test.
        from_org, to_org = letter.from_org, letter.to_org
        if from_org is None or to_org is None or member.org_id != from_org.pk:
            raise ValidationError("该党员已不在转出党组织，介绍信不能接收，请转出党组织撤销")
        before = {"org": from_org.code, "group": member.group_id}
        counted = member_counts.place(member)
        member.org, member.group = to_org, None
        member.save(update_fields=["org", "group", "updated"])
        member_counts.moved(counted, member_counts.place(member), member_id=member.pk)
        letter.state, letter.received_on, letter.receipt_returned = LetterState.RECEIVED, received_on, received_on
        letter.handled_by = actor
        letter.save(update_fields=["state", "received_on", "receipt_returned", "handled_by", "updated"])
        letter_counts.received(letter)
        record_event(member=member, kind="transfer_out", actor=actor, occurred=received_on,
                     summary=f"组织关系转出：{letter.from_org_name} → {letter.to_org_name}（介绍信 {letter.number}）")
        record_event(member=member, kind="transfer_in", actor=actor, occurred=received_on,
                     summary=f"组织关系转入{letter.to_org_name}，回执已退转出党组织（介绍信 {letter.number}）")
        audit.record("transfer.accept", obj=letter, org=letter.to_org, user=actor, changes={
            "state": [LetterState.ISSUED, LetterState.RECEIVED], "received_on": received_on.isoformat(),
            "receipt_returned": received_on.isoformat()})
        audit.record("member.transfer", obj=member, org=letter.from_org, user=actor, changes={
            "org": [before["org"], to_org.code], "group": [before["group"], None],
            "letter": letter.number})
    return letter


def letter_return(*, actor, letter: Letter, reason: str) -> Letter:
    """Org B refuses the letter with a reason; the member stays in A."""
    reason = _clean_reason(reason, "reason", "退回原因")
    today = timezone.localdate()
    with transaction.atomic():
        letter = _locked(letter)
        _require_side(actor, letter, "to")
        _require_open(letter, today, "退回")
        _close(letter, LetterState.RETURNED, today, reason, actor)
        record_event(member=letter.member, kind="transfer_return", actor=actor, occurred=today,
                     summary=f"{letter.to_org_name}退回介绍信 {letter.number}：{reason}")
        audit.record("transfer.return", obj=letter, user=actor,
                     changes={"state": [LetterState.ISSUED, LetterState.RETURNED], "reason": reason})
    return letter


def letter_cancel(*, actor, letter: Letter, reason: str) -> Letter:
    """Org A withdraws its letter before receipt."""
    reason = _clean_reason(reason, "reason", "撤销原因")
    today = timezone.localdate()
    with transaction.atomic():
        letter = _locked(letter)
        _require_side(actor, letter, "from")
        if letter.state != LetterState.ISSUED:
            raise ValidationError(f"介绍信 {letter.number} {letter.get_state_display()}，不能撤销")
        _close(letter, LetterState.CANCELLED, today, reason, actor)
        record_event(member=letter.member, kind="transfer_cancel", actor=actor, occurred=today,
                     summary=f"撤销介绍信 {letter.number}：{reason}")
        audit.record("transfer.cancel", obj=letter, user=actor,
                     changes={"state": [LetterState.ISSUED, LetterState.CANCELLED], "reason": reason})
    return letter


def _close(letter: Letter, state: str, today: date, reason: str, actor) -> None:
    letter.state, letter.closed_on, letter.close_reason, letter.handled_by = state, today, reason, actor
    letter.save(update_fields=["state", "closed_on", "close_reason", "handled_by", "updated"])


def letter_complete(*, actor, letter: Letter, receipt_returned: date | None = None) -> Letter:
    """An outgoing letter to outside the platform: the paper receipt came back. The member has left
    the platform's membership: status "已转出" (no longer among ACTIVE_STATUSES), the org and the
    archive kept, the letter on the timeline."""
    today = timezone.localdate()
    receipt_returned = receipt_returned or today
    with transaction.atomic():
        letter = _locked(letter)
        _require_side(actor, letter, "from")
        if letter.kind != LetterKind.OUTGOING:
            raise ValidationError("只有转出至平台外的介绍信需要登记回执；平台内转接由接收党组织接收")
        # A paper receipt may come back after the validity ran out (the member reported in time).
        if letter.state not in (LetterState.ISSUED, LetterState.EXPIRED):
            raise ValidationError(f"介绍信 {letter.number} {letter.get_state_display()}，不能登记回执")
        if Letter.objects.filter(member_id=letter.member_id, pk__gt=letter.pk).exists():
            raise ValidationError("该党员已有更新的介绍信，不能再登记这封介绍信的回执")
        if receipt_returned > today or receipt_returned < letter.issued_on:
            raise ValidationError({"receipt_returned": "回执返回日期须在开具日期与今天之间"})
        previous = letter.state
        member = Member.objects.select_for_update().get(pk=letter.member_id)
        rules.check_transferable(member)  # a member who died or left meanwhile is not "moved out"
        letter.state, letter.receipt_returned, letter.handled_by = LetterState.COMPLETED, receipt_returned, actor
        letter.save(update_fields=["state", "receipt_returned", "handled_by", "updated"])
        counted = member_counts.place(member)
        status_before, member.status = member.status, MemberStatus.MOVED_OUT
        member.save(update_fields=["status", "updated"])
        member_counts.moved(counted, member_counts.place(member), member_id=member.pk)
        record_event(member=member, kind="transfer_out", actor=actor, occurred=receipt_returned,
                     summary=f"组织关系转出至平台外：{letter.to_org_name}，回执已返回（介绍信 {letter.number}），"
                             "党员状态改为“已转出”")
        audit.record("transfer.complete", obj=letter, user=actor, changes={
            "state": [previous, LetterState.COMPLETED],
            "receipt_returned": receipt_returned.isoformat()})
        audit.record("member.transfer_out", obj=member, user=actor, changes={
            "status": [status_before, MemberStatus.MOVED_OUT], "letter": letter.number})
    return letter


def letter_expire(*, actor, letter: Letter) -> Letter:
    """Mark one letter past its validity expired (either side may)."""
    today = timezone.localdate()
    with transaction.atomic():
        letter = _locked(letter)
        _require_visible(actor, letter)
        if letter.state != LetterState.ISSUED:
            raise ValidationError(f"介绍信 {letter.number} {letter.get_state_display()}，不能标记过期")
        if not letter.is_expired(today):
            raise ValidationError(f"介绍信 {letter.number} 有效期至 {letter.valid_until:%Y-%m-%d}，尚未过期")
        _mark_expired(letter, today, actor)
    return letter


def expire_overdue(*, today: date | None = None) -> int:
    """The scheduled job (`dangjian transfers expire`): every issued letter past its validity."""
    today = today or timezone.localdate()
    count = 0
    for pk in Letter.objects.filter(state=LetterState.ISSUED, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            letter = Letter.objects.select_for_update(of=("self",)).select_related("member").get(pk=pk)
            if letter.state == LetterState.ISSUED and letter.valid_until < today:
                _mark_expired(letter, today, None)
                count += 1
    return count


def letter_receive_external(*, actor, to_org: Org, number: str, from_org_name: str, issued_on: date,
                            valid_until: date, dues_paid_until: date, reason: str, received_on: date | None,
                            name: str, id_number: str, status: str, joined: date) -> Letter:
    """Org B records a paper letter from outside the platform: the member's archive is created in
    B (members.services.member_create) with the letter's fields kept on the letter."""
    _require(actor, to_org)
    today = timezone.localdate()
    received_on = received_on or today
    number = (number or "").strip()[:40]
    from_org_name = (from_org_name or "").strip()[:100]
    if not number:
        raise ValidationError({"number": "请填写介绍信上的编号"})
    if not from_org_name:
        raise ValidationError({"from_org_name": "请填写开具介绍信的党组织名称"})
    reason = _clean_reason(reason)
    rules.check_validity(issued_on, valid_until, today=today)
    if received_on > today or received_on < issued_on:
        raise ValidationError({"received_on": "接收日期须在开具日期与今天之间"})
    if received_on > valid_until:
        raise ValidationError({"received_on": (
            f"介绍信已于 {valid_until:%Y-%m-%d} 过期（组通字〔2006〕45号），请党员回原党组织重新开具")})
    if status not in ACTIVE_STATUSES:
        raise ValidationError({"status": "只有正式党员和预备党员可以转接组织关系"})
    if to_org.kind == OrgKind.TEMPORARY_BRANCH:
        raise ValidationError({"to_org": f"“{to_org.name}”是临时党支部：{TEMPORARY_BRANCH_RULE}"})
    if to_org.kind not in MEMBERSHIP_KINDS:
        raise ValidationError({"to_org": "组织关系须转入党支部（含联合党支部）"})
    if Letter.objects.filter(number=number).exists():
        raise ValidationError({"number": f"介绍信 {number} 已登记"})
    try:
        with transaction.atomic():
            returning = _moved_out_member(id_number)
            if returning is not None:
                member = _member_return(actor=actor, member=returning, org=to_org, status=status)
            else:
                member = member_services.member_create(actor=actor, org=to_org, name=name, id_number=id_number,
                                                       status=status, joined=joined)
            letter = Letter.objects.create(
                kind=LetterKind.INCOMING, state=LetterState.RECEIVED, number=number, member=member,
                from_org=None, from_org_name=from_org_name, to_org=to_org, to_org_name=to_org.name,
                issued_on=issued_on, valid_until=valid_until, dues_paid_until=_month(dues_paid_until),
                reason=reason, received_on=received_on, receipt_returned=received_on,
                issued_by=None, handled_by=actor)
            letter_counts.received(letter)
            back = "（原已转出，档案恢复）" if returning is not None else ""
            record_event(member=member, kind="transfer_in", actor=actor, occurred=received_on,
                         summary=f"组织关系由平台外转入：{from_org_name} → {to_org.name}（介绍信 {number}），回执已寄回{back}")
            audit.record("transfer.receive_external", obj=letter, org=to_org, user=actor,
                         changes={"after": letter.audit_snapshot()})
    except IntegrityError as exc:
        raise ValidationError({"number": f"介绍信 {number} 已登记"}) from exc
    return letter


def _moved_out_member(id_number: str) -> Member | None:
    """The archive of someone who once moved out of the platform (已转出), found by the ID number's
    blind index and locked; None for a new person. A malformed number is left to member_create's
    check and message."""
    try:
        index = Member.id_number_lookup(id_number)
    except ValidationError:
        return None
    return (Member.objects.select_for_update().filter(id_number_index=index, status=MemberStatus.MOVED_OUT)
            .first())


def _member_return(*, actor, member: Member, org: Org, status: str) -> Member:
    """A member who moved out of the platform comes back with a paper letter: the same archive
    (records and timeline kept) moves to the receiving branch and is active again. The identity
    on the letter is the archive's (matched by ID number); the receiving org corrects the rest
    through the archive's usual edit."""
    before = {"org": member.org_id, "status": member.status}
    counted = member_counts.place(member)
    member.org, member.group, member.status = org, None, status
    member.save(update_fields=["org", "group", "status", "updated"])
    member_counts.moved(counted, member_counts.place(member), member_id=member.pk)
    audit.record("member.transfer_return", obj=member, org=org, user=actor, changes={
        "org": [before["org"], org.pk], "status": [before["status"], status]})
    return member


def certificate_issue(*, actor, member: Member, number: str, issued_on: date, valid_until: date,
                      city: str, unit: str = "", contact: str = "") -> MobileCertificate:
    """A mobile member's certificate (流动党员活动证), issued by the member's org."""
    _require(actor, member.org)
    number, city = (number or "").strip()[:40], (city or "").strip()[:50]
    if not number:
        raise ValidationError({"number": "请填写活动证编号"})
    if not city:
        raise ValidationError({"city": "请填写流入地"})
    if valid_until <= issued_on:
        raise ValidationError({"valid_until": "有效期须晚于发证日期"})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "发证日期不能晚于今天"})
    rules.check_transferable(member)
    if MobileCertificate.objects.filter(number=number).exists():
        raise ValidationError({"number": f"活动证编号 {number} 已被使用"})
    certificate = MobileCertificate(member=member, number=number, issued_on=issued_on, valid_until=valid_until,
                                    city=city, unit=(unit or "").strip()[:100], issued_by=actor)
    try:
        certificate.set_contact(contact)
    except ValidationError as exc:
        raise ValidationError({"contact": exc.messages}) from exc
    try:
        with transaction.atomic():
            certificate.save()
            record_event(member=member, kind="mobile_certificate", actor=actor, occurred=issued_on,
                         summary=f"发放流动党员活动证 {number}（流入地：{city}，有效期至 {valid_until:%Y-%m-%d}）")
            audit.record("transfer.certificate_issue", obj=certificate, user=actor,
                         changes={"after": certificate.audit_snapshot()})
    except IntegrityError as exc:
        raise ValidationError({"number": f"活动证编号 {number} 已被使用"}) from exc
    return certificate


def _locked_certificate(actor, certificate: MobileCertificate) -> MobileCertificate:
    """The certificate under lock, re-checked against the member's current org (404 out of scope)."""
    certificate = (MobileCertificate.objects.select_for_update(of=("self",)).select_related("member__org")
                   .get(pk=certificate.pk))
    _require(actor, certificate.member.org)
    return certificate


def certificate_renew(*, actor, certificate: MobileCertificate, valid_until: date) -> MobileCertificate:
    """换发: the same certificate, valid until a later day (at most a year from today,
    rules.CERTIFICATE_MAX_RENEWAL_MONTHS), for a member still in the living membership."""
    today = timezone.localdate()
    with transaction.atomic():
        certificate = _locked_certificate(actor, certificate)
        rules.check_renewal(certificate, valid_until, today=today)
        rules.check_transferable(certificate.member)
        before = certificate.valid_until
        certificate.valid_until = valid_until
        certificate.save(update_fields=["valid_until", "updated"])
        record_event(member=certificate.member, kind="mobile_certificate_renew", actor=actor, occurred=today,
                     summary=f"换发流动党员活动证 {certificate.number}：有效期 {before:%Y-%m-%d} → {valid_until:%Y-%m-%d}")
        audit.record("transfer.certificate_renew", obj=certificate, user=actor,
                     changes={"valid_until": [before.isoformat(), valid_until.isoformat()]})
    return certificate


def certificate_close(*, actor, certificate: MobileCertificate, closed_on: date, close_kind: str,
                      close_reason: str) -> MobileCertificate:
    """收回: the mobility ended (the certificate handed back, or the member came back), with the
    day and a reason. The member stays where they are; a closed certificate is kept."""
    reason = _clean_reason(close_reason, "close_reason", "收回说明")
    if close_kind not in CertificateClose.values:
        raise ValidationError({"close_kind": "请选择收回情形"})
    with transaction.atomic():
        certificate = _locked_certificate(actor, certificate)
        rules.check_closing(certificate, closed_on)
        certificate.closed_on, certificate.close_kind, certificate.close_reason = closed_on, close_kind, reason
        certificate.save(update_fields=["closed_on", "close_kind", "close_reason", "updated"])
        record_event(member=certificate.member, kind="mobile_certificate_close", actor=actor, occurred=closed_on,
                     summary=f"收回流动党员活动证 {certificate.number}（{certificate.get_close_kind_display()}）：{reason}")
        audit.record("transfer.certificate_close", obj=certificate, user=actor, changes={
            "closed_on": closed_on.isoformat(), "close_kind": close_kind, "close_reason": reason})
    return certificate
