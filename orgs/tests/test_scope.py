"""The scope oracle (reliability.md S1, reduced) and indirect writes (S2).

Every URL that takes an org or member id, every list, search and export is compared, persona by
persona, with the oracle: "the object's org path starts with one of the user's granted paths (a
member: their own record and their own org only)". In scope answers 200, out of scope 404.
A meta-test fails when a URL pattern is neither covered here nor listed as public.
"""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Grant, User
from care.tests.test_api import SCOPE_TESTED as CARE_URLS  # tested there, 404s included
from community.tests.test_pages import SCOPE_TESTED as COMMUNITY_URLS  # tested there, 404s included
from core.access import ROLE_PERMISSIONS, Role
from core.errors import NotFound
from dangjian.testing import ID_NUMBERS, PASSWORD
from dues.tests.test_views import SCOPE_TESTED as DUES_URLS  # tested there, 404s included
from exams.tests.test_exams import SCOPE_TESTED as EXAMS_URLS  # tested there, 404s included
from fivegood.tests.test_pages import SCOPE_TESTED as FIVEGOOD_URLS  # tested there, 404s included
from insights.tests.test_scope import SCOPE_TESTED as INSIGHTS_URLS  # tested there, 404s included
from lagging.tests.test_pages import SCOPE_TESTED as LAGGING_URLS  # tested there, 404s included
from learning.tests.test_library import SCOPE_TESTED as LIBRARY_URLS  # tested there, 404s included
from learning.tests.test_scope import SCOPE_TESTED as LEARNING_URLS  # tested there, 404s included
from members.models import Member
from members.tests.test_archive_api import SCOPE_TESTED as ARCHIVE_API_URLS  # tested there
from members.tests.test_import import SCOPE_TESTED as IMPORT_URLS  # tested there, 404s included
from members.tests.test_import_api import API_URLS as IMPORT_API_URLS  # tested there, 404s included
from notifications.tests.test_pages import (
    SCOPE_TESTED as NOTIFICATION_URLS,  # the user's own; 404s there
)
from orders.tests.test_pages import (
    PUBLIC as ORDERS_PUBLIC,  # the resident's pages, no login, on purpose
)
from orders.tests.test_pages import SCOPE_TESTED as ORDERS_URLS  # tested there, 404s included
from orglife.tests.test_scope import SCOPE_TESTED as ORGLIFE_URLS  # tested there, 404s included
from orgs import services
from orgs.models import AffiliationChange, LeadershipTerm, Org
from oversight.tests.test_bulletins import (
    SCOPE_TESTED as BULLETIN_URLS,  # tested there, 404s included
)
from oversight.tests.test_pages import SCOPE_TESTED as OVERSIGHT_URLS  # tested there, 404s included
from pledges.tests.test_pledges import (
    PUBLIC as PLEDGES_PUBLIC,  # the badge page, no login, on purpose
)
from pledges.tests.test_pledges import SCOPE_TESTED as PLEDGES_URLS  # tested there, 404s included
from points.tests.test_points import SCOPE_TESTED as POINTS_URLS  # tested there, 404s included
from portal.tests.test_channel_grants import SCOPE_TESTED as CHANNEL_GRANT_URLS  # tested there
from portal.tests.test_scope import SCOPE_TESTED as PORTAL_URLS  # tested there, 404s included
from recruitment.tests.test_scope import PUBLIC as RECRUITMENT_PUBLIC  # no login, on purpose
from recruitment.tests.test_scope import (
    SCOPE_TESTED as RECRUITMENT_URLS,  # tested there, 404s included
)
from regional.tests.test_cobuilding import (
    SCOPE_TESTED as COBUILDING_URLS,  # tested there, 404s included
)
from regional.tests.test_views import SCOPE_TESTED as REGIONAL_URLS  # tested there, 404s included
from regional.tests.test_village_views import (
    SCOPE_TESTED as VILLAGE_URLS,  # tested there, 404s included
)
from reviews.tests.test_pages import SCOPE_TESTED as REVIEWS_URLS  # tested there, 404s included
from soe.tests.test_soe import SCOPE_TESTED as SOE_URLS  # tested there, 404s included
from training.tests.test_training import (
    SCOPE_TESTED as TRAINING_URLS,  # tested there, 404s included
)
from transfers.tests.test_certificates import SCOPE_TESTED as CERTIFICATE_URLS  # tested there
from transfers.tests.test_scope import SCOPE_TESTED as TRANSFER_URLS  # tested there, 404s included

PERSONAS = ["sysadmin", "secadmin", "auditor", "city_admin", "a_admin", "b_admin", "secretary",
            "member", "outsider"]
LIST_PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"]
# The three administrators get no API token, and every operation refuses theirs
# (accounts/tests/test_separation.py walks them all).
API_PERSONAS = LIST_PERSONAS

# Who holds which org role where (dangjian/testing.py), written out so the oracle does not ask the
# code under test. What each role may do is the policy table, ROLE_PERMISSIONS.
GRANTED = {
    "city_admin": (Role.ORG_ADMIN, "city"),
    "a_admin": (Role.ORG_ADMIN, "district_a"),
    "b_admin": (Role.ORG_ADMIN, "district_b"),
    "secretary": (Role.SECRETARY, "branch_a1"),
}
OWN_MEMBER = {"member": "a1_member", "secretary": "a1_secretary"}

# --- the matrix: every URL pattern that takes an id, with the permission the oracle checks -----

ORG_PAGES = {  # url name: (permission, query string)
    "orgs:detail": ("org.view", ""),
    "orgs:node": ("org.view", "?open=1"),
    "orgs:edit": ("org.change", ""),
    "orgs:create": ("org.change", ""),
    "orgs:move": ("org.move", ""),
    "orgs:term_create": ("org.change", ""),
    "orgs:org_rules": ("org.view", ""),
    "members:roster": ("member.view", ""),  # 花名册: the org's own members
}
MEMBER_PAGES = {  # url name: (method, permission)
    "members:detail": ("get", "member.view"),
    "members:unmask": ("post", "member.unmask"),
    "care:member": ("get", "member.view"),  # a member sees the care visits paid to them
    "members:edit": ("get", "member.change"),
    "members:document_upload": ("get", "member.change"),
    "members:correction_create": ("get", "member.own"),  # one's own archive only
}
# Archive records, documents and correction requests, by their own ids (members/tests/test_archive.py
# holds the writes): url name: (method, permission, status when allowed).
ARCHIVE_PAGES = {
    "members:record_add": ("get", "member.change", 200),
    "members:record_edit": ("get", "member.change", 200),
    "members:record_delete": ("get", "member.change", 200),
    "members:document_download": ("get", "member.view", 200),
    "members:document_delete": ("get", "member.change", 200),
    "members:correction_decide": ("post", "member.change", 302),
}
API_ORG_URLS = {"api:org_detail": "org.view", "api:org_children": "org.view", "api:org_rules": "org.view"}
API_MEMBER_URLS = {"api:member_detail": "member.view", "api:member_records": "member.view"}
LIST_URLS = {"orgs:tree", "orgs:list", "members:list", "api:org_list", "api:member_list",
             "orgs:rules"}  # the user's first visible org (orgs/tests/test_rules_page.py)

# Pages without an object id of the org tree: who may open them.
EVERYONE = set(PERSONAS)
SYSTEM_PAGES = {
    "core:home": EVERYONE,
    "accounts:password_change": EVERYONE,
    "accounts:totp": EVERYONE,  # one's own second factor only (accounts/tests/test_totp.py)
    "core:audit_list": {"auditor"},
    "core:system": {"sysadmin"},
    "core:calendar": {"sysadmin"},  # the holiday calendar (core/tests/test_workdays.py)
    "accounts:user_list": {"secadmin"},
    "accounts:user_create": {"secadmin"},
    "accounts:user_detail": {"secadmin"},
    # care (关怀帮扶): for those who manage members; row scope in care/tests/test_care.py
    "care:list": {"city_admin", "a_admin", "b_admin", "secretary"},
    "care:visits": {"city_admin", "a_admin", "b_admin", "secretary"},
    "care:stats": {"city_admin", "a_admin", "b_admin", "secretary"},
    "care:visit_create": {"city_admin", "a_admin", "b_admin", "secretary"},
    # the correction requests inbox: whoever may change members somewhere
    "members:corrections": {"city_admin", "a_admin", "b_admin", "secretary"},
}
SYSTEM_POSTS = {"accounts:user_set_active", "accounts:grant_remove", "accounts:logout",
                "api:token_delete",
                # exact ID lookups, covered by the search tests below
                "members:lookup", "api:member_lookup",
                # creation in an org out of scope: members/tests/test_archive.py
                "api:member_create"}
# API writes on one member: an empty PATCH changes nothing, so it probes the scope alone.
API_MEMBER_WRITES = {"api:member_update": "member.change"}

# Reachable without logging in, on purpose.
PUBLIC = {"accounts:login", "accounts:login_totp", "api:token_create", "api:openapi-json", "api:openapi-view",
          "api:api-root", *RECRUITMENT_PUBLIC, *PLEDGES_PUBLIC, *ORDERS_PUBLIC,
          # The news portal's public pages and read API: anyone reads published articles.
          "portal:index", "portal:search", "portal:rank", "portal:feed", "portal:channel_feed",
          "portal:article", "portal:article_slug", "portal:comments", "portal:share", "portal:qr",
          "portal:image", "portal:thumb", "portal:channel",
          "api:news_channels", "api:news_articles", "api:news_article",
          # The load balancer's probes and Prometheus's scrape (ops/tests/test_health.py): no
          # data in them; /metrics answers only the configured addresses.
          "ops:healthz", "ops:readyz", "ops:metrics"}


# --- the oracle ------------------------------------------------------------------------------


def granted_paths(world, persona: str, perm: str) -> list[str]:
    if persona not in GRANTED:
        return []
    role, org_attr = GRANTED[persona]
    return [getattr(world, org_attr).path] if perm in ROLE_PERMISSIONS[role] else []


def oracle_orgs(world, persona: str, perm: str = "org.view") -> set[int]:
    paths = granted_paths(world, persona, perm)
    ids = {o.pk for o in Org.objects.all() if any(o.path.startswith(p) for p in paths)}
    if perm == "org.view" and persona in OWN_MEMBER:
        ids.add(world.members[OWN_MEMBER[persona]].org_id)
    return ids


def oracle_members(world, persona: str, perm: str = "member.view") -> set[int]:
    if perm == "member.own":
        return {world.members[OWN_MEMBER[persona]].pk} if persona in OWN_MEMBER else set()
    paths = granted_paths(world, persona, perm)
    ids = {m.pk for m in Member.objects.select_related("org")
           if any(m.org.path.startswith(p) for p in paths)}
    if perm == "member.view" and persona in OWN_MEMBER:
        ids.add(world.members[OWN_MEMBER[persona]].pk)
    return ids


def in_subtree(org_path: str, root: Org) -> bool:
    return org_path.startswith(root.path)


# --- helpers ---------------------------------------------------------------------------------


def api_client(persona: str | None) -> Client:
    """A client holding a bearer token obtained the documented way (POST /api/v1/auth/token)."""
    if persona is None:
        return Client()
    response = Client().post("/api/v1/auth/token", {"username": persona, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def api_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    ids = {item["id"] for item in body["items"]}
    assert body["count"] == len(ids)
    return ids


def tree_state():
    """Everything a refused structural write could have changed."""
    return (
        sorted(Org.objects.values_list("pk", "path", "depth", "numchild", "name", "code", "kind")),
        AffiliationChange.objects.count(),
        LeadershipTerm.objects.count(),
    )


def nonexistent_pk(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


# --- every id URL against the oracle ---------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_org_and_member_url_answers_in_scope_200_and_out_of_scope_404(world, persona):
    client = world.client(persona)
    org_ids = list(Org.objects.values_list("pk", flat=True)) + [nonexistent_pk(Org)]
    member_ids = list(Member.objects.values_list("pk", flat=True)) + [nonexistent_pk(Member)]
    violations = []
    for name, (perm, query) in ORG_PAGES.items():
        allowed = oracle_orgs(world, persona, perm)
        for pk in org_ids:
            status = client.get(reverse(name, args=[pk]) + query).status_code
            expected = 200 if pk in allowed else 404
            if status != expected:
                violations.append((name, pk, status, expected))
    for name, (method, perm) in MEMBER_PAGES.items():
        allowed = oracle_members(world, persona, perm)
        for pk in member_ids:
            status = getattr(client, method)(reverse(name, args=[pk])).status_code
            expected = 200 if pk in allowed else 404
            if status != expected:
                violations.append((name, pk, status, expected))
    assert violations == []


def _archive_objects(world) -> dict[int, tuple]:
    """One position, one document and one correction request in every member's archive."""
    from members import services as member_services
    from members.models import CorrectionRequest
    from members.tests.test_archive import png_upload

    objects = {}
    for member in Member.objects.all():
        position = member_services.position_add(actor=world.users["city_admin"], member=member,
                                                data={"title": "委员", "started": "2015-01-01"})
        document = member_services.document_add(actor=world.users["city_admin"], member=member,
                                                 upload=png_upload(), title="扫描件")
        correction = CorrectionRequest.objects.create(member=member, field_name="native_place",
                                                      requested_value="天津")
        objects[member.pk] = (position, document, correction)
    return objects


def _archive_url(name: str, member_pk: int, objects: tuple) -> str:
    position, document, correction = objects
    args = {
        "members:record_add": [member_pk, "position"],
        "members:record_edit": [member_pk, "position", position.pk],
        "members:record_delete": [member_pk, "position", position.pk],
        "members:document_download": [document.pk],
        "members:document_delete": [document.pk],
        "members:correction_decide": [correction.pk],
    }[name]
    return reverse(name, args=args)


@pytest.mark.parametrize("persona", PERSONAS)
def test_archive_record_document_and_correction_urls_answer_by_the_oracle(world, persona):
    objects = _archive_objects(world)
    client = world.client(persona)
    violations = []
    for name, (method, perm, allowed_status) in ARCHIVE_PAGES.items():
        allowed = oracle_members(world, persona, perm)
        for member_pk, owned in objects.items():
            status = getattr(client, method)(_archive_url(name, member_pk, owned)).status_code
            expected = allowed_status if member_pk in allowed else 404
            if status != expected:
                violations.append((name, member_pk, status, expected))
    # A record named under another member's id is not found either.
    a1, b1 = world.members["a1_member"].pk, world.members["b1_member"].pk
    foreign = reverse("members:record_edit", args=[a1, "position", objects[b1][0].pk])
    if client.get(foreign).status_code != 404:
        violations.append(("record under another member", a1))
    assert violations == []


@pytest.mark.parametrize("persona", API_PERSONAS)
def test_every_api_operation_with_an_id_answers_by_the_oracle(world, persona):
    client = api_client(persona)
    violations = []
    for name, perm in API_ORG_URLS.items():
        allowed = oracle_orgs(world, persona, perm)
        for pk in list(Org.objects.values_list("pk", flat=True)) + [nonexistent_pk(Org)]:
            status = client.get(reverse(name, args=[pk])).status_code
            if status != (200 if pk in allowed else 404):
                violations.append((name, pk, status))
    for name, perm in API_MEMBER_URLS.items():
        allowed = oracle_members(world, persona, perm)
        for pk in list(Member.objects.values_list("pk", flat=True)) + [nonexistent_pk(Member)]:
            status = client.get(reverse(name, args=[pk])).status_code
            if status != (200 if pk in allowed else 404):
                violations.append((name, pk, status))
    assert violations == []


@pytest.mark.parametrize("persona", API_PERSONAS)
def test_every_api_write_with_a_member_id_answers_by_the_oracle(world, persona):
    client = api_client(persona)
    violations = []
    for name, perm in API_MEMBER_WRITES.items():
        allowed = oracle_members(world, persona, perm)
        for pk in list(Member.objects.values_list("pk", flat=True)) + [nonexistent_pk(Member)]:
            status = client.patch(reverse(name, args=[pk]), {}, content_type="application/json").status_code
            if status != (200 if pk in allowed else 404):
                violations.append((name, pk, status))
    assert violations == []


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "secretary", "member"])
def test_api_children_lists_only_in_scope_children(world, persona):
    client = api_client(persona)
    visible = oracle_orgs(world, persona)
    for org in Org.objects.filter(pk__in=visible):
        expected = {o.pk for o in Org.objects.filter(depth=org.depth + 1)
                    if in_subtree(o.path, org) and o.pk in visible}
        assert api_ids(client.get(reverse("api:org_children", args=[org.pk]))) == expected


def test_anonymous_is_sent_to_login_on_pages_and_gets_401_from_the_api(world):
    client = Client()
    org, member = world.branch_a1, world.members["a1_member"]
    for name, (_perm, query) in ORG_PAGES.items():
        response = client.get(reverse(name, args=[org.pk]) + query)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name, (method, _perm) in MEMBER_PAGES.items():
        response = getattr(client, method)(reverse(name, args=[member.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name in ("orgs:tree", "orgs:list", "members:list"):
        assert client.get(reverse(name)).status_code == 302, name
    for url in [reverse(n, args=[org.pk]) for n in API_ORG_URLS] + [
        reverse(n, args=[member.pk]) for n in API_MEMBER_URLS
    ] + [reverse("api:org_list"), reverse("api:member_list")]:
        assert client.get(url).status_code == 401, url


# --- lists, searches and exports -------------------------------------------------------------


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_org_list_and_its_csv_export_hold_exactly_the_oracle_rows(world, persona):
    client = world.client(persona)
    expected = oracle_orgs(world, persona)
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 200
    assert {o.pk for o in response.context["page"].object_list} == expected
    codes = {r["组织代码"] for r in csv_rows(client.get(reverse("orgs:list") + "?export=csv"))}
    assert codes == set(Org.objects.filter(pk__in=expected).values_list("code", flat=True))


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_member_list_and_its_csv_export_hold_exactly_the_oracle_rows(world, persona):
    client = world.client(persona)
    expected = oracle_members(world, persona)
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    assert {m.pk for m in response.context["page"].object_list} == expected
    body = response.content.decode()
    for member in Member.objects.exclude(pk__in=expected):
        assert member.name not in body
    # Exports need member.export on the rows' org: a member may see their record, not export it.
    exportable = oracle_members(world, persona, "member.export")
    names = {r["姓名"] for r in csv_rows(client.get(reverse("members:list") + "?export=csv"))}
    assert names == set(Member.objects.filter(pk__in=exportable).values_list("name", flat=True))


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_member_searches_by_name_and_by_exact_id_number_find_only_in_scope_members(world, persona):
    client = world.client(persona)
    visible = oracle_members(world, persona)
    for key, member in world.members.items():
        expected = {member.pk} & visible
        response = client.get(reverse("members:list"), {"q": member.name})
        assert response.status_code == 200
        assert {m.pk for m in response.context["page"].object_list} == expected, (key, member.name)
        # The exact ID lookup is a POST: a hit opens the member, a miss (or out of scope) does not.
        response = client.post(reverse("members:lookup"), {"id_number": ID_NUMBERS[key]})
        assert response.status_code == 302
        target = reverse("members:detail", args=[member.pk]) if expected else reverse("members:list")
        assert response["Location"] == target, (key, persona)


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_within_filter_on_pages_gives_the_subtree_inside_the_scope_or_nothing(world, persona):
    client = world.client(persona)
    visible_orgs = oracle_orgs(world, persona)
    visible_members = oracle_members(world, persona)
    for org in Org.objects.all():
        members_expected = {m.pk for m in Member.objects.select_related("org")
                            if in_subtree(m.org.path, org) and m.pk in visible_members}
        orgs_expected = {o.pk for o in Org.objects.all()
                         if in_subtree(o.path, org) and o.pk in visible_orgs}
        if org.pk not in visible_orgs:  # an org outside the scope is an unknown org
            members_expected, orgs_expected = set(), set()
        for value in (org.code, str(org.pk)):
            response = client.get(reverse("members:list"), {"within": value})
            assert response.status_code == 200
            assert {m.pk for m in response.context["page"].object_list} == members_expected
            response = client.get(reverse("orgs:list"), {"within": value})
            assert response.status_code == 200
            assert {o.pk for o in response.context["page"].object_list} == orgs_expected


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_org_tree_search_finds_only_in_scope_orgs(world, persona):
    client = world.client(persona)
    visible = oracle_orgs(world, persona)
    for org in Org.objects.all():
        response = client.get(reverse("orgs:tree"), {"q": org.code})
        assert response.status_code == 200
        assert {o.pk for o in response.context["found"]} == {org.pk} & visible, org.code
        response = client.get(reverse("orgs:list"), {"q": org.code})
        assert {o.pk for o in response.context["page"].object_list} == {org.pk} & visible


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_org_tree_page_shows_only_in_scope_roots(world, persona):
    response = world.client(persona).get(reverse("orgs:tree"))
    assert response.status_code == 200
    shown = {o.pk for o in response.context["nodes"]}
    assert shown <= oracle_orgs(world, persona)
    body = response.content.decode()
    for org in Org.objects.exclude(pk__in=oracle_orgs(world, persona)):
        assert f'href="/orgs/{org.pk}/"' not in body


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_figures_on_tree_and_detail_pages_count_only_what_the_user_may_see(world, persona):
    """A count is a channel: a member shown their branch must not learn what lies beneath it."""
    client = world.client(persona)
    visible_orgs = oracle_orgs(world, persona)
    visible_members = oracle_members(world, persona)
    for org in Org.objects.filter(pk__in=visible_orgs):
        expected = {
            "orgs": sum(1 for o in Org.objects.filter(pk__in=visible_orgs)
                        if in_subtree(o.path, org) and o.pk != org.pk),
            "members": sum(1 for m in Member.objects.select_related("org")
                           if in_subtree(m.org.path, org) and m.pk in visible_members),
        }
        for url in (reverse("orgs:detail", args=[org.pk]), reverse("orgs:node", args=[org.pk])):
            assert client.get(url).context["counts"][org.pk] == expected, (url, org.code)


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_api_lists_hold_exactly_the_oracle_rows_with_and_without_within(world, persona):
    client = api_client(persona)
    visible_orgs = oracle_orgs(world, persona)
    visible_members = oracle_members(world, persona)
    assert api_ids(client.get("/api/v1/orgs", {"limit": 200})) == visible_orgs
    assert api_ids(client.get("/api/v1/members", {"limit": 200})) == visible_members
    for org in Org.objects.all():
        for url, expected in (
            ("/api/v1/orgs", {o.pk for o in Org.objects.all() if in_subtree(o.path, org)} & visible_orgs),
            ("/api/v1/members", {m.pk for m in Member.objects.select_related("org")
                                 if in_subtree(m.org.path, org)} & visible_members),
        ):
            response = client.get(url, {"within": org.code})
            if org.pk in visible_orgs:
                assert api_ids(response) == expected, (url, org.code)
            else:
                assert response.status_code == 422, (url, org.code)
                assert "items" not in response.json()
    for key, member in world.members.items():
        response = client.post("/api/v1/members/lookup", {"id_number": ID_NUMBERS[key]},
                               content_type="application/json")
        if member.pk in visible_members:
            assert response.status_code == 200 and response.json()["id"] == member.pk
        else:
            assert response.status_code == 404


def test_district_admin_naming_the_other_district_in_within_gets_nothing_and_no_error(world):
    client = world.client("a_admin")
    for value in (world.district_b.code, str(world.district_b.pk), world.branch_b1.code):
        for name in ("members:list", "orgs:list"):
            response = client.get(reverse(name), {"within": value})
            assert response.status_code == 200
            assert list(response.context["page"].object_list) == []
            assert "组织不存在或不在您的管理范围内" in response.content.decode()
        rows = csv_rows(client.get(reverse("members:list"), {"within": value, "export": "csv"}))
        assert rows == []
    api = api_client("a_admin")
    for url in ("/api/v1/orgs", "/api/v1/members"):
        response = api.get(url, {"within": world.district_b.code})
        assert response.status_code == 422
        assert "不在您的管理范围内" in response.json()["errors"][0]["msg"]


def test_within_treats_an_out_of_scope_org_exactly_like_a_missing_one(world):
    """The filter must not reveal that an org exists outside the scope."""
    client = world.client("a_admin")
    foreign = client.get(reverse("members:list"), {"within": world.district_b.code})
    missing = client.get(reverse("members:list"), {"within": "NOSUCHORG"})
    assert foreign.context["filterset"].errors == missing.context["filterset"].errors


# --- dropdowns --------------------------------------------------------------------------------


def _options(response) -> set[int]:
    assert response.status_code == 200
    return {int(v) for v in re.findall(r'<option value="(\d+)"', response.content.decode())}


def test_move_form_offers_only_new_parents_inside_the_users_scope(world):
    offered = _options(world.client("a_admin").get(reverse("orgs:move", args=[world.branch_a2.pk])))
    assert offered
    assert offered <= oracle_orgs(world, "a_admin", "org.move")
    for foreign in (world.city, world.district_b, world.branch_b1):
        assert foreign.pk not in offered
    # Neither the org itself nor its subtree is offered.
    assert world.branch_a2.pk not in offered


def test_move_form_offers_the_other_district_to_the_city_admin(world):
    offered = _options(world.client("city_admin").get(reverse("orgs:move", args=[world.branch_a2.pk])))
    assert world.district_b.pk in offered


# --- write side (S2) --------------------------------------------------------------------------


def test_district_admin_cannot_move_an_org_into_the_other_district(world):
    before = tree_state()
    response = world.client("a_admin").post(reverse("orgs:move", args=[world.branch_a2.pk]), {
        "new_parent": world.district_b.pk, "reason": "调整", "changed_on": "2024-01-01",
    })
    assert response.status_code == 200  # the form refuses: not an offered choice
    assert response.context["form"].errors["new_parent"]
    assert tree_state() == before
    with pytest.raises(NotFound):
        services.org_move(actor=world.users["a_admin"], org=world.branch_a2,
                          new_parent=world.district_b, reason="调整")
    assert tree_state() == before


def test_district_admin_cannot_move_the_other_districts_org_into_their_own(world):
    before = tree_state()
    response = world.client("a_admin").post(reverse("orgs:move", args=[world.branch_b1.pk]), {
        "new_parent": world.street_a.pk, "reason": "调整", "changed_on": "2024-01-01",
    })
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.org_move(actor=world.users["a_admin"], org=world.branch_b1,
                          new_parent=world.street_a, reason="调整")
    assert tree_state() == before


def test_district_admin_cannot_create_a_child_under_the_other_district(world):
    before = tree_state()
    response = world.client("a_admin").post(reverse("orgs:create", args=[world.district_b.pk]), {
        "name": "越权党支部", "code": "HX99", "kind": "branch", "level": "unit", "founded": "2020-01-01",
    })
    assert response.status_code == 404
    assert tree_state() == before
    assert not Org.objects.filter(code="HX99").exists()


def test_secretary_cannot_move_orgs(world):
    before = tree_state()
    client = world.client("secretary")
    for org, new_parent in ((world.branch_a1, world.district_a), (world.group_a1, world.branch_a2)):
        response = client.post(reverse("orgs:move", args=[org.pk]), {
            "new_parent": new_parent.pk, "reason": "调整", "changed_on": "2024-01-01",
        })
        assert response.status_code == 404
        with pytest.raises(NotFound):
            services.org_move(actor=world.users["secretary"], org=org, new_parent=new_parent,
                              reason="调整")
    assert tree_state() == before


def test_other_district_admin_cannot_edit_or_start_a_term_in_district_a(world):
    before = tree_state()
    client = world.client("b_admin")
    response = client.post(reverse("orgs:edit", args=[world.branch_a1.pk]), {
        "name": "改名", "code": "HP01B01", "kind": "branch", "level": "unit", "founded": "2000-01-01",
    })
    assert response.status_code == 404
    response = client.post(reverse("orgs:term_create", args=[world.branch_a1.pk]), {
        "started": "2024-01-01", "secretary": "某人",
    })
    assert response.status_code == 404
    assert tree_state() == before


def test_in_scope_move_succeeds_so_the_refusals_above_are_not_vacuous(world):
    response = world.client("a_admin").post(reverse("orgs:move", args=[world.branch_a2.pk]), {
        "new_parent": world.district_a.pk, "reason": "调整", "changed_on": "2024-01-01",
    })
    assert response.status_code == 302
    world.branch_a2.refresh_from_db()
    assert Org.objects.get_parent(world.branch_a2) == world.district_a


# --- pages without an org or member id ---------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_system_pages_answer_only_their_own_role(world, persona):
    client = world.client(persona)
    for name, allowed in SYSTEM_PAGES.items():
        args = [world.users["outsider"].pk] if name == "accounts:user_detail" else []
        status = client.get(reverse(name, args=args)).status_code
        assert status == (200 if persona in allowed else 404), name


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "secadmin"])
def test_account_writes_are_404_to_everyone_but_the_security_admin(world, persona):
    client = world.client(persona)
    target = world.users["outsider"]
    grant = Grant.objects.get(user=world.users["a_admin"])
    assert client.post(reverse("accounts:user_set_active", args=[target.pk]),
                       {"active": "0"}).status_code == 404
    assert client.post(reverse("accounts:grant_remove", args=[grant.pk])).status_code == 404
    assert User.objects.get(pk=target.pk).is_active
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_security_admin_reaches_the_account_writes(world):
    client = world.client("secadmin")
    target = world.users["outsider"]
    response = client.post(reverse("accounts:user_set_active", args=[target.pk]), {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active


def test_logout_on_the_web_and_the_api(world):
    response = world.client("a_admin").post(reverse("accounts:logout"))
    assert response.status_code == 302
    client = api_client("a_admin")
    assert client.post(reverse("api:token_delete")).status_code == 200
    assert client.get("/api/v1/orgs").status_code == 401
    assert Client().post(reverse("api:token_delete")).status_code == 401


def test_public_urls_answer_without_login(db):
    client = Client()
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("api:openapi-json")).status_code == 200
    assert client.get(reverse("api:openapi-view")).status_code == 200
    assert client.get(reverse("api:api-root")).status_code == 404  # nothing at the bare prefix


# --- the meta-test ----------------------------------------------------------------------------


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_pattern_is_in_the_scope_matrix_or_explicitly_public():
    covered = (set(ORG_PAGES) | set(MEMBER_PAGES) | set(ARCHIVE_PAGES) | set(API_ORG_URLS) | set(API_MEMBER_URLS)
               | set(API_MEMBER_WRITES)
               | LIST_URLS | set(SYSTEM_PAGES) | SYSTEM_POSTS | TRANSFER_URLS | IMPORT_URLS | ARCHIVE_API_URLS
               | CARE_URLS | CERTIFICATE_URLS | IMPORT_API_URLS | RECRUITMENT_URLS | PORTAL_URLS
               | CHANNEL_GRANT_URLS | ORGLIFE_URLS | INSIGHTS_URLS | EXAMS_URLS | TRAINING_URLS | PLEDGES_URLS | POINTS_URLS | COMMUNITY_URLS | ORDERS_URLS | NOTIFICATION_URLS | DUES_URLS | LEARNING_URLS | LIBRARY_URLS
               | REGIONAL_URLS | VILLAGE_URLS | COBUILDING_URLS | OVERSIGHT_URLS | BULLETIN_URLS | LAGGING_URLS
               | SOE_URLS | REVIEWS_URLS | FIVEGOOD_URLS)
    names = set(_url_names(get_resolver().url_patterns))
    uncovered = names - covered - PUBLIC
    assert uncovered == set(), f"views without scope tests: {sorted(uncovered)}"
    # And the matrix names nothing that no longer exists.
    assert (covered | PUBLIC) - names == set()


def test_huge_ids_in_page_urls_are_404_not_errors(world):
    client = world.client("city_admin")
    huge = "99999999999999999999999"
    for url in [f"/orgs/{huge}/", f"/orgs/{huge}/node/?open=1", f"/orgs/{huge}/edit/",
                f"/orgs/{huge}/move/", f"/orgs/{huge}/new-child/", f"/orgs/{huge}/terms/new/",
                f"/members/{huge}/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/members/{huge}/unmask/").status_code == 404


def test_a_single_top_org_is_shown_open_with_its_children(world):
    """A district's admin has one top org: the tree shows its children at once, not one lone row."""
    response = world.client("a_admin").get(reverse("orgs:tree"))
    district = world.district_a
    children = list(Org.objects.filter(path__startswith=district.path, depth=district.depth + 1))
    assert children
    body = response.content.decode()
    assert 'aria-expanded="true"' in body
    for child in children:
        assert f'href="/orgs/{child.pk}/"' in body, child.code
