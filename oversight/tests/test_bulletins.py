"""The quarterly bulletin (季度通报): its figures are the modules' own counts for the same scope and
period (crafted records in every module, through their services); ranks share places on equal
figures; a draft's words are edited, its figures are not; a published bulletin no longer changes;
a quarter not yet begun is refused; the portal's 党务公开 gets the text when asked; the .docx and
PDF open. Pages and API: in scope they answer, out of scope 404 (``SCOPE_TESTED``)."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import selectors as community_selectors
from core.audit import AuditEntry
from core.registry import BulletinPart
from dangjian.testing import api_client, refusal_text
from learning import rules as learning_rules
from learning import selectors as learning_selectors
from learning.tests.test_hours import study
from members.models import ACTIVE_STATUSES, Member
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.test_orders import make_setup as make_order_setup
from orders.tests.test_orders import place
from orglife import rules as orglife_rules
from orglife import selectors as orglife_selectors
from orglife.models import MeetingKind
from orglife.tests.helpers import record
from oversight import bulletins, rules, selectors, services
from oversight.models import Bulletin, BulletinState, ItemState, RectificationItem
from oversight.tests.test_oversight import add_item, start_inspection
from portal.models import Article
from recruitment import selectors as recruitment_selectors
from recruitment.tests.helpers import id_number, open_case

pytestmark = pytest.mark.django_db

PAGES = {"oversight:bulletins", "oversight:bulletin_new", "oversight:bulletin", "oversight:bulletin_edit",
         "oversight:bulletin_regenerate", "oversight:bulletin_publish", "oversight:bulletin_file"}
API = {"api:oversight_bulletins", "api:oversight_bulletin", "api:oversight_bulletin_generate",
       "api:oversight_bulletin_edit", "api:oversight_bulletin_publish"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/oversight/bulletins"


def this_quarter():
    return bulletins.quarter_of(timezone.localdate())


def generate(world, org=None, actor="city_admin", **kwargs):
    year, quarter = kwargs.pop("year", None), kwargs.pop("quarter", None)
    if year is None:
        year, quarter = this_quarter()
    return services.bulletin_generate(actor=world.users[actor], org=org or world.city, year=year, quarter=quarter)


def section(bulletin, key) -> dict:
    return next(s for s in bulletin.sections if s["key"] == key)


def row(part: dict, org) -> dict:
    return next(r["figures"] for r in part["rows"] if r["org"] == org.pk)


@pytest.fixture
def records(world):
    """Records in every module this quarter, through their services: a theme day at branch A1; a
    case applied for today at A1 and one from 2022 whose next step is overdue; an hour's study at
    A1 and four at B1; district A's inspection with a problem found at its start (overdue unless the
    half-year began today) and one found today that the branch rectified and the district accepted;
    an order at 朝阳里社区 (street A) done by a checked-in member of a district-B office."""
    today = timezone.localdate()
    record(world, held_on=today, kind=MeetingKind.THEME_DAY)
    open_case(world, applied=today, name="王小明")
    open_case(world, number=id_number(seq=13), name="刘洋")  # applied 2022: its next step is overdue
    article = _article(world)
    study(world, article, "a1_member", learning_rules.SECONDS_PER_HOUR)
    study(world, article, "b1_member", 4 * learning_rules.SECONDS_PER_HOUR)
    half_start = today.replace(month=1 if today.month <= 6 else 7, day=1)
    inspection = start_inspection(world, started_on=half_start, notice="announced")
    add_item(world, inspection, found_on=half_start, deadline=half_start + timedelta(days=1))
    done = add_item(world, inspection, problem="党员教育管理台账缺失")
    services.evidence_submit(actor=world.users["secretary"], item=done, text="已建立台账")
    services.evidence_accept(actor=world.users["a_admin"], item=done)
    setup = make_order_setup(world)
    order = place(setup)
    order = orders_services.order_dispatch(actor=setup["admin"], order=order, checkin=setup["checkin"])
    order = orders_services.order_accept(actor=setup["cadre"], order=order)
    orders_services.order_complete(actor=setup["cadre"], order=order, hours="2", result="已陪同复查")
    return {"today": today, "setup": setup}


def _article(world):
    from learning import services as learning_services
    from learning.models import ItemKind

    course = learning_services.course_create(actor=world.users["city_admin"], org=world.city, title="学习党章",
                                             required_for="all", year=timezone.localdate().year)
    return learning_services.item_add(actor=world.users["city_admin"], course=course, kind=ItemKind.ARTICLE,
                                      title="第一讲", seconds=600, body="正文")


def test_the_bulletins_figures_are_the_modules_own_counts(world, records):
    today = records["today"]
    bulletin = generate(world)
    start, end = bulletins.quarter_bounds(*this_quarter())
    districts = [world.district_a, world.district_b]
    assert [s["key"] for s in bulletin.sections] == ["orglife", "recruitment", "learning", "oversight", "soe",
                                                     "community", "orders"]  # soe's: soe/tests/test_soe.py
    assert [r["org"] for r in section(bulletin, "learning")["rows"]] == [world.district_b.pk, world.district_a.pk]

    # 三会一课: orglife's own roll-up of the quarter's last month, as of today.
    tallies = {t.org.pk: t for t in orglife_selectors.rollup(world.city, month=end.replace(day=1), today=today).children}
    for district in districts:
        tally = tallies[district.pk]
        assert row(section(bulletin, "orglife"), district) == {
            "holders": tally.holders, "rate": tally.rate, "red": tally.counts[orglife_rules.RED]}
    assert tallies[world.district_a.pk].holders > 0

    # 发展党员: recruitment's own warning roll-up, and the applications of the quarter.
    warned = dict(recruitment_selectors.warning_rollup(world.city, world.users["city_admin"], today)["children"])
    part = section(bulletin, "recruitment")
    assert row(part, world.district_a)["red"] == warned[world.district_a].get("red", 0) == 1
    assert row(part, world.district_a)["applied"] == 1 and row(part, world.district_b)["applied"] == 0
    assert part["total"]["red"] == 1

    # 在线学习: learning's own hours per child; the active members counted in the archive.
    hours = dict(learning_selectors.children_hours(world.city, districts, today.year))
    part = section(bulletin, "learning")
    for district, studied in ((world.district_a, 1), (world.district_b, 4)):
        members = Member.objects.filter(org__path__startswith=district.path, status__in=ACTIVE_STATUSES).count()
        assert hours[district] == studied
        assert row(part, district) == {"hours": studied, "members": members, "per_member": round(studied / members, 1)}
    assert part["total"]["hours"] == 5.0

    # 巡查整改: the ledger counted directly; the module's open count for today.
    part = section(bulletin, "oversight")
    items = RectificationItem.objects.filter(org__path__startswith=world.district_a.path)
    assert row(part, world.district_a)["opened"] == items.filter(found_on__range=(start, end)).count()
    assert row(part, world.district_a)["closed"] == items.filter(state=ItemState.CLOSED).count() == 1
    live = selectors.open_counts(world.users["city_admin"], [world.district_a])[world.district_a.pk]
    assert row(part, world.district_a)["open"] == live["open"] == 1
    assert row(part, world.district_a)["overdue"] == live["overdue"]
    assert row(part, world.district_b) == {"opened": 0, "closed": 0, "open": 0, "overdue": 0}

    # 报到和服务, 群众点单: the modules' own counts of the community side.
    for district in districts:
        own = community_selectors.counts(district, "community", start, end)
        assert row(section(bulletin, "community"), district) == own
        orders = orders_selectors.counts(district, start, end)
        assert row(section(bulletin, "orders"), district)["ordered"] == orders["ordered"]
        assert row(section(bulletin, "orders"), district)["done"] == orders["done"]
    assert row(section(bulletin, "community"), world.district_a)["records"] == 1
    assert row(section(bulletin, "orders"), world.district_a) == {"ordered": 1, "done": 1, "rate": 100,
                                                                  "average": None}


def test_equal_figures_share_a_rank_and_missing_ones_come_last(world):
    orgs = [world.district_a, world.district_b, world.street_a, world.branch_a1]
    part = BulletinPart(columns=[("x", "X")], rows={orgs[0].pk: {"x": 5}, orgs[1].pk: {"x": None},
                                                    orgs[2].pk: {"x": 5}, orgs[3].pk: {"x": 9}},
                        total={"x": 19}, basis="", text="", rank_by="x", higher_better=True)
    ranked = bulletins.ranked(part, orgs)
    assert [(r["org"], r["rank"]) for r in ranked] == [(orgs[3].pk, 1), (orgs[0].pk, 2), (orgs[2].pk, 2),
                                                       (orgs[1].pk, None)]
    lower = BulletinPart(**{**part.__dict__, "higher_better": False})
    assert [r["rank"] for r in bulletins.ranked(lower, orgs)] == [1, 1, 3, None]


def test_quarter_bounds():
    assert bulletins.quarter_bounds(2026, 1) == (timezone.datetime(2026, 1, 1).date(), timezone.datetime(2026, 3, 31).date())
    assert bulletins.quarter_bounds(2026, 4)[1] == timezone.datetime(2026, 12, 31).date()
    assert bulletins.last_quarter(timezone.datetime(2026, 2, 3).date()) == (2025, 4)


def test_a_draft_is_edited_in_words_and_published_once(world, records):
    bulletin = generate(world)
    figures = [s["rows"] for s in bulletin.sections]
    admin = world.users["city_admin"]
    bulletin = services.bulletin_edit(actor=admin, bulletin=bulletin, title="关于第四季度基层党建工作的通报",
                                      intro="导语", closing="要求", texts={"orglife": "三会一课落实较好。"})
    assert section(bulletin, "orglife")["text"] == "三会一课落实较好。"
    assert [s["rows"] for s in bulletin.sections] == figures
    with pytest.raises(ValidationError, match="通报中没有这些部分"):
        services.bulletin_edit(actor=admin, bulletin=bulletin, title="标题", texts={"figures": "改数据"})
    with pytest.raises(ValidationError, match="请填写"):
        services.bulletin_edit(actor=admin, bulletin=bulletin, title="标题", texts={"orglife": "  "})
    # Regenerating a draft counts again and keeps the title, opening and requirements.
    again = generate(world)
    assert again.pk == bulletin.pk and (again.title, again.intro, again.closing) == (bulletin.title, "导语", "要求")
    published = services.bulletin_publish(actor=admin, bulletin=again)
    assert published.state == BulletinState.PUBLISHED and published.published_by == admin
    entries = AuditEntry.objects.count()
    for refused in (lambda: generate(world),
                    lambda: services.bulletin_edit(actor=admin, bulletin=published, title="改"),
                    lambda: services.bulletin_publish(actor=admin, bulletin=published)):
        with pytest.raises(ValidationError, match=rules.BULLETIN_PUBLISHED):
            refused()
    published.refresh_from_db()
    assert published.title == "关于第四季度基层党建工作的通报" and AuditEntry.objects.count() == entries


def test_a_quarter_not_yet_begun_is_refused_and_nothing_written(world):
    year, quarter = this_quarter()
    year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    with pytest.raises(ValidationError, match="尚未开始"):
        generate(world, year=year, quarter=quarter)
    with pytest.raises(ValidationError, match="第一至第四季度"):
        generate(world, year=year, quarter=5)
    assert not Bulletin.objects.exists()


def test_an_org_outside_the_users_subtree_is_not_found(world):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        generate(world, org=world.district_b, actor="a_admin")
    assert not Bulletin.objects.exists()


def test_publishing_on_the_portal_needs_its_disclosure_channel(world, records):
    from portal.services import channel_create

    bulletin = generate(world)
    admin = world.users["city_admin"]
    with pytest.raises(ValidationError, match="没有党务公开栏目"):
        services.bulletin_publish(actor=admin, bulletin=bulletin, on_portal=True)
    bulletin.refresh_from_db()
    assert bulletin.draft
    channel_create(name="党务公开", code="disclosure", slug="dangwu", kind="disclosure")
    services.bulletin_publish(actor=admin, bulletin=bulletin, on_portal=True)
    article = Article.objects.get(external_key=f"oversight:bulletin:{bulletin.pk}")
    assert article.title == bulletin.title and article.channel.code == "disclosure"
    assert section(bulletin, "orders")["text"][:10] in article.body


def test_the_files_open(world, records):
    from docx import Document

    bulletin = generate(world)
    document = Document(io.BytesIO(bulletins.docx_bytes(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert bulletin.title in text and section(bulletin, "learning")["text"] in text
    cells = {cell.text for table in document.tables for r in table.rows for cell in r.cells}
    assert world.district_a.name in cells and "合计" in cells
    assert bulletins.pdf_bytes(bulletin).startswith(b"%PDF")


# --- pages and API ---------------------------------------------------------------------------------------

@pytest.fixture
def drafts(world):
    """District A's draft and district B's draft for this quarter."""
    return {"a": generate(world, org=world.district_a, actor="a_admin"),
            "b": generate(world, org=world.district_b, actor="b_admin")}


def object_urls(bulletin) -> dict[str, str]:
    return {"oversight:bulletin": reverse("oversight:bulletin", args=[bulletin.pk]),
            "oversight:bulletin_edit": reverse("oversight:bulletin_edit", args=[bulletin.pk]),
            "oversight:bulletin_regenerate": reverse("oversight:bulletin_regenerate", args=[bulletin.pk]),
            "oversight:bulletin_publish": reverse("oversight:bulletin_publish", args=[bulletin.pk]),
            "oversight:bulletin_file": reverse("oversight:bulletin_file", args=[bulletin.pk, "docx"])}


def test_pages_in_scope_answer_and_out_of_scope_404(world, drafts):
    a_admin, b_admin = Client(), Client()
    a_admin.force_login(world.users["a_admin"])
    b_admin.force_login(world.users["b_admin"])
    for name, url in object_urls(drafts["a"]).items():
        assert a_admin.get(url).status_code == 200, name
        assert b_admin.get(url).status_code == 404, name
        assert Client().get(url).status_code == 302, name
    assert a_admin.get(reverse("oversight:bulletin_file", args=[drafts["a"].pk, "pdf"]))["Content-Type"] == \
        "application/pdf"
    assert a_admin.get(reverse("oversight:bulletin_file", args=[drafts["a"].pk, "xls"])).status_code == 404
    listed = a_admin.get(reverse("oversight:bulletins")).content.decode()
    assert drafts["a"].title in listed and drafts["b"].title not in listed
    assert a_admin.get(reverse("oversight:bulletin_new") + f"?org={world.district_a.code}").status_code == 200
    assert a_admin.get(reverse("oversight:bulletin_new") + f"?org={world.district_b.code}").status_code == 404
    # Out of scope, a write changes nothing.
    assert b_admin.post(object_urls(drafts["a"])["oversight:bulletin_publish"], {}).status_code == 404
    drafts["a"].refresh_from_db()
    assert drafts["a"].draft


def test_the_pages_edit_and_publish_a_draft(world, drafts):
    client = Client()
    client.force_login(world.users["a_admin"])
    bulletin = drafts["a"]
    urls = object_urls(bulletin)
    data = {"title": "和平区季度通报", "intro": "导语", "closing": "",
            **{f"text_{s['key']}": s["text"] for s in bulletin.sections}}
    assert client.post(urls["oversight:bulletin_edit"], {**data, "title": ""}).status_code == 200
    bulletin.refresh_from_db()
    assert bulletin.title != "和平区季度通报"
    assert client.post(urls["oversight:bulletin_edit"], data).status_code == 302
    assert client.post(urls["oversight:bulletin_publish"], {}).status_code == 302
    bulletin.refresh_from_db()
    assert (bulletin.title, bulletin.state) == ("和平区季度通报", BulletinState.PUBLISHED)
    response = client.post(urls["oversight:bulletin_edit"], {**data, "title": "再改"})
    assert response.status_code == 200 and rules.BULLETIN_PUBLISHED in response.content.decode()
    page = client.get(urls["oversight:bulletin"]).content.decode()
    assert "已印发" in page and 'id="edit-bulletin"' not in page


def test_the_api_generates_edits_publishes_and_hides_other_subtrees(world, drafts):
    year, quarter = this_quarter()
    a_api, b_api = api_client("a_admin"), api_client("b_admin")
    listed = a_api.get(BASE).json()["items"]
    assert [b["id"] for b in listed] == [drafts["a"].pk]
    detail = a_api.get(f"{BASE}/{drafts['a'].pk}").json()
    assert [s["key"] for s in detail["sections"]][0] == "orglife"
    assert b_api.get(f"{BASE}/{drafts['a'].pk}").status_code == 404
    assert b_api.put(f"{BASE}/{drafts['a'].pk}", {"title": "改"}, content_type="application/json").status_code == 404
    assert b_api.post(f"{BASE}/{drafts['a'].pk}/publish", {}, content_type="application/json").status_code == 404
    assert b_api.post(BASE, {"org_id": world.district_a.pk, "year": year, "quarter": quarter},
                      content_type="application/json").status_code == 404
    again = a_api.post(BASE, {"org_id": world.district_a.pk, "year": year, "quarter": quarter},
                       content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == drafts["a"].pk
    edited = a_api.put(f"{BASE}/{drafts['a'].pk}", {"title": "和平区通报", "texts": {"orders": "点单服务平稳。"}},
                       content_type="application/json")
    assert edited.status_code == 200
    assert next(s for s in edited.json()["sections"] if s["key"] == "orders")["text"] == "点单服务平稳。"
    refused = a_api.put(f"{BASE}/{drafts['a'].pk}", {"title": "和平区通报", "texts": {"nope": "x"}},
                        content_type="application/json")
    assert refused.status_code == 422 and "没有这些部分" in refusal_text(refused)
    published = a_api.post(f"{BASE}/{drafts['a'].pk}/publish", {}, content_type="application/json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert a_api.post(f"{BASE}/{drafts['a'].pk}/publish", {}, content_type="application/json").status_code == 422


def test_the_compliance_section_is_counted_now_not_read_from_the_pages_cache(world, settings, monkeypatch):
    """The compliance pages keep a city's roll-up a minute (settings.ROLLUP_CACHE_SECONDS); a
    bulletin is a document and counts it afresh."""
    from django.core.cache import cache

    settings.ROLLUP_CACHE_SECONDS = 600
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: asked.append(str(key)) or real_get(key, *args,
                                                                                                        **kwargs))
    generate(world)
    assert not [key for key in asked if key.startswith("orglife.rollups")]
    orglife_selectors.rollup(world.city, month=timezone.localdate().replace(day=1))  # a page's read
    assert [key for key in asked if key.startswith("orglife.rollups")]
