"""The demo city has messages, so the header of a demo account shows a count."""


import pytest
from django.test import Client

from accounts.models import User
from notifications.models import Notification


@pytest.mark.django_db
def test_the_demo_gives_its_officers_unread_messages_shown_in_the_header(small_demo):
    told = set(Notification.objects.filter(read_at__isnull=True).values_list("recipient__username", flat=True))
    assert told & {"city_admin", "heping_admin", "hexi_admin", "secretary"}
    assert not told & {"sysadmin", "secadmin", "auditor"}
    username = sorted(told & {"city_admin", "heping_admin", "hexi_admin", "secretary"})[0]
    client = Client()
    client.force_login(User.objects.get(username=username))
    unread = Notification.objects.filter(recipient__username=username, read_at__isnull=True).count()
    assert f'aria-label="{unread} 条未读">{unread}</span>' in client.get("/notifications/").content.decode()
