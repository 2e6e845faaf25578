from django.urls import reverse


def test_world_builds_and_district_admin_sees_own_district(world):
    client = world.client("a_admin")
    response = client.get(reverse("orgs:detail", args=[world.district_a.pk]))
    assert response.status_code == 200
    assert world.district_a.name in response.content.decode()


def test_district_admin_gets_404_for_other_district(world):
    client = world.client("a_admin")
    assert client.get(reverse("orgs:detail", args=[world.district_b.pk])).status_code == 404
