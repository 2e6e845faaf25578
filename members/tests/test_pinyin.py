"""Search by pinyin: initials (张秀英 → zxy) and full pinyin, polyphonic surnames read as
surnames, kept up to date by the writers of the name, scope unchanged."""

import importlib
from datetime import date

import pytest
from django.urls import reverse

from core import idcard
from members import services
from members.models import Member, MemberStatus
from members.pinyin import pinyin_fields

NAMES = {
    "张秀英": ("zxy", "zhangxiuying"),
    "单雄信": ("sxx", "shanxiongxin"),   # 单 as a surname: shàn, not dān
    "曾国藩": ("zgf", "zengguofan"),     # zēng, not céng
    "解缙": ("xj", "xiejin"),            # xiè, not jiě
    "仇英": ("qy", "qiuying"),           # qiú, not chóu
    "区伟": ("ow", "ouwei"),             # ōu, not qū
    "尉迟恭": ("ycg", "yuchigong"),      # compound surname
    "吕小明": ("lxm", "lvxiaoming"),     # ü as v, as typed on keyboards
}


@pytest.mark.parametrize("name", NAMES)
def test_initials_and_pinyin_read_the_surname_as_a_surname(name):
    assert pinyin_fields(name) == {"name_initials": NAMES[name][0], "name_pinyin": NAMES[name][1]}


def test_latin_letters_are_kept_and_punctuation_dropped():
    assert pinyin_fields("阿依古丽·买买提")["name_initials"] == "ayglmmt"
    assert pinyin_fields(" ") == {"name_initials": "", "name_pinyin": ""}


def _number(seq: int) -> str:
    first17 = f"120101198001{seq:02d}0{seq % 10}1"
    return first17 + idcard.check_char(first17)


@pytest.fixture
def named(world):
    """Members of branch A2 (district A) and B1 (district B) with the names above."""
    made = {}
    for i, name in enumerate(NAMES):
        org = world.branch_a2 if i % 2 == 0 else world.branch_b1
        made[name] = services.member_create(actor=world.users["city_admin"], org=org, name=name,
                                            id_number=_number(i + 1), status=MemberStatus.FULL,
                                            joined=date(2010, 7, 1))
    return made


def _found(client, q) -> set[str]:
    response = client.get(reverse("members:list"), {"q": q})
    assert response.status_code == 200
    return {m.name for m in response.context["page"].object_list}


def test_member_create_fills_the_search_fields(named):
    member = Member.objects.get(pk=named["单雄信"].pk)
    assert (member.name_initials, member.name_pinyin) == ("sxx", "shanxiongxin")


def test_initials_find_by_prefix_and_full_pinyin_finds_too(world, named):
    client = world.client("city_admin")
    assert _found(client, "zxy") == {"张秀英"}
    assert _found(client, "ZX") == {"张秀英"}  # case and prefix
    assert _found(client, "zhangxiu") == {"张秀英"}
    assert _found(client, "zhang xiu ying") == {"张秀英"}
    assert _found(client, "sxx") == {"单雄信"}
    assert _found(client, "shan") == {"单雄信"}
    assert _found(client, "dxx") == set()  # the common reading of 单 is not the surname's
    assert _found(client, "zgf") == {"曾国藩"}
    assert _found(client, "xj") == {"解缙"}
    assert _found(client, "ｚｘｙ") == {"张秀英"}  # full-width letters from a Chinese IME


def test_chinese_still_searches_the_name(world, named):
    assert _found(world.client("city_admin"), "秀英") == {"张秀英"}


def test_pinyin_search_stays_within_scope(world, named):
    # 曾国藩 (index 2) is in district A, 解缙 (index 3) in district B.
    assert _found(world.client("a_admin"), "zgf") == {"曾国藩"}
    assert _found(world.client("a_admin"), "xj") == set()
    assert _found(world.client("b_admin"), "xj") == {"解缙"}
    assert _found(world.client("secretary"), "zgf") == set()  # branch A1 only


def test_set_name_keeps_the_fields_in_step(world):
    member = world.members["a1_member"]
    member.set_name(" 单田芳 ")
    assert (member.name, member.name_initials, member.name_pinyin) == ("单田芳", "stf", "shantianfang")


def test_the_data_migration_fills_existing_rows(world):
    from django.apps import apps

    migration = importlib.import_module("members.migrations.0004_member_name_pinyin")
    Member.objects.update(name_initials="", name_pinyin="")
    migration.fill_pinyin(apps, None)
    assert dict(Member.objects.values_list("name", "name_initials")) == {
        "张秀英": "zxy", "李建国": "ljg", "王芳": "wf", "赵志强": "zzq"}
