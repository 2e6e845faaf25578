"""Regional pages and API: every page and operation 404 out of scope; the pages show coverage;
the forms write through the services and put refusals back on the form."""

from django.urls import reverse

from dangjian.testing import api_client
from regional import selectors, services
from regional.models import BuildingUnit, ServedOrg, UnitKind

PAGES = {"regional:home", "regional:coverage", "regional:building", "regional:unit_add", "regional:serve",
         "regional:instructor_add"}
API = {"api:regional_coverage", "api:regional_building", "api:regional_unit_add", "api:regional_instructor_assign",
       "api:regional_org_serve"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/regional"


def _unit(world, building):
    return services.unit_add(actor=world.users["city_admin"], building=building, name="丙公司", kind=UnitKind.ENTERPRISE)


def test_every_page_is_not_found_out_of_scope(world, building):
    unit = _unit(world, building)
    client = world.client("b_admin")
    urls = [reverse("regional:coverage", args=[world.district_a.pk]), reverse("regional:building", args=[building.pk]),
            reverse("regional:unit_add", args=[building.pk]), reverse("regional:serve", args=[building.pk]),
            reverse("regional:instructor_add", args=[unit.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "甲", "kind": "enterprise", "members": 0, "org_code": "HX01B01",
                                 "member_id": world.members["b1_member"].pk}).status_code == 404, url
    assert world.client("outsider").get(reverse("regional:home")).status_code == 404
    assert BuildingUnit.objects.count() == 1 and not ServedOrg.objects.exists() and not unit.instructors.exists()
    # the building's own street may read it; a member without a grant may not
    assert world.client("a_admin").get(urls[1]).status_code == 200
    assert world.client("member").get(urls[1]).status_code == 404


def test_every_api_operation_is_not_found_out_of_scope(world, building):
    unit = _unit(world, building)
    client = api_client("b_admin")
    assert client.get(f"{BASE}/orgs/{world.district_a.pk}/coverage").status_code == 404
    assert client.get(f"{BASE}/buildings/{building.pk}").status_code == 404
    assert client.post(f"{BASE}/buildings/{building.pk}/units", {"name": "甲", "kind": "enterprise"},
                       content_type="application/json").status_code == 404
    assert client.post(f"{BASE}/units/{unit.pk}/instructors", {"member_id": world.members["b1_member"].pk},
                       content_type="application/json").status_code == 404
    assert client.post(f"{BASE}/buildings/{building.pk}/served", {"org_id": world.branch_b1.pk},
                       content_type="application/json").status_code == 404
    assert BuildingUnit.objects.count() == 1 and not ServedOrg.objects.exists() and not unit.instructors.exists()


def test_the_api_writes_and_reads_coverage(world, building):
    client = api_client("a_admin")
    made = client.post(f"{BASE}/buildings/{building.pk}/units", {"name": "甲公司", "kind": "enterprise"},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    unit_id = made.json()["id"]
    assert client.post(f"{BASE}/units/{unit_id}/instructors", {"member_id": world.members["a2_member"].pk},
                       content_type="application/json").status_code == 201
    refused = client.post(f"{BASE}/buildings/{building.pk}/served", {"org_id": building.committee_id},
                          content_type="application/json")
    assert refused.status_code == 422 and "无需服务不转隶" in refused.json()["detail"]
    rows = client.get(f"{BASE}/orgs/{world.district_a.pk}/coverage").json()
    assert rows[0]["units"] == 1 and rows[0]["work_covered"] == 1 and rows[0]["org_covered"] == 0
    assert rows[1]["org_name"] == world.street_a.name
    detail = client.get(f"{BASE}/buildings/{building.pk}").json()
    assert detail["units"][0]["instructors"] == ["王芳"]


def test_the_pages_show_coverage_and_the_forms_refuse_in_chinese(world, building):
    client = world.client("a_admin")
    assert client.get(reverse("regional:home")).status_code == 302
    url = reverse("regional:unit_add", args=[building.pk])
    answer = client.post(url, {"name": "甲公司", "kind": "enterprise", "members": 0, "party_org_code": "HP01CXB01"})
    assert answer.status_code == 200 and "没有党员的单位" in answer.content.decode()
    assert not BuildingUnit.objects.exists()
    answer = client.post(url, {"name": "甲公司", "kind": "enterprise", "members": 0, "joint_branch_code": "HP01CXJ01"})
    assert answer.status_code == 302
    page = client.get(reverse("regional:coverage", args=[world.district_a.pk])).content.decode()
    assert "小白楼街道党工委" in page and "100%" in page
    assert selectors.coverage(world.city).org_covered == 1
    answer = client.post(reverse("regional:serve", args=[building.pk]), {"org_code": "HP01B02"})
    assert answer.status_code == 302 and ServedOrg.objects.filter(org=world.branch_a2).exists()
