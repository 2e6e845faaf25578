"""Transfers of membership (组织关系转接, rules.md §6): the introduction letter (介绍信) that moves a
member from one org to another, within the platform or to and from outside it, and the mobile
member's certificate (流动党员活动证)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.crypto import get_provider
from core.models import BaseModel
from members.models import mask_phone, normalize_phone


class LetterKind(models.TextChoices):
    INTERNAL = "internal", "平台内转接"
    OUTGOING = "outgoing", "转出至平台外"
    INCOMING = "incoming", "从平台外转入"


class LetterState(models.TextChoices):
    ISSUED = "issued", "已开具，待接收"
    RECEIVED = "received", "已接收"
    RETURNED = "returned", "已退回"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已撤销"
    # An outgoing letter to outside the platform: the paper receipt came back.
    COMPLETED = "completed", "回执已返回"


# A letter in these states still binds the member (one at a time, see the constraint below).
OPEN_STATES = (LetterState.ISSUED,)


class Letter(BaseModel):
    """One introduction letter (组织关系介绍信) with its stub and receipt.

    ``from_org`` is the sending org (None when the letter came from outside the platform),
    ``to_org`` the receiving one (None when it goes outside); the ``*_name`` fields keep the names
    as printed on the letter. While the letter is issued the sending org stays responsible and the
    member stays in it (rules.md §6). Workflows live in ``transfers.services``."""

    number = models.CharField("介绍信编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField("年度序号", null=True, blank=True, editable=False)
    kind = models.CharField("类别", max_length=10, choices=LetterKind, default=LetterKind.INTERNAL)
    state = models.CharField("状态", max_length=10, choices=LetterState, default=LetterState.ISSUED)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="letters",
                               verbose_name="党员")
    from_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="letters_out", verbose_name="转出党组织")
    from_org_name = models.CharField("转出党组织名称", max_length=100)
    to_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="letters_in", verbose_name="接收党组织")
    to_org_name = models.CharField("接收党组织名称", max_length=100)
    issued_on = models.DateField("开具日期")
    valid_until = models.DateField("有效期至")
    dues_paid_until = models.DateField("党费交至", help_text="所交党费的月份（取该月1日）")
    reason = models.CharField("转接原因", max_length=200)
    received_on = models.DateField("接收日期", null=True, blank=True)
    receipt_returned = models.DateField("回执返回日期", null=True, blank=True)
    closed_on = models.DateField("退回、撤销或过期日期", null=True, blank=True)
    close_reason = models.CharField("退回或撤销原因", max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name="开具人")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="办理人")

    # Visible to users covering either the sending or the receiving org.
    scope_org = ("from_org", "to_org")
    scope_perm_prefix = "member"

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = "组织关系介绍信"
        verbose_name_plural = "组织关系介绍信"
        constraints = [
            # One open letter per member at a time (the services say so in Chinese first).
            models.UniqueConstraint(fields=["member"], condition=Q(state="issued"),
                                    name="letter_one_open_per_member"),
            models.UniqueConstraint(fields=["year", "serial"], condition=Q(serial__isnull=False),
                                    name="letter_serial_per_year"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")),
                                   name="letter_valid_after_issued"),
            models.CheckConstraint(condition=Q(from_org__isnull=False) | Q(to_org__isnull=False),
                                   name="letter_has_a_platform_side"),
        ]
        indexes = [models.Index(fields=["state", "valid_until"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("transfers:detail", args=[self.pk])

    def is_expired(self, today: date | None = None) -> bool:
        """Expired: marked so, or still issued past its validity (computed, before the job runs)."""
        if self.state == LetterState.EXPIRED:
            return True
        return self.state == LetterState.ISSUED and self.valid_until < (today or timezone.localdate())

    def display_state(self, today: date | None = None) -> str:
        if self.state == LetterState.ISSUED and self.is_expired(today):
            return "已超过有效期，待处理"
        return self.get_state_display()

    @property
    def validity_days(self) -> int:
        return (self.valid_until - self.issued_on).days


class CertificateState(models.TextChoices):
    """Derived, not stored: closed when ``closed_on`` is set, else expired past ``valid_until``."""

    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期，待换发或收回"
    CLOSED = "closed", "已收回"


class CertificateClose(models.TextChoices):
    RETURNED = "returned", "流动结束，交回活动证"
    CAME_BACK = "came_back", "党员已返回原党组织"


class MobileCertificate(BaseModel):
    """A mobile member's certificate (流动党员活动证): where the member is while away from their
    org for a shorter time than a transfer needs (rules.md §6). The contact phone is stored
    encrypted and shown masked, like the member's own. Renewed in place (``valid_until`` moves,
    the timeline and the audit trail keep the old date); closed with a date, a kind and a reason."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="mobile_certificates",
                               verbose_name="党员")
    number = models.CharField("活动证编号", max_length=40, unique=True)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    city = models.CharField("流入地", max_length=50)
    unit = models.CharField("流入单位", max_length=100, blank=True)
    contact_cipher = models.TextField("联系电话（密文）", blank=True, editable=False)
    contact_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    closed_on = models.DateField("收回日期", null=True, blank=True)
    close_kind = models.CharField("收回情形", max_length=10, choices=CertificateClose, blank=True)
    close_reason = models.CharField("收回说明", max_length=200, blank=True)

    audit_masked_fields = {"contact_cipher": "contact_masked"}

    scope_org = "member__org"
    scope_perm_prefix = "member"

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = "流动党员活动证"
        verbose_name_plural = "流动党员活动证"
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("issued_on")),
                                   name="certificate_valid_after_issued"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("issued_on")),
                                   name="certificate_closed_after_issued"),
        ]

    def __str__(self):
        return self.number

    def set_contact(self, value: str) -> None:
        number = normalize_phone(value)
        self.contact_cipher = get_provider().encrypt(number) if number else ""
        self.contact_masked = mask_phone(number) if number else ""

    def is_expired(self, today: date | None = None) -> bool:
        """Past its validity and still open (a closed certificate is no longer anyone's worry)."""
        return self.closed_on is None and self.valid_until < (today or timezone.localdate())

    def state(self, today: date | None = None) -> str:
        if self.closed_on is not None:
            return CertificateState.CLOSED
        return CertificateState.EXPIRED if self.is_expired(today) else CertificateState.VALID

    def display_state(self, today: date | None = None) -> str:
        return CertificateState(self.state(today)).label


class LetterMonth(models.Model):
    """Summary table (core.summaries, ``transfers.letter_month``): per org and month, the letters
    it issued (``issued``: by ``issued_on``, whatever became of them) and the letters it received
    (``received``: by ``received_on``, from the platform or on paper from outside). Kept by
    ``letter_issue``, ``letter_accept`` and ``letter_receive_external`` in their transactions; read
    by the insights dashboards."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    month = models.DateField("月份")
    issued = models.PositiveIntegerField("开具", default=0)
    received = models.PositiveIntegerField("接收", default=0)

    class Meta:
        verbose_name = "组织关系转接月度汇总"
        verbose_name_plural = "组织关系转接月度汇总"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="letter_month_once")]
        indexes = [models.Index(fields=["month"], name="letter_month_by_month")]  # the city's months, no path range

    def __str__(self):
        return f"{self.month:%Y-%m} 开具{self.issued} 接收{self.received}"
