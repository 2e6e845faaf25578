"""What the home page says about who you are."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_secretary_who_is_also_a_member_reads_both_roles_joined_the_chinese_way(world):
    body = world.client("secretary").get("/").content.decode()
    org_name = world.branch_a1.name
    assert f"书记@{org_name}、党员" in body
    assert f"{org_name},党员" not in body
