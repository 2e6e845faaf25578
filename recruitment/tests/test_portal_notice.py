"""A recruitment notice (公示) also lands in the portal's party affairs disclosure (党务公开),
readable by anyone from its first to its last day, with nothing but the name, the branch, what is
proposed and the dates; without that channel the recruitment board alone shows it."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from portal import services as portal_services
from portal.models import Article
from recruitment import services
from recruitment.tests.helpers import open_case, walk


def disclosure_channel():
    return portal_services.channel_create(name="党务公开", code="disclosure", slug="dangwu", kind="disclosure")


def publish(world, case):
    today = timezone.localdate()
    return services.notice_publish(actor=world.users["secretary"], case=case, kind=3,
                                   starts_on=today, ends_on=today + timedelta(days=9))


def test_a_notice_is_published_on_the_portal_and_read_by_anyone(world):
    disclosure_channel()
    case = open_case(world, applied=timezone.localdate() - timedelta(days=200))
    walk(world, case, 2)
    notice = publish(world, case)
    article = Article.objects.get(external_key=f"recruit:notice:{notice.pk}")
    assert article.title == f"关于{case.name}同志拟确定为入党积极分子的公示"
    assert (article.starts_on, article.ends_on) == (notice.starts_on, notice.ends_on)
    page = Client().get(article.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and case.name in text and case.org.name in text
    assert not re.search(r"\d{17}[\dXx]", text) and case.id_number_masked not in text


def test_without_the_disclosure_channel_the_notice_stays_on_the_recruitment_board(world):
    case = open_case(world, applied=timezone.localdate() - timedelta(days=200))
    walk(world, case, 2)
    notice = publish(world, case)
    assert notice.pk and not Article.objects.exists()
    assert case.name in Client().get("/recruitment/notices/public/").content.decode()
