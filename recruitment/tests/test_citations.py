"""Every step's citation in one place, as a reviewer checks them against the 细则 (issue 13 item 4):
a changed citation must be changed here too, on purpose."""

from orgs import rules as org_rules
from recruitment import rules

CITED = {
    1: "细则第五、六条", 2: "细则第七条",
    3: "细则第八条", 4: "细则第八条", 5: "细则第九条", 6: "细则第十、十一条",  # 第二章 入党积极分子
    7: "细则第十二条", 8: "细则第十二条", 9: "细则第十三条", 10: "细则第十五、十六条",  # 第三章 发展对象
    11: "细则第十七条",
    12: "细则第十九条", 13: "细则第十九条", 14: "细则第十九条",  # committee review, pre-review, 志愿书
    15: "细则第二十、二十一条",
    16: "细则第四章", 17: "细则第四章", 18: "细则第四章",  # 预备党员的接收
    **dict.fromkeys(range(19, 26), "细则第五章；党章第七条"),  # 预备党员的教育、考察和转正
}


def test_every_step_cites_what_the_reviewed_table_says():
    assert {step.number: step.article for step in rules.STEPS} == CITED


def test_the_committee_threshold_cites_article_20_of_the_branch_regulation():
    from orgs.models import Org, OrgKind

    branch = Org(kind=OrgKind.BRANCH, name="x", code="x", path="0001", depth=1)
    found = org_rules.structure_warnings(branch, members=8, full_members=8, committee_size=1)
    assert [w.message for w in found if "支部委员会" in w.message][0].endswith("（《支部工作条例》第二十条）")


# 《支部工作条例（试行）》: 党员大会 Art. 11, 支委会 Art. 12, 党小组会 Art. 13, 党课 Art. 15, 主题党日 Art. 16,
# 组织生活会 Art. 17, 谈心谈话 Art. 18, 民主评议党员 Art. 19; a committee from 7 full members Art. 20.
MEETINGS_CITED = {
    "branch_assembly": "第十一条", "committee_meeting": "第十二条", "group_meeting": "第十三条", "lecture": "第十五条",
    "secretary_lecture": "第十五条", "theme_day": "第十六条", "review_meeting": "第十七条", "talk": "第十八条",
    "appraisal": "第十九条",
}


def test_every_meeting_requirement_cites_what_the_reviewed_table_says():
    from orglife.rules import ARTICLE, REQUIREMENTS

    cited = {r.key: r.source.removeprefix(ARTICLE)[:5].rstrip("：；") for r in REQUIREMENTS}
    assert cited == MEETINGS_CITED


def test_a_committee_meeting_without_a_committee_cites_article_20():
    from django.core.exceptions import ValidationError

    from orglife.rules import check_kind
    from orgs.models import Org, OrgKind

    branch = Org(kind=OrgKind.BRANCH, name="某党支部", code="x", path="0001", depth=1)
    try:
        check_kind(branch, "committee_meeting", full_members=5)
    except ValidationError as exc:
        assert "《中国共产党支部工作条例（试行）》第二十条" in exc.message_dict["kind"][0]
    else:
        raise AssertionError("a branch of five full members holds no committee meeting")
