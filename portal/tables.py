from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.tables import Column, Table

ArticleTable = Table(columns=(
    # The editor's list links to the edit page (the model's URL is the public one).
    Column("标题", lambda a: format_html('<a href="{}">{}</a>', reverse("portal:edit", args=[a.pk]), a.title),
           order_by="title", export=False),
    Column("栏目", "channel.name"),
    Column("状态", lambda a: a.display_state()),
    Column("发布时间", lambda a: timezone.localtime(a.publish_at).strftime("%Y-%m-%d %H:%M")
           if a.publish_at else "", order_by="publish_at"),
    Column("待审评论", "pending"),
    Column("更新时间", "updated", order_by="updated"),
))
