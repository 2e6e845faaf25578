"""Control characters (issue 21, item 2): ESC or NUL in a name is refused by every form and every
API body with a Chinese message naming the field, and nothing is written; rows that already
hold them (written before the edge refused them) no longer break the exports."""

import importlib
import inspect
import io

import pytest
from django.apps import apps
from django.db import connection
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from core import forms
from core.models import AuditEntry
from members.models import Member
from members.tests.test_archive import NEW_ID, api_client
from recruitment.models import Case
from recruitment.tests.helpers import id_number, open_case

ESC, NUL = "\x1b", "\x00"


def written():
    return Member.objects.count(), Case.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("character", [ESC, NUL])
def test_the_api_refuses_a_control_character_in_a_member_name_and_a_case_name(world, character):
    api = api_client("a_admin")
    before = written()
    response = api.post("/api/v1/members", {
        "org_id": world.branch_a2.pk, "name": f"刘{character}洋", "id_number": NEW_ID, "status": "probationary",
        "joined": "2024-07-01"}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert f"“name”含有不可见的控制字符（U+{ord(character):04X}）" in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "name"]
    response = api.post("/api/v1/recruitment/cases", {
        "org_id": world.branch_a1.pk, "name": f"周{character}敏", "id_number": id_number(seq=91),
        "applied": timezone.localdate().isoformat()}, content_type="application/json")
    assert response.status_code == 422 and "“name”含有不可见的控制字符" in response.json()["detail"]
    assert written() == before


def test_the_api_names_the_field_of_a_control_character_in_a_patch_or_a_nested_value(world):
    api = api_client("a_admin")
    member = world.members["a1_member"]
    response = api.patch(f"/api/v1/members/{member.pk}", {"address": f"和平区{ESC}"}, content_type="application/json")
    assert response.status_code == 422 and "“address”" in response.json()["detail"]
    response = api.post("/api/v1/members", {"org_id": world.branch_a2.pk, "extra": [{"note": NUL}]},
                        content_type="application/json")
    assert response.status_code == 422 and "“extra.0.note”" in response.json()["detail"]


@pytest.mark.parametrize("character", [ESC, NUL])
def test_the_forms_refuse_a_control_character_in_a_member_name_and_a_case_name(world, character):
    member = world.members["a1_member"]
    client = world.client("a_admin")
    before = written(), Member.objects.get(pk=member.pk).name
    response = client.post(reverse("members:edit", args=[member.pk]), {
        "name": f"张{character}秀英", "ethnicity": "汉族", "joined": "2010-07-01", "converted": "2011-07-01",
        "category": "in_service", "status": "full"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [f"含有不可见的控制字符（U+{ord(character):04X}），请删除后再提交"]
    response = client.post(reverse("recruitment:create"), {
        "org": world.branch_a1.pk, "name": f"周{character}敏", "id_number": id_number(seq=92),
        "applied": timezone.localdate().isoformat(), "category": "other", "note": "第一行\n第二行\t"})
    assert list(response.context["form"].errors) == ["name"]
    assert (written(), Member.objects.get(pk=member.pk).name) == before


def test_a_single_line_form_field_refuses_a_tab_and_a_multi_line_one_keeps_it():
    class Sample(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)

    form = Sample({"name": "张\t三", "note": "一\r\n二\t三"})
    assert not form.is_valid() and list(form.errors) == ["name"]


def test_every_form_of_the_platform_checks_its_text():
    """A form built on django.forms directly would take control characters: each app's forms are
    on core.forms (``from core import forms``)."""
    ours = [config.name for config in apps.get_app_configs() if "site-packages" not in config.path]
    assert "members" in ours and "django.contrib.auth" not in ours
    for app in ours:
        for module_name in ("forms", "views", "import_views", "grant_views"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, BaseForm) and cls.__module__ == module.__name__:
                    assert issubclass(cls, forms.TextChecks), f"{module.__name__}.{name} is not on core.forms"


def _legacy_name(member_or_case, name: str) -> None:
    """A row written before the edge refused control characters (straight to the database)."""
    type(member_or_case).objects.filter(pk=member_or_case.pk).update(name=name)


def test_exports_over_a_subtree_with_a_legacy_control_character_answer(world):
    other = NUL if connection.vendor == "sqlite" else "\x07"  # PostgreSQL text cannot hold NUL at all
    _legacy_name(world.members["a1_member"], f"张{ESC}秀{other}英")
    case = open_case(world)
    _legacy_name(case, f"刘{ESC}洋{other}")
    for persona, query in (("city_admin", ""), ("a_admin", f"&within={world.district_a.pk}"),
                           ("secretary", "")):
        response = world.client(persona).get(f"/members/?export=xlsx{query}")
        assert response.status_code == 200, persona
        names = [row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
        assert "张\ufffd秀\ufffd英" in names
        response = world.client(persona).get(f"/members/?export=csv{query}")
        assert response.status_code == 200 and "张\ufffd秀\ufffd英" in response.content.decode()
    client = world.client("a_admin")
    response = client.get(reverse("recruitment:docx", args=[case.pk]))
    assert response.status_code == 200
    assert "刘\ufffd洋\ufffd" in Document(io.BytesIO(response.content)).tables[0].cell(0, 1).text
    response = client.get("/recruitment/?export=xlsx")
    assert response.status_code == 200
    cells = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert any("刘\ufffd洋\ufffd" in str(value) for row in cells for value in row)
    assert client.get("/recruitment/?export=csv").status_code == 200
