"""Difficult-village pairing: marking, pairing (counted once), tasks, progress reports with
evidence checked by content, the yearly grade with its history and a configurable grade list;
counts per street and district from the summary rows; the refusals write nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from orglife.tests.test_attachments import png_upload
from orgs.models import OrgSetting
from regional import villages
from regional.models import ProgressReport, Village, VillageAssessment

YEAR = timezone.localdate().year


def test_pairing_counts_the_village_once_up_the_tree(world, village):
    admin = world.users["city_admin"]
    villages.pairing_add(actor=admin, village=village, unit_org=world.branch_a1)
    villages.pairing_add(actor=admin, village=village, unit_org=world.branch_b1)
    assert villages.counts(world.district_a, YEAR)["paired"] == 1
    assert villages.counts(world.city, YEAR)["villages"] == 1
    assert villages.counts(world.district_b, YEAR)["villages"] == 0
    with pytest.raises(ValidationError, match="已与"):
        villages.pairing_add(actor=admin, village=village, unit_org=world.branch_a1)
    with pytest.raises(ValidationError, match="自己的党组织"):
        villages.pairing_add(actor=admin, village=village, unit_org=village.org)
    assert not summaries.check(["regional.village_year"])[0]


def test_only_a_rural_org_is_marked_once(world, village):
    admin = world.users["city_admin"]
    with pytest.raises(ValidationError, match="不是农村党组织"):
        villages.village_mark(actor=admin, org=world.branch_a1, difficulty="other")
    with pytest.raises(ValidationError, match="已确定为困难村"):
        villages.village_mark(actor=admin, org=village.org, difficulty="other")
    assert Village.objects.count() == 1


def test_a_progress_report_with_evidence_closes_its_task(world, village):
    admin = world.users["city_admin"]
    task = villages.task_add(actor=admin, village=village, title="建设蔬菜大棚", owner="村党支部",
                             deadline=date(2024, 6, 30))
    villages.first_secretary_assign(actor=admin, village=village, member=world.members["a2_member"])
    report = villages.report_add(actor=admin, village=village, task=task, text="大棚已建成", upload=png_upload(),
                                 done=True)
    task.refresh_from_db()
    assert task.done_on == timezone.localdate() and report.evidence.endswith(".png")
    forged = SimpleUploadedFile("照片.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError, match="文件类型不支持"):
        villages.report_add(actor=admin, village=village, text="伪造", upload=forged)
    with pytest.raises(ValidationError, match="完成时限"):
        villages.task_add(actor=admin, village=village, title="修路", owner="镇政府", deadline=date(2020, 1, 1))
    assert ProgressReport.objects.count() == 1


def test_the_yearly_grade_keeps_its_history_and_the_counts_follow_a_correction(world, village):
    admin = world.users["a_admin"]  # the level above the village
    villages.assess(actor=admin, village=village, year=2023, grade="后进")
    villages.assess(actor=admin, village=village, year=2024, grade="达标")
    villages.assess(actor=admin, village=village, year=2024, grade="先进")  # corrected
    history = list(VillageAssessment.objects.filter(village=village).order_by("year").values_list("year", "grade"))
    assert history == [(2023, "后进"), (2024, "先进")]
    assert villages.counts(world.street_a, 2024)["grades"] == {"先进": 1, "达标": 0, "后进": 0}
    assert villages.counts(world.district_a, 2023)["grades"]["后进"] == 1
    with pytest.raises(ValidationError, match="等次须为"):
        villages.assess(actor=admin, village=village, year=2024, grade="优秀")
    with pytest.raises(ValidationError, match="考核年度"):
        villages.assess(actor=admin, village=village, year=2020, grade="先进")
    assert not summaries.check(["regional.village_year"])[0]


def test_the_grades_are_a_local_setting(world, village):
    OrgSetting.objects.create(org=world.district_a, key="regional_village_grades", value=["好", "较好", "一般", "差"])
    villages.assess(actor=world.users["a_admin"], village=village, year=2024, grade="较好")
    assert villages.counts(world.district_a, 2024)["grades"] == {"好": 0, "较好": 1, "一般": 0, "差": 0}


def test_the_village_grades_itself_not_and_outsiders_are_refused(world, village):
    from core.access import Role
    from dangjian.testing import make_user

    own = make_user("village_secretary", role=Role.SECRETARY, org=village.org)
    with pytest.raises(NotFound):  # the village does not grade itself: the level above does
        villages.assess(actor=own, village=village, year=2024, grade="先进")
    with pytest.raises(NotFound):
        villages.assess(actor=world.users["b_admin"], village=village, year=2024, grade="先进")
    with pytest.raises(NotFound):
        villages.pairing_add(actor=world.users["b_admin"], village=village, unit_org=world.branch_b1)
