"""五好党支部 workflows and rules: a standard set is drafted, issued and then only versioned; the set
a branch is held to is the most specific issued one above it; an assessment goes self → submitted
→ assessed (returned to self with a reason, reopened for re-assessment); scores lie within each
item's points; the grade follows from the upper scores by the platform's thresholds and changes
only through an assessment (等次调整须经上级考评), with its history; exemplars are 五好 branches,
published on the portal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from core import files
from core.audit import AuditEntry
from core.errors import NotFound
from dangjian.testing import pdf_bytes
from fivegood import rules, selectors, services
from fivegood.models import (
    Assessment,
    AssessmentScore,
    AssessmentState,
    Exemplar,
    ExemplarState,
    FiveGoodYear,
    Grade,
    GradeChange,
    SetState,
    StandardItem,
    StandardSet,
)
from portal.models import Article, Channel
from portal.services import channel_create

pytestmark = pytest.mark.django_db

YEAR = 2026

# Five dimensions of two items of 10 points each: 100 points.
ITEMS = "\n".join(f"# {name}\n{name}第一条 | 10\n{name}第二条 | 10" for name in rules.DEFAULT_DIMENSIONS)


def make_standard(world, *, org=None, sector="", title="五好党支部创建标准", items=ITEMS, issue=True, year=YEAR,
                  actor=None, org_kind="branch"):
    org = org or world.city
    actor = actor or world.users["city_admin" if org == world.city else "a_admin"]
    standard = services.standard_save(actor=actor, org=org, year=year, sector=sector, org_kind=org_kind,
                                      title=title, items=items)
    return services.standard_issue(actor=actor, standard=standard) if issue else standard


def start(world, *, org=None, year=YEAR):
    return services.assessment_start(actor=world.users["secretary"] if org is None else world.users["a_admin"],
                                     org=org or world.branch_a1, year=year)


def item_ids(assessment) -> list[int]:
    return list(assessment.scores.order_by("item__dimension__number", "item__number").values_list("item_id", flat=True))


def fill(world, assessment, score=9, actor=None):
    scores = {pk: (score, "会议记录齐全") for pk in item_ids(assessment)}
    return services.assessment_self_score(actor=actor or world.users["secretary"], assessment=assessment,
                                          scores=scores)


def assess(world, assessment, score=10, *, scores=None, actor=None):
    scores = scores or {pk: (score, "") for pk in item_ids(assessment)}
    return services.assessment_assess(actor=actor or world.users["a_admin"], assessment=assessment, scores=scores)


def assessed(world, score=10, org=None):
    """An assessment of branch A1 (or ``org``) filled, submitted and assessed at ``score`` per item."""
    if not StandardSet.objects.filter(state=SetState.ISSUED).exists():
        make_standard(world)
    assessment = start(world, org=org)
    fill(world, assessment, actor=None if org is None else world.users["a_admin"])
    services.assessment_submit(actor=world.users["secretary"] if org is None else world.users["a_admin"],
                               assessment=assessment)
    return assess(world, assessment, score)


def snapshot() -> tuple:
    """What a refused call would have changed."""
    return (StandardSet.objects.count(), StandardItem.objects.count(),
            list(StandardSet.objects.values_list("state", "title")),
            list(Assessment.objects.values_list("state", "grade", "self_total", "upper_total")),
            list(AssessmentScore.objects.values_list("self_score", "upper_score", "file")),
            GradeChange.objects.count(), Exemplar.objects.count(),
            list(Exemplar.objects.values_list("state", flat=True)), Article.objects.count(),
            list(FiveGoodYear.objects.values_list("org_id", "assessed", "five_good", "exemplars", "published")))


# --- standards -------------------------------------------------------------------------------------

def test_a_standard_is_drafted_with_five_dimensions_and_issued(world):
    standard = make_standard(world, issue=False)
    assert standard.state == SetState.DRAFT
    content = [(d.name, [(i.text, i.points) for i in items]) for d, items in selectors.dimensions_of(standard)]
    assert [name for name, _items in content] == list(rules.DEFAULT_DIMENSIONS)
    assert sum(points for _name, items in content for _text, points in items) == 100
    services.standard_issue(actor=world.users["city_admin"], standard=standard)
    standard.refresh_from_db()
    assert standard.state == SetState.ISSUED and standard.issued_at is not None
    assert AuditEntry.objects.filter(action="fivegood.standard_issue").count() == 1


def test_an_issued_standard_does_not_change_and_a_new_version_does(world):
    standard = make_standard(world)
    before = snapshot()
    with pytest.raises(ValidationError, match="已印发，不能再修改"):
        services.standard_save(actor=world.users["city_admin"], org=world.city, year=YEAR, sector="",
                               org_kind="branch", title="改名", items=ITEMS, standard=standard)
    with pytest.raises(ValidationError, match="已印发"):
        services.standard_issue(actor=world.users["city_admin"], standard=standard)
    assert snapshot() == before
    copy = services.standard_new_version(actor=world.users["city_admin"], standard=standard)
    assert (copy.version, copy.state) == (2, SetState.DRAFT)
    assert StandardItem.objects.filter(dimension__standard_set=copy).count() == 10
    with pytest.raises(ValidationError, match="尚未印发的第2版"):
        services.standard_new_version(actor=world.users["city_admin"], standard=standard)
    services.standard_save(actor=world.users["city_admin"], org=world.city, year=YEAR, sector="", org_kind="branch",
                           title="修订版", items=ITEMS + "\n新增条目 | 5", standard=copy)
    services.standard_issue(actor=world.users["city_admin"], standard=copy)
    assert selectors.standard_for(world.branch_a1, YEAR) == copy  # the latest version


@pytest.mark.parametrize(("items", "message"), [
    ("一条 | 10", "第1行：请先用“# 维度名称”写明维度"),
    ("# 支部班子好\n班子健全 | 十", "第2行：分值须是1至100的整数"),
    ("# 支部班子好\n班子健全", "第2行：请按“条目内容 | 分值”填写"),
    ("# 支部班子好\n班子健全 | 0", "第2行：分值须是1至100的整数"),
    ("# 支部班子好\n# 党员管理好\n台账 | 5", "维度“支部班子好”还没有条目"),
    ("", "请至少填写一个维度"),
])
def test_bad_standard_lines_are_refused_by_line_and_nothing_is_written(world, items, message):
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        services.standard_save(actor=world.users["city_admin"], org=world.city, year=YEAR, sector="",
                               org_kind="branch", title="标准", items=items)
    assert snapshot() == before


def test_a_branch_does_not_issue_standards_and_out_of_scope_is_not_found(world):
    before = snapshot()
    with pytest.raises(ValidationError, match="由市、区、街道等党委"):
        services.standard_save(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, sector="",
                               org_kind="branch", title="标准", items=ITEMS)
    with pytest.raises(NotFound):
        services.standard_save(actor=world.users["b_admin"], org=world.district_a, year=YEAR, sector="",
                               org_kind="branch", title="标准", items=ITEMS)
    assert snapshot() == before


def test_the_most_specific_issued_standard_applies(world):
    """rules "fivegood.applicable": the lowest issuing org wins; its own sector over all sectors;
    drafts, other kinds and other sectors do not count."""
    city = make_standard(world, title="市标准")
    assert selectors.standard_for(world.branch_a1, YEAR) == city
    city_community = make_standard(world, sector="community", title="市社区标准")
    assert selectors.standard_for(world.branch_a1, YEAR) == city_community
    make_standard(world, org=world.district_a, sector="rural", title="区农村标准")  # another sector
    make_standard(world, org=world.district_a, sector="community", title="区草稿", issue=False)  # not issued
    make_standard(world, org=world.district_a, title="区总支标准", org_kind="general_branch")  # another kind
    assert selectors.standard_for(world.branch_a1, YEAR) == city_community
    district = make_standard(world, org=world.district_a, title="区标准")  # all sectors, but lower
    assert selectors.standard_for(world.branch_a1, YEAR) == district
    assert selectors.standard_for(world.branch_b1, YEAR) == city_community  # 河西 has none of its own
    assert selectors.standard_for(world.branch_a1, YEAR + 1) is None


# --- the assessment's states -----------------------------------------------------------------------

def test_an_assessment_is_self_scored_submitted_and_assessed_with_its_grade(world):
    make_standard(world)
    assessment = start(world)
    assert assessment.scores.count() == 10 and assessment.state == AssessmentState.SELF
    fill(world, assessment)
    assessment.refresh_from_db()
    assert assessment.self_total == 90
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED and assessment.submitted_at
    assess(world, assessment, 10)
    assessment.refresh_from_db()
    assert (assessment.state, assessment.upper_total, assessment.grade) == (AssessmentState.ASSESSED, 100,
                                                                            Grade.FIVE_GOOD)
    assert assessment.assessor == world.district_a
    change = GradeChange.objects.get()
    assert (change.org, change.year, change.from_grade, change.to_grade, change.by) == (
        world.branch_a1, YEAR, "", Grade.FIVE_GOOD, world.users["a_admin"])
    row = FiveGoodYear.objects.get(org=world.branch_a1, year=YEAR)
    assert (row.assessed, row.five_good) == (1, 1)


def test_the_self_assessment_keeps_evidence_files(world, settings, tmp_path):
    settings.FILES_ROOT = tmp_path
    make_standard(world)
    assessment = start(world)
    first = item_ids(assessment)[0]
    upload = SimpleUploadedFile("班子会议.pdf", pdf_bytes(), content_type="application/pdf")
    services.assessment_self_score(actor=world.users["secretary"], assessment=assessment,
                                   scores={first: (8, "班子会议记录")}, uploads={first: upload})
    row = AssessmentScore.objects.get(assessment=assessment, item_id=first)
    assert (row.self_score, row.evidence, row.file_name) == (8, "班子会议记录", "班子会议.pdf")
    assert files.path_of(row.file).exists()


def test_a_submitted_self_assessment_is_returned_with_its_reason(world):
    make_standard(world)
    assessment = start(world)
    fill(world, assessment)
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    with pytest.raises(ValidationError, match="请写明退回理由"):
        services.assessment_return(actor=world.users["a_admin"], assessment=assessment, reason=" ")
    services.assessment_return(actor=world.users["a_admin"], assessment=assessment, reason="佐证材料不全")
    assessment.refresh_from_db()
    assert (assessment.state, assessment.return_reason) == (AssessmentState.SELF, "佐证材料不全")
    fill(world, assessment, score=8)  # the branch can change it again
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED and assessment.return_reason == ""


def test_submitting_needs_every_item_scored_and_scores_within_the_points(world):
    make_standard(world)
    assessment = start(world)
    first = item_ids(assessment)[0]
    before = snapshot()
    with pytest.raises(ValidationError, match="须在0至10分之间"):
        services.assessment_self_score(actor=world.users["secretary"], assessment=assessment,
                                       scores={first: (11, "")})
    with pytest.raises(ValidationError, match="请逐项评分"):
        services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    with pytest.raises(ValidationError, match="不属于本次考评的标准"):
        services.assessment_self_score(actor=world.users["secretary"], assessment=assessment,
                                       scores={10**9: (1, "")})
    assert snapshot() == before
    fill(world, assessment)
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    before = snapshot()
    with pytest.raises(ValidationError, match="须在0至10分之间"):
        assess(world, assessment, 12)
    with pytest.raises(ValidationError, match="请逐项评分"):
        assess(world, assessment, scores={first: (10, "")})
    with pytest.raises(ValidationError, match="不能再修改自评"):
        fill(world, assessment)
    assert snapshot() == before


def test_the_branch_does_not_assess_itself_and_others_do_not_assess_it(world):
    make_standard(world)
    assessment = start(world)
    fill(world, assessment)
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    before = snapshot()
    for persona in ("secretary", "b_admin", "member"):  # the branch's own grant is not "above"
        with pytest.raises(NotFound):
            assess(world, assessment, actor=world.users[persona])
        with pytest.raises(NotFound):
            services.assessment_return(actor=world.users[persona], assessment=assessment, reason="不行")
    with pytest.raises(NotFound):
        fill(world, start(world, org=world.branch_a2), actor=world.users["secretary"])  # not the secretary's branch
    assert Assessment.objects.count() == 2
    Assessment.objects.filter(org=world.branch_a2).delete()
    assert snapshot() == before


def test_an_assessment_needs_an_issued_standard_and_is_one_per_branch_and_year(world):
    before = snapshot()
    with pytest.raises(ValidationError, match="还没有印发"):
        start(world)
    make_standard(world, issue=False)
    with pytest.raises(ValidationError, match="还没有印发"):
        start(world)
    with pytest.raises(ValidationError, match="只有党支部"):
        services.assessment_start(actor=world.users["a_admin"], org=world.street_a, year=YEAR)
    assert Assessment.objects.count() == 0
    StandardSet.objects.all().delete()
    assert snapshot() == before
    make_standard(world)
    start(world)
    with pytest.raises(ValidationError, match="已有2026年的考评"):
        start(world)


@pytest.mark.parametrize(("score", "low", "grade"), [
    (10, None, Grade.FIVE_GOOD),  # 100 %
    (9, None, Grade.FIVE_GOOD),  # 90 %, every dimension 90 %
    (10, 5, Grade.QUALIFIED),  # 95 %, but one dimension at 50 % of its points
    (8, None, Grade.QUALIFIED),  # 80 %
    (7, None, Grade.BASIC),  # 70 %
    (5, None, Grade.FAILED),  # 50 %
])
def test_the_grade_follows_from_the_upper_scores_by_the_thresholds(world, score, low, grade):
    make_standard(world)
    assessment = start(world)
    fill(world, assessment)
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    ids = item_ids(assessment)
    scores = {pk: (score, "") for pk in ids}
    if low is not None:  # the first dimension's two items
        scores[ids[0]] = scores[ids[1]] = (low // 2 + low % 2, "")
        scores[ids[1]] = (low // 2, "")
    assert assess(world, assessment, scores=scores).grade == grade


def test_grade_for_is_the_documented_thresholds():
    assert rules.grade_for(total=90, max_total=100, dimensions=[(18, 20)] * 5) == "five_good"
    assert rules.grade_for(total=89, max_total=100, dimensions=[(18, 20)] * 5) == "qualified"
    assert rules.grade_for(total=95, max_total=100, dimensions=[(11, 20), (20, 20)]) == "qualified"
    assert rules.grade_for(total=75, max_total=100, dimensions=[]) == "qualified"
    assert rules.grade_for(total=60, max_total=100, dimensions=[]) == "basic"
    assert rules.grade_for(total=59, max_total=100, dimensions=[]) == "failed"


# --- the grade changes only through an assessment --------------------------------------------------

def test_a_grade_set_without_an_assessed_assessment_is_refused_with_the_rule(world):
    make_standard(world)
    start(world)
    before = snapshot()
    for actor in ("a_admin", "city_admin"):
        with pytest.raises(ValidationError, match="等次调整须经上级考评") as refused:
            services.grade_set(actor=world.users[actor], org=world.branch_a1, year=YEAR, grade=Grade.FIVE_GOOD)
        assert "还没有经上级考评" in str(refused.value)
    assert snapshot() == before


def test_changing_an_assessed_grade_directly_is_refused_with_the_rule(world):
    assessment = assessed(world, 8)
    before = snapshot()
    with pytest.raises(ValidationError, match="等次调整须经上级考评"):
        services.grade_set(actor=world.users["a_admin"], org=world.branch_a1, year=YEAR, grade=Grade.FIVE_GOOD)
    assert snapshot() == before
    # Nor past the services: the database refuses a grade on an assessment not assessed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.SELF)
    assert snapshot() == before


def test_reopening_withdraws_the_grade_and_re_assessing_gives_a_new_one_with_history(world):
    assessment = assessed(world, 10)
    with pytest.raises(ValidationError, match="请写明重新考评的理由"):
        services.assessment_reopen(actor=world.users["a_admin"], assessment=assessment, reason="")
    with pytest.raises(NotFound):
        services.assessment_reopen(actor=world.users["secretary"], assessment=assessment, reason="我要重评")
    services.assessment_reopen(actor=world.users["a_admin"], assessment=assessment, reason="群众反映作用发挥不足")
    assessment.refresh_from_db()
    assert (assessment.state, assessment.grade) == (AssessmentState.SUBMITTED, "")
    assert FiveGoodYear.objects.get(org=world.branch_a1, year=YEAR).five_good == 0
    assess(world, assessment, 8)
    assert list(GradeChange.objects.order_by("pk").values_list("from_grade", "to_grade")) == [
        ("", Grade.FIVE_GOOD), (Grade.FIVE_GOOD, ""), ("", Grade.QUALIFIED)]
    row = FiveGoodYear.objects.get(org=world.branch_a1, year=YEAR)
    assert (row.assessed, row.five_good, row.qualified) == (1, 0, 1)


# --- exemplars -------------------------------------------------------------------------------------

def test_a_five_good_branch_is_selected_and_published_on_the_portal(world):
    channel_create(name="党务公开", code="disclosure", slug="dangwu", kind="disclosure")
    assessment = assessed(world, 10)
    exemplar = services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=assessment,
                                        title="朝阳里社区第一党支部：网格里的党旗红", story="支部把党小组建在网格上。")
    assert (exemplar.org, exemplar.year, exemplar.state) == (world.branch_a1, YEAR, ExemplarState.SELECTED)
    services.exemplar_publish(actor=world.users["a_admin"], exemplar=exemplar)
    exemplar.refresh_from_db()
    assert exemplar.state == ExemplarState.PUBLISHED and exemplar.published_at
    article = Article.objects.get(external_key=f"fivegood:exemplar:{exemplar.pk}")
    assert article.channel.code == "disclosure" and article.title == exemplar.title
    row = FiveGoodYear.objects.get(org=world.branch_a1, year=YEAR)
    assert (row.exemplars, row.published) == (1, 1)
    with pytest.raises(ValidationError, match="已经宣传"):
        services.exemplar_publish(actor=world.users["a_admin"], exemplar=exemplar)
    with pytest.raises(ValidationError, match="先进典型，不能重新考评"):
        services.assessment_reopen(actor=world.users["a_admin"], assessment=assessment, reason="重评")


def test_a_branch_not_five_good_cannot_be_an_exemplar(world):
    assessment = assessed(world, 8)
    before = snapshot()
    with pytest.raises(ValidationError, match=rules.NOT_FIVE_GOOD):
        services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=assessment,
                                 title="典型", story="事迹")
    with pytest.raises(NotFound):  # the branch does not select itself
        services.exemplar_select(actor=world.users["secretary"], org=world.branch_a1, assessment=assessment,
                                 title="典型", story="事迹")
    assert snapshot() == before


def test_publishing_without_the_portal_channel_is_refused_and_writes_nothing(world):
    Channel.objects.filter(code="disclosure").delete()
    exemplar = services.exemplar_select(actor=world.users["a_admin"], org=world.district_a,
                                        assessment=assessed(world, 10), title="典型", story="事迹")
    before = snapshot()
    with pytest.raises(ValidationError, match="没有党务公开栏目"):
        services.exemplar_publish(actor=world.users["a_admin"], exemplar=exemplar)
    assert snapshot() == before


def records(world) -> dict:
    """For the API meta-tests (core/tests/test_api_boundaries.py, test_api_fuzz.py, test_scoping.py):
    the city's issued standard, branch A1's submitted self-assessment, branch A2's assessed 五好 with
    an exemplar selected by 和平区, 河西's branch assessing itself; each model has a row."""
    standard = make_standard(world)
    submitted = start(world)
    fill(world, submitted)
    services.assessment_submit(actor=world.users["secretary"], assessment=submitted)
    five_good = assessed(world, 10, org=world.branch_a2)
    exemplar = services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=five_good,
                                        title="朝阳里二支部典型", story="事迹")
    services.assessment_start(actor=world.users["b_admin"], org=world.branch_b1, year=YEAR)
    return {"fivegood_standard": standard.pk, "fivegood_assessment": submitted.pk, "fivegood_exemplar": exemplar.pk}


def test_the_remaining_refusals_answer_in_chinese_and_write_nothing(world):
    from django.utils import timezone

    draft = make_standard(world, issue=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="草稿可以直接修改"):
        services.standard_new_version(actor=world.users["city_admin"], standard=draft)
    with pytest.raises(ValidationError, match="已有2026年该领域、该组织类型的创建标准"):
        make_standard(world, issue=False)
    with pytest.raises(ValidationError, match="只能开始今年及以前年度的考评"):
        start(world, year=timezone.localdate().year + 1)
    assert snapshot() == before
    services.standard_issue(actor=world.users["city_admin"], standard=draft)
    assessment = assessed(world, 10)
    services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=assessment,
                             title="典型", story="事迹")
    before = snapshot()
    with pytest.raises(ValidationError, match="已是2026年的先进典型"):
        services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=assessment,
                                 title="又一个", story="事迹")
    with pytest.raises(ValidationError, match="先进典型，不能重新考评"):
        services.assessment_reopen(actor=world.users["a_admin"], assessment=assessment, reason="重评")
    with pytest.raises(ValidationError, match="只有已提交自评的可以考评"):
        assess(world, assessment, 10)
    with pytest.raises(ValidationError, match="只有待上级考评的可以退回自评"):
        services.assessment_return(actor=world.users["a_admin"], assessment=assessment, reason="退回")
    with pytest.raises(ValidationError, match="请填写典型事迹"):
        services.exemplar_select(actor=world.users["a_admin"], org=world.district_a, assessment=assessment,
                                 title="典型", story=" ")
    assert snapshot() == before


def test_a_new_evidence_file_replaces_the_old_one_once_saved(world, settings, tmp_path,
                                                             django_capture_on_commit_callbacks):
    settings.FILES_ROOT = tmp_path
    make_standard(world)
    assessment = start(world)
    first = item_ids(assessment)[0]

    def upload(name):
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_self_score(
                actor=world.users["secretary"], assessment=assessment, scores={first: (8, "")},
                uploads={first: SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")})
        return AssessmentScore.objects.get(assessment=assessment, item_id=first)

    old = upload("第一次.pdf").file
    row = upload("第二次.pdf")
    assert row.file_name == "第二次.pdf" and files.path_of(row.file).exists()
    assert not files.path_of(old).exists()
