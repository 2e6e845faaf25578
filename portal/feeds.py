"""RSS 2.0 feeds (Django's syndication framework): the whole portal and each channel."""

from django.contrib.syndication.views import Feed
from django.urls import reverse

from portal import selectors
from portal.sanitize import plain_from_html

ITEMS = 30


class LatestFeed(Feed):
    not_generic = "RSS: Django's syndication feed, public"  # core.views.not_generic, for the URL walk
    title = "基层党建资讯"
    description = "基层党建数字化平台 · 资讯、通知公告、党务公开"

    def link(self):
        return reverse("portal:index")

    def items(self):
        return selectors.listed()[:ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or plain_from_html(item.body)[:200]

    def item_pubdate(self, item):
        return item.publish_at

    def item_categories(self, item):
        return [item.channel.name]


class ChannelFeed(LatestFeed):
    def get_object(self, request, slug_path):
        return selectors.channel_by_path(slug_path)

    def title(self, obj):
        return f"{obj.name} · 基层党建资讯"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return selectors.listed(obj)[:ITEMS]
