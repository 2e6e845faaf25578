"""Forms across the platform: dates reach the browser as ISO values of a date input, and every
form is laid out by one renderer (core.forms.FormRenderer)."""

import importlib
import pkgutil
import re
from datetime import date
from pathlib import Path

import django_filters
from django import forms
from django.utils import translation

from core.forms import DateField

PROJECT_APPS = ["core", "accounts", "orgs", "members", "transfers", "care", "recruitment", "portal", "orglife",
                "reviews", "fivegood", "soe"]
ROOT = Path(__file__).resolve().parents[2]


def project_modules():
    """Every module of the project's apps but tests and migrations, imported."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ours(cls) -> bool:
    return any(klass.__module__.split(".")[0] in PROJECT_APPS and ".tests" not in klass.__module__
               for klass in cls.__mro__)


def project_form_classes():
    """Every form class of the project (ModelForms made by modelform_factory included)."""
    list(project_modules())
    return sorted({cls for cls in _subclasses(forms.BaseForm) if _ours(cls)}, key=lambda c: c.__qualname__)


def project_filtersets():
    list(project_modules())
    return sorted({cls for cls in _subclasses(django_filters.FilterSet) if _ours(cls)},
                  key=lambda c: c.__qualname__)


def date_fields(form_class):
    return {name: field for name, field in form_class.base_fields.items() if isinstance(field, forms.DateField)}


DAY = date(2026, 12, 3)  # the zh-hans input format would show 2026/12/03, which <input type=date> drops


def assert_iso_date_input(where: str, name: str, field: forms.DateField):
    with translation.override("zh-hans"):
        html = field.widget.render(name, DAY)
    kind = re.search(r'type="(\w+)"', html).group(1)
    expected = {"date": "2026-12-03", "month": "2026-12"}
    assert kind in expected, f"{where}.{name} renders <input type={kind}>: use core.forms.DateField"
    assert f'value="{expected[kind]}"' in html, f"{where}.{name} renders {html}: not an ISO value"


def test_the_walk_finds_the_forms_of_every_module():
    names = {cls.__qualname__ for cls in project_form_classes()}
    assert {"OrgForm", "MemberForm", "ArticleForm", "LetterIssueForm", "StepForm", "MeetingForm",
            "CareVisitEditForm", "CalendarDayForm"} <= names


def test_every_form_renders_its_date_fields_as_iso_date_inputs():
    checked = 0
    for form_class in project_form_classes():
        for name, field in date_fields(form_class).items():
            assert_iso_date_input(f"{form_class.__module__}.{form_class.__qualname__}", name, field)
            checked += 1
    assert checked > 30


def test_every_filter_panel_renders_its_date_fields_as_iso_date_inputs():
    checked = 0
    for filterset in project_filtersets():
        for name, filter_ in filterset.base_filters.items():
            if isinstance(filter_, django_filters.DateFilter):
                assert_iso_date_input(filterset.__qualname__, name, filter_.field)
                checked += 1
    assert checked >= 4


def test_a_plain_date_input_renders_iso_in_the_chinese_locale_too():
    """The safety net under the widget: the locale's first input format is ISO, so a date input
    built without core.forms.DateInput (a library's) still keeps its value."""
    with translation.override("zh-hans"):
        assert 'value="2026-12-03"' in forms.DateInput().render("d", DAY)
        assert forms.DateField().clean("2026/12/03") == DAY  # the old spelling is still read


class _Sample(forms.Form):
    name = forms.CharField(label="姓名", help_text="与身份证一致")
    joined = DateField(label="入党日期")
    agree = forms.BooleanField(label="确认", required=False)


def test_a_wrong_field_points_at_its_help_and_its_error_and_is_marked_invalid():
    html = str(_Sample(data={"name": "", "joined": "2026-02-30"}))
    assert re.search(r'<input type="text" name="name"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_joined_error"' in html and 'id="id_joined_error"' in html
    assert html.count('class="req"') == 2  # the two required fields, not the optional checkbox


def test_a_correct_form_has_no_invalid_mark_and_labels_every_field():
    html = str(_Sample())
    assert "aria-invalid" not in html
    for field_id in ("id_name", "id_joined", "id_agree"):
        assert re.search(rf'<label[^>]*(for="{field_id}"|class="check")', html)


FIELD_LOOP = re.compile(r"{%\s*for\s+\w+\s+in\s+form\s*%}")


def test_no_template_lays_out_form_fields_by_hand():
    """One renderer (core/templates/core/forms/): a template writes {{ form }}, not its own loop.
    (The lists' filter panel, a row of inline filters, keeps its own.)"""
    loops = [str(path.relative_to(ROOT)) for path in ROOT.glob("*/templates/**/*.html")
             if FIELD_LOOP.search(path.read_text()) and "core/forms/" not in str(path)]
    assert loops == [], "lay these forms out with {{ form }} (core.forms.FormRenderer)"


def test_a_required_choice_with_one_option_comes_preselected_without_the_empty_option(world):
    from orgs.models import Org

    class Pick(forms.Form):
        org = forms.ModelChoiceField(label="党组织", queryset=Org.objects.filter(pk=world.branch_a1.pk))
        kind = forms.ChoiceField(label="类别", choices=[("", "—"), ("branch", "支部党员大会")])
        many = forms.ModelChoiceField(label="多个", queryset=Org.objects.all())
        optional = forms.ModelChoiceField(label="可选", queryset=Org.objects.filter(pk=world.branch_a1.pk),
                                          required=False)

    html = str(Pick())
    assert f'<option value="{world.branch_a1.pk}" selected>' in html
    assert '<option value="branch" selected>' in html and "—" not in html
    assert html.count("---------") == 2  # the field with several options and the optional one keep it
    assert Pick(data={"org": world.branch_a1.pk, "kind": "branch", "many": world.city.pk}).is_valid()


def test_the_secretarys_own_branch_is_preselected_on_the_application_form(world):
    html = world.client("secretary").get("/recruitment/new/").content.decode()
    assert f'<option value="{world.branch_a1.pk}" selected>' in html
    assert "---------" not in html.split('name="org"')[1].split("</select>")[0]


def test_every_form_with_a_date_has_a_case_in_the_browser_round_trip():
    """core/tests/test_browser_dates.py opens each such form in Chromium and saves it unchanged."""
    from core.tests.test_browser_dates import DATE_FORM_CASES

    with_dates = {cls.__qualname__ for cls in project_form_classes() if date_fields(cls)}
    assert with_dates - set(DATE_FORM_CASES) == set(), "add a case for these forms"
    assert set(DATE_FORM_CASES) - with_dates == set(), "these cases name no form with a date"


def test_every_table_header_says_what_it_heads():
    """Screen readers announce a cell with its header when the header has a scope."""
    bare = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in ROOT.glob("*/templates/**/*.html")
            for m in re.finditer(r"<th\b[^>]*>", path.read_text()) if "scope=" not in m.group(0)]
    assert bare == []


def test_every_signed_in_page_starts_with_a_link_past_the_menu(world):
    body = world.client("secretary").get("/").content.decode()
    assert body.index('<a class="skip-link" href="#main">') < body.index('<nav class="sidenav"')
    assert '<main class="content" id="main">' in body
