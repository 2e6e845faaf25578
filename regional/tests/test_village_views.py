"""Village pages and API: every page and operation 404 out of scope; a progress report with a
photo through the page; the grade given by the level above through the page and the API."""

from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from orglife.tests.test_attachments import png_upload
from regional import villages
from regional.models import ProgressReport, VillageAssessment

PAGES = {"regional:villages", "regional:village", "regional:report", "regional:assess"}
API = {"api:regional_village_counts", "api:regional_village", "api:regional_report_add", "api:regional_assess"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/regional"
YEAR = timezone.localdate().year


def test_every_village_page_is_not_found_out_of_scope(world, village):
    client = world.client("b_admin")
    urls = [reverse("regional:villages", args=[world.district_a.pk]), reverse("regional:village", args=[village.pk]),
            reverse("regional:report", args=[village.pk]), reverse("regional:assess", args=[village.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"text": "进展", "year": YEAR, "grade": "先进"}).status_code == 404, url
    assert world.client("member").get(urls[1]).status_code == 404
    assert not ProgressReport.objects.exists() and not VillageAssessment.objects.exists()


def test_every_village_operation_is_not_found_out_of_scope(world, village):
    client = api_client("b_admin")
    assert client.get(f"{BASE}/orgs/{world.district_a.pk}/villages?year={YEAR}").status_code == 404
    assert client.get(f"{BASE}/villages/{village.pk}").status_code == 404
    assert client.post(f"{BASE}/villages/{village.pk}/reports", {"text": "进展"},
                       content_type="application/json").status_code == 404
    assert client.post(f"{BASE}/villages/{village.pk}/assessments", {"year": YEAR, "grade": "先进"},
                       content_type="application/json").status_code == 404
    assert not ProgressReport.objects.exists() and not VillageAssessment.objects.exists()


def test_a_report_with_a_photo_and_the_grade_through_pages_and_api(world, village):
    admin = world.users["a_admin"]
    villages.pairing_add(actor=admin, village=village, unit_org=world.branch_a1)
    client = world.client("a_admin")
    answer = client.post(reverse("regional:report", args=[village.pk]), {"text": "大棚已建成", "file": png_upload()})
    assert answer.status_code == 302 and ProgressReport.objects.get().evidence.endswith(".png")
    answer = client.post(reverse("regional:assess", args=[village.pk]), {"year": YEAR, "grade": "优秀"})
    assert answer.status_code == 200 and not VillageAssessment.objects.exists()  # not among the grades
    assert client.post(reverse("regional:assess", args=[village.pk]), {"year": YEAR, "grade": "先进"}).status_code == 302
    page = client.get(reverse("regional:villages", args=[world.district_a.pk])).content.decode()
    assert "小白楼街道党工委" in page and "测试村党支部" in page
    api = api_client("a_admin")
    counts = api.get(f"{BASE}/orgs/{world.district_a.pk}/villages?year={YEAR}").json()
    assert counts == {"org_id": world.district_a.pk, "year": YEAR, "villages": 1, "paired": 1,
                      "grades": {"先进": 1, "达标": 0, "后进": 0}}
    refused = api.post(f"{BASE}/villages/{village.pk}/assessments", {"year": 1999 + 1, "grade": "先进"},
                       content_type="application/json")
    assert refused.status_code == 422 and "考核年度" in refused.json()["detail"]
    detail = api.get(f"{BASE}/villages/{village.pk}").json()
    assert detail["grades"] == [{"year": YEAR, "grade": "先进"}] and detail["pairings"] == [world.branch_a1.name]
