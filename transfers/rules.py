"""Transfer rules (rules.md §6; 中共中央组织部《关于进一步加强和改进党员组织关系转接工作的通知》
组通字〔2006〕45号; 《中国共产党党章》第九条). Hard rules refuse with a message that names
their source; the rest are warnings for the warnings page."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import add_months
from core.registry import Rule
from members.models import ACTIVE_STATUSES, Member
from orgs.models import MEMBERSHIP_KINDS, TEMPORARY_BRANCH_RULE, Org, OrgKind

NUMBER_PREFIX = "津组转"  # the city's letter series: 津组转〔2026〕000123
MAX_VALIDITY_MONTHS = 3  # 组通字〔2006〕45号: a letter is valid for at most 3 months
NOT_REPORTED_MONTHS = 6  # rules.md §6 / 党章第九条: not reported within 6 months → handled as left
CERTIFICATE_WARNING_DAYS = 30  # local: flag mobile certificates this close to their end
# local: a renewal extends a mobile certificate by at most a year from the day it is renewed, so
# the branch sees the member (or hears from them) at least once a year. No regulation in rules.md
# sets a figure; a region with its own rule changes it here.
CERTIFICATE_MAX_RENEWAL_MONTHS = 12


@dataclass(frozen=True)
class Warning:
    level: str  # "red" or "yellow"
    message: str
    source: str
    url: str = ""


def letter_number(year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}〔{year}〕{serial:06d}"


def check_validity(issued_on: date, valid_until: date, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if issued_on > today:
        raise ValidationError({"issued_on": "开具日期不能晚于今天"})
    if valid_until < issued_on:
        raise ValidationError({"valid_until": "有效期不能早于开具日期"})
    if valid_until > add_months(issued_on, MAX_VALIDITY_MONTHS):
        raise ValidationError({"valid_until": (
            f"介绍信有效期最长为{MAX_VALIDITY_MONTHS}个月（组通字〔2006〕45号），"
            f"开具日期为 {issued_on:%Y-%m-%d} 的介绍信有效期最晚至 "
            f"{add_months(issued_on, MAX_VALIDITY_MONTHS):%Y-%m-%d}")})


def check_transferable(member: Member) -> None:
    """Only a living membership moves: 正式党员 and 预备党员 (党章第九条, rules.md §6)."""
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError({"member": (
            f"只有正式党员和预备党员可以转接组织关系，该党员状态为“{member.get_status_display()}”")})


def check_destination(member: Member, to_org: Org) -> None:
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": "接收党组织不能是党员现所在的党组织"})
    if to_org.kind == OrgKind.TEMPORARY_BRANCH:
        raise ValidationError({"to_org": f"“{to_org.name}”是临时党支部：{TEMPORARY_BRANCH_RULE}"})
    if to_org.kind not in MEMBERSHIP_KINDS:
        raise ValidationError({"to_org": (
            f"组织关系须转入党支部（含联合党支部），“{to_org.name}”是{to_org.get_kind_display()}")})


def check_renewal(certificate, valid_until: date, *, today: date | None = None) -> None:
    """A renewal moves ``valid_until`` later, past today, and at most a year from today."""
    today = today or timezone.localdate()
    if certificate.closed_on is not None:
        raise ValidationError(f"流动党员活动证 {certificate.number} 已于 {certificate.closed_on:%Y-%m-%d} 收回，不能换发")
    if valid_until <= max(today, certificate.valid_until):
        raise ValidationError({"valid_until": (
            f"新的有效期须晚于今天和原有效期（{certificate.valid_until:%Y-%m-%d}）")})
    latest = add_months(today, CERTIFICATE_MAX_RENEWAL_MONTHS)
    if valid_until > latest:
        raise ValidationError({"valid_until": (
            f"每次换发最长延续{CERTIFICATE_MAX_RENEWAL_MONTHS}个月（本平台规定），今天换发的有效期最晚至 "
            f"{latest:%Y-%m-%d}")})


def check_closing(certificate, closed_on: date, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if certificate.closed_on is not None:
        raise ValidationError(f"流动党员活动证 {certificate.number} 已于 {certificate.closed_on:%Y-%m-%d} 收回")
    if closed_on > today:
        raise ValidationError({"closed_on": "收回日期不能晚于今天"})
    if closed_on < certificate.issued_on:
        raise ValidationError({"closed_on": f"收回日期不能早于发证日期（{certificate.issued_on:%Y-%m-%d}）"})


def not_reported_cutoff(today: date | None = None) -> date:
    """Letters issued on or before this day without receipt: the member has not reported within
    6 months (rules.md §6)."""
    return add_months(today or timezone.localdate(), -NOT_REPORTED_MONTHS)


# --- warnings ------------------------------------------------------------------------------------


def letter_warnings(letter, *, today: date | None = None) -> list[Warning]:
    """What the sending org must act on for one letter still open or expired."""
    today = today or timezone.localdate()
    found = []
    if letter.issued_on <= not_reported_cutoff(today) and letter.state in ("issued", "expired"):
        found.append(Warning(
            "red",
            f"{letter.member.name}：介绍信 {letter.number} 开具已满{NOT_REPORTED_MONTHS}个月仍未报到，"
            "无正当理由的按自行脱党处理",
            "rules.md §6；《党章》第九条", letter.get_absolute_url()))
    elif letter.is_expired(today):
        found.append(Warning(
            "yellow",
            f"{letter.member.name}：介绍信 {letter.number} 已于 {letter.valid_until:%Y-%m-%d} 过期未接收，"
            "请联系党员报到或重新开具",
            "组通字〔2006〕45号：介绍信有效期最长3个月", letter.get_absolute_url()))
    return found


def certificate_warnings(certificate, *, today: date | None = None) -> list[Warning]:
    today = today or timezone.localdate()
    name = certificate.member.name
    if certificate.is_expired(today):
        return [Warning("red", f"{name}：流动党员活动证 {certificate.number} 已于 "
                        f"{certificate.valid_until:%Y-%m-%d} 过期，请查验换发或转接组织关系",
                        "rules.md §6：流动党员持活动证参加组织生活")]
    if (certificate.valid_until - today).days <= CERTIFICATE_WARNING_DAYS:
        return [Warning("yellow", f"{name}：流动党员活动证 {certificate.number} 将于 "
                        f"{certificate.valid_until:%Y-%m-%d} 到期",
                        "rules.md §6：流动党员持活动证参加组织生活")]
    return []


# --- the rules page (core.registry.Rule) -----------------------------------------------------------

_M = "组织关系转接"
CATALOG = (
    Rule("transfers.validity", _M, f"组织关系介绍信有效期最长{MAX_VALIDITY_MONTHS}个月", "组通字〔2006〕45号"),
    Rule("transfers.not_reported", _M, f"党员无正当理由超过{NOT_REPORTED_MONTHS}个月不转接组织关系、不参加组织生活的，按自行脱党处理的程序办理",
         "党章第九条"),
    Rule("transfers.temporary", _M, "组织关系不转入临时党支部", "《支部工作条例》第九条"),
    Rule("transfers.certificate_warning", _M, f"流动党员活动证到期前{CERTIFICATE_WARNING_DAYS}天提醒", "本地规定（平台默认）",
         platform=True),
    Rule("transfers.certificate_renewal", _M, f"流动党员活动证每次续期最长{CERTIFICATE_MAX_RENEWAL_MONTHS}个月", "本地规定（平台默认）",
         platform=True),
)
