"""The editorial workflow: draft → review → published, scheduled publishing, return, unpublish;
each step one transaction with an audit event; editors act only on their channels. Notices
published by other modules, idempotent by their key, listed between their dates."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditEntry
from portal import services
from portal.models import Article, ArticleState, ChannelGrant
from portal.tests.helpers import publish


def draft(portal, channel="jiceng", editor="news_editor", **fields):
    return services.article_create(actor=portal.users[editor], channel=portal.channels[channel],
                                   title=fields.pop("title", "草稿标题"), body="<p>正文</p>", **fields)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_the_whole_workflow_leaves_one_audit_event_per_step(portal, client):
    editor, reviewer = portal.users["news_editor"], portal.users["news_reviewer"]
    article = draft(portal)
    assert client.get(article.get_absolute_url()).status_code == 404
    services.article_submit(actor=editor, article=article)
    services.article_return(actor=reviewer, article=article, note="请补充图片")
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT and article.review_note == "请补充图片"
    services.article_update(actor=editor, article=article, title="改过的标题")
    services.article_submit(actor=editor, article=article)
    services.article_publish(actor=reviewer, article=article)
    assert client.get(Article.objects.get().get_absolute_url()).status_code == 200
    services.article_unpublish(actor=reviewer, article=article, reason="过时")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert [a for a in actions() if a.startswith("portal.article")] == [
        "portal.article_create", "portal.article_submit", "portal.article_return", "portal.article_update",
        "portal.article_submit", "portal.article_publish", "portal.article_unpublish"]


def test_scheduled_publishing_shows_the_article_when_its_time_comes(portal, client):
    article = draft(portal)
    services.article_publish(actor=portal.users["news_reviewer"], article=article,
                             publish_at=timezone.now() + timedelta(hours=2))
    article.refresh_from_db()
    assert article.is_scheduled() and "定时发布" in article.display_state()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert not Article.objects.live().exists()
    assert Article.objects.live(now=timezone.now() + timedelta(hours=3)).get() == article


def test_editors_may_not_publish_and_reviewers_may(portal):
    article = draft(portal)
    with pytest.raises(NotFound):
        services.article_publish(actor=portal.users["news_editor"], article=article)
    services.article_publish(actor=portal.users["news_reviewer"], article=article)


def test_an_editor_cannot_change_a_published_article(portal):
    article = publish(portal)
    with pytest.raises(ValidationError, match="只有审核人可以修改"):
        services.article_update(actor=portal.users["news_editor"], article=article, title="改")


@pytest.mark.parametrize("persona", ["tianjin_editor", "notice_reviewer", "outsider", "city_admin"])
def test_acting_on_a_channel_not_granted_is_404_and_writes_nothing(portal, persona):
    article = draft(portal)  # in 基层动态, outside 天津
    before = AuditEntry.objects.count()
    actor = portal.user(persona)
    for call in (lambda: services.article_update(actor=actor, article=article, title="越权"),
                 lambda: services.article_submit(actor=actor, article=article),
                 lambda: services.article_publish(actor=actor, article=article),
                 lambda: services.article_create(actor=actor, channel=portal.channels["jiceng"], title="x")):
        with pytest.raises(NotFound):
            call()
    assert AuditEntry.objects.count() == before
    assert Article.objects.get().title == "草稿标题"


def test_a_grant_covers_the_channels_below(portal):
    article = draft(portal, channel="tianjin")  # 资讯 » 国内 » 全国各地资讯 » 天津
    services.article_publish(actor=portal.users["news_reviewer"], article=article)
    assert draft(portal, channel="tianjin", editor="tianjin_editor").channel.code == "tianjin"


def test_moving_an_article_needs_the_target_channel_too(portal):
    article = draft(portal, channel="tianjin", editor="tianjin_editor")
    with pytest.raises(NotFound):
        services.article_update(actor=portal.users["tianjin_editor"], article=article,
                                channel=portal.channels["jiceng"])


def test_the_editor_pages_walk_the_workflow(portal):
    editor, reviewer = portal.client("news_editor"), portal.client("news_reviewer")
    response = editor.post(reverse("portal:create"), {
        "channel": portal.channels["jiceng"].pk, "title": "网页上写的稿件", "body": "<p>正文<script>x</script></p>",
        "summary": "提示"})
    article = Article.objects.get()
    assert response.status_code == 302 and article.body == "<p>正文</p>"
    assert editor.post(reverse("portal:submit", args=[article.pk])).status_code == 302
    assert editor.get(reverse("portal:publish", args=[article.pk])).status_code == 404
    response = reviewer.post(reverse("portal:return", args=[article.pk]), {"note": ""})
    assert response.status_code == 200 and "必填" in response.content.decode()
    article.refresh_from_db()
    assert article.state == ArticleState.REVIEW
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert reviewer.post(reverse("portal:publish", args=[article.pk]), {"publish_at": later}).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled()
    page = reviewer.get(reverse("portal:edit", args=[article.pk])).content.decode()
    assert "定时发布" in page and "撤下" in page
    assert reviewer.post(reverse("portal:unpublish", args=[article.pk]), {"reason": "改期"}).status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.UNPUBLISHED


def test_the_editor_list_holds_only_granted_channels(portal):
    inside = draft(portal, channel="tianjin", editor="tianjin_editor")
    outside = draft(portal)
    listed = {a.pk for a in portal.client("tianjin_editor").get(reverse("portal:editor")).context["page"]}
    assert listed == {inside.pk}
    listed = {a.pk for a in portal.client("news_editor").get(reverse("portal:editor")).context["page"]}
    assert listed == {inside.pk, outside.pk}


def test_a_draft_can_be_previewed_by_its_editors_only(portal, client):
    article = draft(portal)
    assert portal.client("news_editor").get(reverse("portal:preview", args=[article.pk])).status_code == 200
    assert portal.client("tianjin_editor").get(reverse("portal:preview", args=[article.pk])).status_code == 404


# --- images ------------------------------------------------------------------------------------------

def png(width=800, height=600, exif=False) -> BytesIO:
    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", (width, height), (183, 28, 28))
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCamera"
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="PNG")
    out.seek(0)
    out.name = "x.jpg" if exif else "x.png"
    return out


def test_an_image_gets_a_thumbnail_and_loses_its_metadata(portal, client):
    article = draft(portal)
    picture = services.image_add(actor=portal.users["news_editor"], article=article, upload=png(exif=True))
    article.refresh_from_db()
    assert article.lead_image == picture and (picture.width, picture.height) == (800, 600)
    editor = portal.client("news_editor")
    full = b"".join(editor.get(reverse("portal:image", args=[picture.pk])).streaming_content)
    thumb_response = editor.get(reverse("portal:thumb", args=[picture.pk]))
    assert thumb_response["X-Content-Type-Options"] == "nosniff"
    thumb = b"".join(thumb_response.streaming_content)
    from PIL import Image

    assert Image.open(BytesIO(thumb)).size == (320, 240)
    assert b"SecretCamera" not in full and b"SecretCamera" not in thumb
    assert client.get(reverse("portal:image", args=[picture.pk])).status_code == 404  # a draft's picture
    services.article_publish(actor=portal.users["news_reviewer"], article=article)
    assert client.get(reverse("portal:image", args=[picture.pk])).status_code == 200


def test_a_file_that_is_not_a_picture_is_refused(portal):
    article = draft(portal)
    fake = BytesIO(b"<svg onload=alert(1)></svg>")
    with pytest.raises(ValidationError, match="PNG 或 JPEG"):
        services.image_add(actor=portal.users["news_editor"], article=article, upload=fake)
    broken = BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="无法读取"):
        services.image_add(actor=portal.users["news_editor"], article=article, upload=broken)


def test_images_upload_through_the_page(portal):
    article = draft(portal)
    upload = png()
    response = portal.client("news_editor").post(reverse("portal:image_upload", args=[article.pk]),
                                                 {"image": upload, "alt": "支部活动", "lead": "on"})
    assert response.status_code == 302
    assert article.images.get().alt == "支部活动"


# --- notices from other modules ----------------------------------------------------------------------

def test_publish_notice_is_idempotent_by_its_key_and_lists_between_its_dates(portal, client):
    today = timezone.localdate()
    notice = services.publish_notice(channel_code="notice", title="发展对象公示", body_text="张某某\n李某某",
                                     starts_on=today, ends_on=today + timedelta(days=5),
                                     source_label="某党支部", external_key="recruit:notice:42")
    again = services.publish_notice(channel_code="notice", title="发展对象公示（更正）", body_text="张某某",
                                    starts_on=today, ends_on=today + timedelta(days=6),
                                    source_label="某党支部", external_key="recruit:notice:42")
    assert again.pk == notice.pk and Article.objects.count() == 1
    again.refresh_from_db()
    assert again.title == "发展对象公示（更正）" and again.body == "<p>张某某</p>"
    listing = client.get(portal.channels["notice"].get_absolute_url()).content.decode()
    assert "发展对象公示（更正）" in listing and "公示至" in listing
    Article.objects.filter(pk=notice.pk).update(ends_on=today - timedelta(days=1), starts_on=today - timedelta(days=7))
    cache.clear()  # days pass (no service runs): the readers' shared copy lapses (pagecache.PAGE_SECONDS)
    assert "发展对象公示" not in client.get(portal.channels["notice"].get_absolute_url()).content.decode()
    page = client.get(again.get_absolute_url()).content.decode()
    assert "已结束" in page  # the notice itself stays readable, marked as past
    Article.objects.filter(pk=notice.pk).update(starts_on=today + timedelta(days=1), ends_on=None)
    cache.clear()
    assert client.get(again.get_absolute_url()).status_code == 404  # not before its start


def test_publish_notice_refuses_an_unknown_channel(portal):
    with pytest.raises(ValidationError, match="栏目代码"):
        services.publish_notice(channel_code="nope", title="x", body_text="y", external_key="k")


def test_grants_are_unique_and_audited(portal):
    services.grant(user=portal.users["news_editor"], channel=portal.channels["zixun"], role="editor")
    assert ChannelGrant.objects.filter(user=portal.users["news_editor"]).count() == 1
    assert "portal.grant" in actions()
