"""Portal personas on top of dangjian.testing's world: the demo's channel tree and four users with
channel grants. ``publish`` makes a live article the way a reviewer would."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.utils import timezone

from dangjian.testing import make_user
from portal import demo, importing, services
from portal.models import Article, Channel

SEED = Path(demo.__file__).with_name("fixtures") / "seed_article.txt"


@dataclass
class Portal:
    world: object
    channels: dict
    users: dict

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users.get(name) or self.world.users[name])
        return client

    def user(self, name: str):
        return self.users.get(name) or self.world.users[name]


# Who holds which grant (written out so the scope tests' oracle does not ask the code under test).
GRANTS = {
    "news_editor": [("zixun", "editor")],
    "tianjin_editor": [("tianjin", "editor")],
    "news_reviewer": [("zixun", "reviewer")],
    "notice_reviewer": [("notice", "reviewer"), ("disclosure", "reviewer")],
}


def make_portal(world) -> Portal:
    channels = demo._channels()
    users = {}
    for username, grants in GRANTS.items():
        users[username] = make_user(username)
        for code, role in grants:
            services.grant(user=users[username], channel=channels[code], role=role)
    return Portal(world=world, channels=channels, users=users)


def publish(portal: Portal, channel: str = "jiceng", title: str = "标题", body: str = "<p>正文</p>",
            **fields) -> Article:
    reviewer = portal.users["news_reviewer" if channel not in ("notice", "disclosure") else "notice_reviewer"]
    article = services.article_create(actor=reviewer, channel=portal.channels[channel], title=title,
                                      body=body, **fields)
    return services.article_publish(actor=reviewer, article=article,
                                    publish_at=timezone.now() - timedelta(minutes=1))


def import_seed(portal: Portal) -> Article:
    article, _ = services.article_import(actor=None, parsed=importing.parse(SEED.read_text("utf-8")),
                                         channel=portal.channels["tianjin"])
    return article


def channel(code: str) -> Channel:
    return Channel.objects.get(code=code)
