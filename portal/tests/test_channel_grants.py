"""The security admin grants and revokes portal channel roles on a page in their own area; nobody
else reaches it (404), nobody grants themself, the three administrators hold no channel role, and
each grant and revocation is audited. A granted editor then reaches the editor pages."""

import pytest

from core.models import AuditEntry
from portal import services
from portal.models import ChannelGrant

SCOPE_TESTED = {"channel_grants:list", "channel_grants:remove"}


@pytest.fixture
def channel(db):
    return services.channel_create(name="资讯", code="zixun", slug="zixun")


def test_the_security_admin_grants_and_revokes_a_channel_role(world, channel):
    client = world.client("secadmin")
    assert "资讯栏目授权" in client.get("/accounts/users/").content.decode()
    response = client.post("/accounts/grants/channels/", {"username": "outsider", "channel": channel.pk,
                                                          "role": "editor"})
    assert response.status_code == 302
    row = ChannelGrant.objects.get()
    assert (row.user.username, row.channel, row.role) == ("outsider", channel, "editor")
    assert AuditEntry.objects.filter(action="portal.grant", username="secadmin").count() == 1
    assert world.client("outsider").get("/news/editor/").status_code == 200
    page = client.get("/accounts/grants/channels/").content.decode()
    assert "outsider" in page and "编辑" in page
    client.post(f"/accounts/grants/channels/{row.pk}/remove/")
    assert not ChannelGrant.objects.exists()
    assert AuditEntry.objects.filter(action="portal.grant_remove", username="secadmin").count() == 1
    assert world.client("outsider").get("/news/editor/").status_code == 404


@pytest.mark.parametrize("username, message", [
    ("secadmin", "不能给自己授权"), ("auditor", "三员账号不能担任资讯编辑或审核"), ("nobody", "用户不存在")])
def test_refused_grants_say_why_and_write_nothing(world, channel, username, message):
    response = world.client("secadmin").post("/accounts/grants/channels/", {
        "username": username, "channel": channel.pk, "role": "editor"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ChannelGrant.objects.exists()


def test_a_duplicate_grant_is_refused(world, channel):
    client = world.client("secadmin")
    data = {"username": "outsider", "channel": channel.pk, "role": "reviewer"}
    client.post("/accounts/grants/channels/", data)
    response = client.post("/accounts/grants/channels/", data)
    assert response.status_code == 400 and "已拥有此栏目授权" in response.content.decode()
    assert ChannelGrant.objects.count() == 1


@pytest.mark.parametrize("persona", ["sysadmin", "auditor", "city_admin", "a_admin", "secretary", "member",
                                     "outsider"])
def test_the_page_is_404_for_everyone_but_the_security_admin(world, channel, persona):
    row = services.grant(user=world.users["outsider"], channel=channel, role="editor")
    client = world.client(persona)
    assert client.get("/accounts/grants/channels/").status_code == 404
    assert client.post("/accounts/grants/channels/", {"username": persona, "channel": channel.pk,
                                                      "role": "reviewer"}).status_code == 404
    assert client.post(f"/accounts/grants/channels/{row.pk}/remove/").status_code == 404
    assert list(ChannelGrant.objects.values_list("pk", flat=True)) == [row.pk]
