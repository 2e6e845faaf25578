"""The message centre (站内消息, issue 15.3): one row per message to one user, written by the
services of the other apps inside their own transaction (``notifications.services.notify``), and
each user's choice per kind of message (in the platform, by email).

Plain models, not core.models.BaseModel: a message belongs to one user, not to an org, so its
scope is "the recipient's own" — every read filters on ``recipient=user`` (selectors), and a
message of someone else is 404 like anything out of scope."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    MEETING_RETURNED = "meeting_returned", "会议记录被退回"
    CORRECTION_DECIDED = "correction_decided", "档案更正申请已处理"
    TRANSFER_WAITING = "transfer_waiting", "介绍信待接收"
    MEETING_DUE = "meeting_due", "组织生活到期提醒"
    RECRUITMENT_DUE = "recruitment_due", "发展党员步骤到期提醒"


class Notification(models.Model):
    """One message to one user: what happened (title), where the work is done (link, a path
    inside the site), when, and when the user read it. A reminder (written by the daily
    `dangjian notifications remind`) carries its day, and is unique per recipient, kind, link
    and day, so the job run twice on a day reminds once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name="接收人")
    kind = models.CharField("类别", max_length=30, choices=Kind)
    title = models.CharField("标题", max_length=200)
    link = models.CharField("链接", max_length=300)
    created = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    day = models.DateField("提醒日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created"], name="notif_inbox")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "link", "day"], condition=Q(day__isnull=False),
                                    name="notif_reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A user's choice for one kind of message; no row means the default: in the platform, no
    email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField("类别", max_length=30, choices=Kind)
    in_platform = models.BooleanField("站内", default=True)
    email = models.BooleanField("邮件", default=False)

    class Meta:
        verbose_name = "消息设置"
        verbose_name_plural = "消息设置"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
