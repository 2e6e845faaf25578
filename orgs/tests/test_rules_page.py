"""The rules page and API (issue 13): every rule the platform enforces in one place — its text, its
source and article, national or local, and a local rule's value for the org with where it comes
from (the org's own setting, an ancestor's, or the platform's default). Out of scope is 404."""

import pytest
from django.test import Client
from django.urls import reverse

from core.registry import RULE_MODULES, RULES
from dangjian.testing import api_client
from orgs import rules as org_rules
from orgs.models import OrgSetting
from recruitment import rules as recruitment_rules


def test_every_module_registers_its_rules_each_with_a_source():
    assert set(RULE_MODULES) == {"组织设置", "党员档案", "发展党员", "组织关系转接", "组织生活", "智能分析", "学习培训", "区域化党建",
                                 "督导考核"}
    assert all(rule.source and rule.text for rule in RULES.values())
    assert len(RULES) >= 50


def test_a_local_rules_default_is_the_one_the_code_enforces():
    enforced = {**org_rules.LOCAL_DEFAULTS, **recruitment_rules.LOCAL_DEFAULTS}
    for rule in RULES.values():
        if rule.local:
            assert rule.default == enforced[rule.setting], rule.key


def test_the_page_lists_every_rule_with_its_source(world):
    body = world.client("a_admin").get(reverse("orgs:org_rules", args=[world.branch_a1.pk])).content.decode()
    for rule in RULES.values():
        assert f'id="rule-{rule.key}"' in body, rule.key
    assert "《支部工作条例》第二十条" in body and "细则第十三条" in body and "全国统一" in body


def test_a_local_value_says_where_it_comes_from(world):
    client = world.client("a_admin")
    url = reverse("orgs:org_rules", args=[world.branch_a1.pk])
    assert "6个月 <span class=\"muted small\">（平台默认）" in client.get(url).content.decode()
    OrgSetting.objects.create(org=world.district_a, key="recruitment_activist_months", value=8)
    assert f"8个月 <span class=\"muted small\">（沿用{world.district_a.name}的设置）" in client.get(url).content.decode()
    OrgSetting.objects.create(org=world.branch_a1, key="recruitment_activist_months", value=7)
    assert "7个月 <span class=\"muted small\">（本组织设置）" in client.get(url).content.decode()


def test_the_api_gives_the_same_rules_and_values(world):
    OrgSetting.objects.create(org=world.district_a, key="recruitment_community_approval", value=True)
    rows = api_client("a_admin").get(f"/api/v1/orgs/{world.branch_a1.pk}/rules").json()
    assert {row["key"] for row in rows} == set(RULES)
    granted = next(row for row in rows if row["key"] == "recruitment.community_approval")
    assert (granted["local"], granted["value"], granted["shown"]) == (True, True, "是")
    assert granted["where"] == f"沿用{world.district_a.name}的设置"
    national = next(row for row in rows if row["key"] == "recruitment.sponsors")
    assert (national["local"], national["national"], national["value"], national["source"]) == (
        False, True, None, "细则第十三条")
    fixed = next(row for row in rows if row["key"] == "transfers.certificate_renewal")
    assert (fixed["local"], fixed["national"]) == (False, False)


@pytest.mark.parametrize("persona", ["b_admin", "secretary", "outsider"])
def test_an_org_out_of_scope_is_404_on_the_page_and_the_api(world, persona):
    assert world.client(persona).get(reverse("orgs:org_rules", args=[world.district_a.pk])).status_code == 404
    assert api_client(persona).get(f"/api/v1/orgs/{world.district_a.pk}/rules").status_code == 404


def test_the_page_without_an_org_shows_the_users_first_org_or_an_empty_state(world):
    body = world.client("secretary").get(reverse("orgs:rules")).content.decode()
    assert world.branch_a1.name in body and 'id="rule-orgs.terms"' in body
    assert "尚未被授予任何党组织的权限" in world.client("outsider").get(reverse("orgs:rules")).content.decode()
    assert Client().get(reverse("orgs:rules")).status_code == 302  # to the login page


def test_no_rule_whose_source_is_a_local_rule_is_listed_as_national():
    """``Rule.national`` is what the rule declares (a setting, or ``platform``), not read from the
    source text; a rule citing a local rule must declare one of them."""
    mislabelled = [r.key for r in RULES.values() if r.national and "本地" in r.source]
    assert mislabelled == []
    assert {r.key for r in RULES.values() if r.platform} >= {"transfers.certificate_renewal"}
