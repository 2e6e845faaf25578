"""Shared machinery: the base model every business model extends, and the audit trail."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import idcard
from core.access import Own, ScopedQuerySet, declared_filter, declared_node
from core.crypto import get_provider
from core.phone import mask_phone, normalize_phone


class BaseModel(models.Model):
    """Timestamps, the scoped manager, and the field list the audit trail snapshots.

    Every concrete model declares its scoping (docs/architecture.md, "Org tree and scoping"):

    - ``scope_org``: the FK path to the org its rows belong to (``"org"``, ``"meeting__org"``;
      ``"self"`` for the Org itself; a tuple when a row belongs to several, e.g. a letter's
      sending and receiving orgs: visible where any is covered);
    - ``scope_perm_prefix``: its app's permission prefix; the action "view" asks for
      ``"<prefix>.view"`` on the org;
    - ``scope_own`` (optional): the member's own rows, an ``Own`` rule;
    - ``scope_tree`` (default ``"org"``): the tree whose grants count, ``"channel"`` for the
      portal, whose ``scope_org`` is then the path to the channel.

    ``scope_filter`` (what ``objects.visible_to(user, action)`` applies) and ``audit_org`` follow
    from it. A model scoped otherwise (a system table, a user's own rows) says why in
    ``scope_custom`` and writes its ``scope_filter`` by hand. A conformance test checks every
    model (core/tests/test_scoping.py). ``audit_masked_fields`` names fields whose values never
    reach the audit trail in clear.
    """

    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org: str | tuple[str, ...] = ""
    scope_perm_prefix: str = ""
    scope_own: Own | None = None
    scope_tree: str = "org"
    scope_custom: str = ""

    audit_exclude_fields: tuple[str, ...] = ("created", "updated")
    audit_masked_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope, action: str):
        """The Q object that limits a queryset to what ``scope`` may see for ``action``."""
        if not cls.scope_org:
            raise ImproperlyConfigured(f"{cls.__name__} declares no scoping (scope_org, scope_perm_prefix)")
        return declared_filter(cls, scope, action)

    def audit_org(self):
        """The org this object belongs to, for the audit trail's org column (none for rows of
        another tree, such as the portal's)."""
        return declared_node(self) if self.scope_org and self.scope_tree == "org" else None

    def audit_snapshot(self) -> dict:
        """Field values as the audit trail stores them (masked where sensitive)."""
        data = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude_fields or field.primary_key:
                continue
            if field.name in self.audit_masked_fields:
                masked_attr = self.audit_masked_fields[field.name]
                data[field.name] = getattr(self, masked_attr, "") if masked_attr else "******"
                continue
            value = field.value_from_object(self)
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif not isinstance(value, (str, int, float, bool, type(None))):
                value = str(value)
            data[field.name] = value
        return data


class ProtectedNumbers:
    """ID and phone numbers kept as the personal-data rules require (docs/architecture.md,
    "Personal data"): SM4-GCM ciphertext, an HMAC-SM3 blind index for exact lookup, and a masked
    copy for display; never the clear number. The model defines the fields ``id_number_cipher``,
    ``id_number_index``, ``id_number_masked``, ``phone_cipher``, ``phone_index``,
    ``phone_masked``; callers audit every unmasking."""

    def set_id_number(self, value: str) -> str:
        """Validate (GB 11643), encrypt, index and mask; the clear number is returned to the
        caller, never kept on the object."""
        number = idcard.validate(value)
        provider = get_provider()
        self.id_number_cipher = provider.encrypt(number)
        self.id_number_index = provider.blind_index(number)
        self.id_number_masked = idcard.mask(number)
        return number

    def get_id_number(self) -> str:
        return get_provider().decrypt(self.id_number_cipher)

    @staticmethod
    def id_number_lookup(value: str) -> str:
        return get_provider().blind_index(idcard.normalize(value))

    def set_phone(self, value: str) -> None:
        number = normalize_phone(value)
        if not number:
            self.phone_cipher = self.phone_index = self.phone_masked = ""
            return
        provider = get_provider()
        self.phone_cipher = provider.encrypt(number)
        self.phone_index = provider.blind_index(number)
        self.phone_masked = mask_phone(number)

    def get_phone(self) -> str:
        return get_provider().decrypt(self.phone_cipher) if self.phone_cipher else ""


class StoredDocument(models.Model):
    """The fields of an uploaded document kept by ``core.files`` (outside the web root, under a
    random name): its title, the name it was uploaded with, and what the store measured. Models
    of documents (an archive's materials, a meeting's attachments) add what they belong to."""

    title = models.CharField("标题", max_length=100)
    file_name = models.CharField("原文件名", max_length=200)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @staticmethod
    def stored_fields(upload, stored) -> dict:
        """The values to create a row with, from the upload and what ``core.files`` stored."""
        return {"file_name": (getattr(upload, "name", "") or "file")[-200:], "stored_name": stored.stored_name,
                "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256}


class AppendOnlyQuerySet(models.QuerySet):
    """Append-only: the ORM refuses bulk edits and deletes (the database refuses them too)."""

    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计记录只能追加，不能删除")


class AppendOnlyModel(models.Model):
    """A row of the audit trail: written once, never changed or deleted through the ORM (the
    retention purge goes around it on purpose, and the database triggers of core.audit_guard
    stand behind it)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加，不能删除")


class AuditEntry(AppendOnlyModel):
    """One event of the audit trail (纪实): a write, export, unmask, login event or grant change.

    Each entry carries the HMAC-SM3 of its own content and of the previous entry's hash (a keyed
    hash chain; the key is outside the database, its id in ``key_id``), so `dangjian audit verify`
    finds an edited, deleted or reordered entry. Entries from before the chain was keyed have no
    key id and a plain SM3 hash. Times are UTC.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILURE = "failure", "失败"

    seq = models.BigIntegerField("序号", unique=True)
    created = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user_id = models.BigIntegerField("用户ID", null=True, blank=True, db_index=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=200, blank=True)
    ip = models.CharField("来源IP", max_length=45, blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    channel = models.CharField("渠道", max_length=10, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    org_id = models.BigIntegerField("党组织ID", null=True, blank=True)
    org_path = models.CharField("党组织路径", max_length=255, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result, default=Result.SUCCESS)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    key_id = models.CharField("签名密钥", max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditAnchor(AppendOnlyModel):
    """Where the chain starts after the retention job removed its oldest entries, and up to which
    sequence number its entries were hashed before the chain was keyed. Signed with the audit key
    (``mac``), so a row inserted by hand does not count; the latest one (highest ``seq``) holds."""

    seq = models.BigIntegerField("最后删除的序号")
    entry_hash = models.CharField(max_length=64)
    purged_at = models.DateTimeField(default=timezone.now)
    legacy_until = models.BigIntegerField("未加密钥的最后序号", default=0)
    key_id = models.CharField("签名密钥", max_length=16, blank=True, default="")
    mac = models.CharField("签名", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计链起点"

    def __str__(self):
        return f"审计链起点 #{self.seq}"


class WorkCalendarDay(BaseModel):
    """A day that breaks the weekly rule (Monday–Friday work, weekends off): a public holiday
    falling on a weekday, or a weekend day made a working day (调休上班), from the State Council's
    yearly schedule (国务院办公厅关于部分节假日安排的通知). Maintained by the system administrator;
    read by ``core.workdays`` for everything counted in working days (公示期 …)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=8, choices=Kind)
    name = models.CharField("节日", max_length=20)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    scope_custom = ("system configuration, not business data: only the system administrator edits "
                    "it (system.configure); everyone reads it through core.workdays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}{self.get_kind_display()}"

    @classmethod
    def scope_filter(cls, scope, action):
        return Q(pk__isnull=False) if scope.has_perm("system.configure") else Q(pk__in=[])
