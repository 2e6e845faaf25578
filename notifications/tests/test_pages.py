"""The message centre's pages and API: the user's own messages only (anyone else's is 404),
opening marks read and goes to the work, all marked read, preferences, the header's count.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

import pytest
from django.urls import reverse

from dangjian.testing import api_client
from notifications import services
from notifications.models import Kind, Notification, NotificationPreference

PAGES = {"notifications:list", "notifications:open", "notifications:read_all", "notifications:preferences"}
API = {"api:notification_list", "api:notification_read"}
SCOPE_TESTED = PAGES | API


def tell(user, title="介绍信 待接收", link="/transfers/1/", kind=Kind.TRANSFER_WAITING) -> Notification:
    return services.notify(recipients=[user], kind=kind, title=title, link=link)[0]


def test_anonymous_is_sent_to_login(world, client):
    mine = tell(world.users["secretary"])
    for url in (reverse("notifications:list"), reverse("notifications:open", args=[mine.pk]),
                reverse("notifications:preferences")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.get().read_at is None


def test_the_list_shows_the_users_own_messages_newest_first_with_unread_marked(world):
    secretary = world.users["secretary"]
    tell(secretary, "第一条")
    second = tell(secretary, "第二条")
    tell(world.users["a_admin"], "别人的消息")
    services.notification_open(user=secretary, notification=second)
    text = world.client("secretary").get(reverse("notifications:list")).content.decode()
    assert text.index("第二条") < text.index("第一条")
    assert "别人的消息" not in text
    assert text.count("未读</span>") == 1
    assert "list-total\">共 2 条" in text


def test_opening_a_message_marks_it_read_and_goes_to_its_link(world):
    mine = tell(world.users["secretary"], link="/orglife/5/")
    response = world.client("secretary").get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/orglife/5/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_that_leaves_the_site_goes_to_the_list_instead(world):
    mine = tell(world.users["secretary"], link="//evil.example/x")
    response = world.client("secretary").get(reverse("notifications:open", args=[mine.pk]))
    assert response.url == reverse("notifications:list")


@pytest.mark.parametrize("persona", ["a_admin", "city_admin", "member", "outsider"])
def test_someone_elses_message_is_404_on_the_page_and_the_api_and_stays_unread(world, persona):
    theirs = tell(world.users["secretary"])
    assert world.client(persona).get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    api = api_client(persona)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    assert api.get("/api/v1/notifications").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_a_post_with_csrf_and_touches_only_the_users_own(world):
    secretary = world.users["secretary"]
    tell(secretary)
    tell(secretary)
    other = tell(world.users["a_admin"])
    client = world.client("secretary")
    assert client.get(reverse("notifications:read_all")).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("notifications:read_all")).status_code == 403  # no token
    client.handler.enforce_csrf_checks = False
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=secretary, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_header_shows_the_unread_count_and_nothing_when_none(world):
    client = world.client("secretary")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'class="inbox-link"' in page and "unread-count" not in page
    for _ in range(3):
        tell(world.users["secretary"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert '<span class="unread-count" aria-label="3 条未读">3</span>' in page


def test_the_header_count_is_one_query(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tell(world.users["secretary"])
    client = world.client("secretary")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:preferences"))
    counts = [q["sql"] for q in queries.captured_queries if '"notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_the_administrators_see_no_inbox_link(world):
    page = world.client("sysadmin").get("/").content.decode()
    assert "inbox-link" not in page


def test_preferences_are_saved_per_kind(world):
    client = world.client("secretary")
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200 and "站内" in response.content.decode()
    data = {f"{kind.value}__in_platform": "on" for kind in Kind}
    del data[f"{Kind.MEETING_DUE}__in_platform"]
    data[f"{Kind.TRANSFER_WAITING}__email"] = "on"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    chosen = {p.kind: (p.in_platform, p.email) for p in NotificationPreference.objects.filter(user=world.users["secretary"])}
    assert chosen[Kind.MEETING_DUE] == (False, False)
    assert chosen[Kind.TRANSFER_WAITING] == (True, True)
    assert chosen[Kind.MEETING_RETURNED] == (True, False)
    assert not services.notify(recipients=[world.users["secretary"]], kind=Kind.MEETING_DUE, title="x", link="/")


def test_the_api_lists_the_users_own_newest_first_and_marks_read(world):
    tell(world.users["secretary"], "旧")
    new = tell(world.users["secretary"], "新")
    tell(world.users["a_admin"], "别人的")
    api = api_client("secretary")
    answer = api.get("/api/v1/notifications").json()
    assert answer["count"] == 2 and [item["title"] for item in answer["items"]] == ["新", "旧"]
    assert answer["items"][0]["unread"] is True and answer["items"][0]["kind_display"] == "介绍信待接收"
    response = api.post(f"/api/v1/notifications/{new.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    new.refresh_from_db()
    assert new.read_at is not None
    assert api.post("/api/v1/notifications/999999/read").status_code == 404


def test_the_api_needs_a_token(world, client):
    assert client.get("/api/v1/notifications").status_code == 401
