"""Headless Chromium: a district admin uploads a roster with bad rows, reads the preview and the
error report, fixes the file, uploads it again, commits, and finds the members in the list.

Screenshots land in test-artifacts/ (desktop and phone) for a person to look at."""

import csv
import io

import pytest
from openpyxl import load_workbook

from dangjian.browser_testing import ARTIFACTS, BROWSER_MARKS, VIEWPORTS, login, shot
from members.models import Member
from members.tests.test_import import person, xlsx

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_roster_with_bad_rows_is_fixed_and_imported(live_server, browser_world, browser, viewport, tmp_path):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "a_admin")

    rows = [person(1), person(2, 性别="女"), person(3, 所在党组织="HX01B01"), person(4)]
    bad = tmp_path / "花名册.xlsx"
    bad.write_bytes(xlsx(rows))
    page.goto(f"{base}/members/")
    page.click("text=导入花名册")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button:text('上传并预览')")
    # Tests run tasks at once: the check is done when the page loads (members/tests/test_tasks.py
    # covers the worker and the waiting page).
    page.wait_for_selector("#batch-summary", timeout=15_000)
    summary = page.locator("#batch-summary").inner_text()
    assert "共 4 行" in summary and "有错误 2 行" in summary
    assert page.locator("#commit").is_disabled()
    table = page.locator("#outcomes").inner_text()
    assert "性别“女”与身份证号不一致" in table
    assert "所在党组织“HX01B01”不存在或不在您的管理范围内" in table
    shot(page, f"import-errors-{viewport}", folder=ARTIFACTS)

    with page.expect_download() as info:
        page.click("#error-report")
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True).worksheets[0]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["行号", "姓名", "身份证号", "问题"]
    assert [line[:2] for line in lines[1:]] == [[3, "刘洋2"], [4, "刘洋3"]]
    with page.expect_download() as info:
        page.click("#error-report-csv")
    report = info.value.path().read_text(encoding="utf-8-sig")
    assert [line[:2] for line in csv.reader(io.StringIO(report))][1:] == [["3", "刘洋2"], ["4", "刘洋3"]]

    rows[1]["性别"], rows[2]["所在党组织"] = "男", "HP01B01"
    fixed = tmp_path / "花名册-修正.xlsx"
    fixed.write_bytes(xlsx(rows))
    page.goto(f"{base}/members/import/")
    page.set_input_files("input[name=file]", str(fixed))
    page.click("button:text('上传并预览')")
    page.wait_for_selector("#batch-summary", timeout=15_000)
    assert "有错误 0 行" in page.locator("#batch-summary").inner_text()
    assert page.locator("#commit").is_enabled()
    shot(page, f"import-preview-{viewport}", folder=ARTIFACTS)
    page.click("#commit")
    page.wait_for_selector("text=导入完成：新建 4 名，更新 0 名党员")
    shot(page, f"import-done-{viewport}", folder=ARTIFACTS)

    page.goto(f"{base}/members/?q=刘洋")
    assert "共 4 人" in page.locator("#list-body").inner_text()
    shot(page, f"import-members-{viewport}", folder=ARTIFACTS)
    assert Member.objects.filter(name__startswith="刘洋").count() == 4
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
