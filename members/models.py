"""Party members (党员), minimal: enough for scoping; the full archive builds on it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core import idcard
from core.crypto import get_provider
from core.models import BaseModel


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Member(BaseModel):
    """A party member of one org. The ID number is stored only encrypted (SM4-GCM), with an
    HMAC-SM3 blind index for exact lookup and a masked copy for display."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="members", verbose_name="所在党组织")
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=6, choices=Gender)
    birth_date = models.DateField("出生日期")
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    status = models.CharField("党员状态", max_length=14, choices=MemberStatus)
    joined = models.DateField("入党日期")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="member_records", verbose_name="登录账号",
    )

    audit_masked_fields = {"id_number_cipher": "id_number_masked", "id_number_index": ""}

    class Meta:
        ordering = ["org", "name", "pk"]
        verbose_name = "党员"
        verbose_name_plural = "党员"
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="member_id_number_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="member_user_unique"
            ),
        ]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action):
        q = scope.org_q("org__path", f"member.{action}")
        if action == "view" and scope.member_id:
            q |= Q(pk=scope.member_id)
        return q

    def audit_org(self):
        return self.org

    def set_id_number(self, value: str) -> None:
        number = idcard.validate(value)
        provider = get_provider()
        self.id_number_cipher = provider.encrypt(number)
        self.id_number_index = provider.blind_index(number)
        self.id_number_masked = idcard.mask(number)

    def get_id_number(self) -> str:
        """The clear ID number. Callers audit the unmasking (members.services.member_unmask)."""
        return get_provider().decrypt(self.id_number_cipher)

    @staticmethod
    def id_number_lookup(value: str) -> str:
        return get_provider().blind_index(idcard.normalize(value))
