"""/api/v1/notifications: the caller's own messages (newest first) and marking one read. Anyone
else's message is 404, as on the pages."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from core.api import Message, Pagination, PathId, model_out
from notifications import selectors, services
from notifications.models import Notification

router = Router(tags=["站内消息"])


class NotificationComputed(Schema):
    kind_display: str = Field(..., alias="get_kind_display", description="类别")
    unread: bool = Field(..., description="未读")


NotificationOut = model_out("NotificationOut", Notification, ["id", "kind", "title", "link", "created", "read_at"],
                            base=NotificationComputed)


@router.get("", response={200: list[NotificationOut]})
@paginate(Pagination)
def notification_list(request):
    """本人的站内消息，最新的在前。"""
    return selectors.inbox(request.user)


class ReadOut(Schema):
    id: int
    read_at: datetime | None


@router.post("/{notification_id}/read", response={200: ReadOut, 404: Message})
def notification_read(request, notification_id: PathId):
    """将本人的一条消息标为已读（他人的消息返回 404）。"""
    notification = services.notification_open(user=request.user, notification=selectors.own(request.user,
                                                                                              notification_id))
    return {"id": notification.pk, "read_at": notification.read_at}
