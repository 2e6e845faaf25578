"""花名册打印: the branch roster page (columns, masking, scope) and its print layout, rendered
to PDF by headless Chromium: A4 landscape, the expected number of pages, header on each."""

import random
import re
from datetime import date

import pytest
from django.urls import reverse

from dangjian.browser_testing import ARTIFACTS, NEEDS_CHROMIUM, VIEWPORTS, login, shot
from dangjian.testing import make_world
from members.demo import random_id_number, random_name
from members.models import Member, MemberStatus


def add_members(org, count: int, *, seed: int = 7) -> None:
    """``count`` active members in ``org``, through the same setters the services use."""
    rng = random.Random(seed)
    used = set(Member.objects.values_list("id_number_masked", flat=True))
    rows = []
    for i in range(count):
        born = date(1950 + i % 40, 1 + i % 12, 1 + i % 28)
        member = Member(org=org, gender="male" if i % 3 else "female", birth_date=born,
                        status=MemberStatus.FULL, joined=date(born.year + 25, 7, 1),
                        converted=date(born.year + 26, 7, 1), education="bachelor", category="retired")
        member.set_name(random_name(rng))
        member.set_id_number(random_id_number(rng, "120101", born, i % 3 != 0, used))
        member.set_phone(f"139{i:08d}")
        rows.append(member)
    Member.objects.bulk_create(rows)


def test_the_roster_lists_the_orgs_active_members_with_masked_phones(world):
    Member.objects.filter(pk=world.members["a1_secretary"].pk).update(group=world.group_a1)
    member = world.members["a1_member"]
    member.set_phone("13912345678")
    member.save()
    Member.objects.filter(pk=world.members["a2_member"].pk).update(org=world.branch_a1, status=MemberStatus.LEFT)
    response = world.client("secretary").get(reverse("members:roster", args=[world.branch_a1.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for heading in ("姓名", "性别", "民族", "出生日期", "学历", "入党日期", "转正日期", "人员类别", "联系电话", "党小组"):
        assert f">{heading}</th>" in content
    assert "张秀英" in content and "李建国" in content and "第一党小组" in content
    assert "王芳" not in content  # left the party: not on the roster
    assert "139****5678" in content and "13912345678" not in content
    assert not re.search(r"\d{17}[\dX]", content)  # no ID numbers at all


def test_the_roster_is_404_outside_the_users_scope(world):
    assert world.client("b_admin").get(reverse("members:roster", args=[world.branch_a1.pk])).status_code == 404
    assert world.client("member").get(reverse("members:roster", args=[world.branch_a1.pk])).status_code == 404
    assert world.client("city_admin").get("/members/roster/99999999999999999999/").status_code == 404


def test_the_print_button_needs_no_inline_script(world):
    content = world.client("secretary").get(reverse("members:roster", args=[world.branch_a1.pk])).content.decode()
    assert "data-print" in content and "core/print.js" in content
    assert "onclick" not in content
    assert not re.search(r"<script>(?!</script>)", content)


# --- the printed page -----------------------------------------------------------------------

def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_sixty_members_print_on_three_a4_landscape_pages_with_the_header_on_each(
        live_server, transactional_db, browser):
    world = make_world()
    add_members(world.branch_a1, 58)  # with the two personas: 60
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "secretary")
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{live_server.url}{reverse('members:roster', args=[world.branch_a1.pk])}")
    assert page.locator("table.roster tbody tr").count() == 60
    # The print button works under the CSP (script from our origin, no inline handler).
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.printed") is True
    shot(page, "roster-screen", folder=ARTIFACTS)

    pdf = page.pdf(landscape=True, format="A4", print_background=True)
    (ARTIFACTS / "roster.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 3
    # Every page is A4 landscape: 297 x 210 mm, 842 x 595 points (Chromium rounds to 1/100 inch).
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(sizes) == 3
    assert all(abs(float(w) - 842) < 2 and abs(float(h) - 595) < 2 for w, h in sizes)

    # What the paper shows: no navigation, the table alone, its header repeated by the thead.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1032, "height": 703})  # 297 x 210 mm less 12 mm margins
    assert not page.locator(".sidenav").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("[data-print]").is_visible()
    assert page.locator("table.roster thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
    shot(page, "roster-print", folder=ARTIFACTS)
    assert not [e for e in errors if "script" in e], errors
    context.close()
