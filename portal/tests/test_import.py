"""Import: the seed page becomes an article with its title, date, source, 核心提示 and five
section headings, and none of the republishing site's boilerplate."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal import importing
from portal.models import Article, ArticleState
from portal.tests.helpers import SEED

HEADINGS = [
    "推进“两学一做” 学习教育常态化制度化",
    "分类研究精准施策 统筹推进基层党建",
    "选好用好“能干的好人” 推动党的一切工作到支部",
    "严把党员“入口关” 持续抓好队伍建设",
    "全面压实政治责任 确保任务落到实处",
]
BOILERPLATE = ["当前位置", "放大字体", "缩小字体", "免责声明", "全球资源网", "资讯搜索", "告诉好友",
               "打印本文", "关闭窗口", "查看全部", "相关评论", "推荐图文", "推荐资讯", "点击排行", "核心提示"]


def test_the_seed_parses_into_its_parts():
    parsed = importing.parse(SEED.read_text("utf-8"))
    assert parsed.title == "全球报道:天津市各级党组织推进基层党建全面进步全面过硬"
    assert parsed.published == date(2017, 7, 3)
    assert parsed.source == "人民网"
    assert parsed.summary.startswith("基础不牢,地动山摇。处在改革发展第一线的党的基层组织")
    assert parsed.channel_names == ["资讯", "国内", "全国各地资讯", "天津"]
    assert parsed.headings == HEADINGS
    assert parsed.paragraphs[0].startswith("基础不牢,地动山摇")
    assert parsed.paragraphs[-1].endswith("为建设“五个现代化天津”提供坚强组织保证。")
    assert len(parsed.paragraphs) == 11


def test_the_command_imports_the_seed_into_the_channel_named_by_its_breadcrumb(portal):
    out = StringIO()
    call_command("portal", "import-article", str(SEED), stdout=out)
    article = Article.objects.get()
    assert "已导入" in out.getvalue()
    assert article.channel.code == "tianjin"
    assert article.title == "全球报道:天津市各级党组织推进基层党建全面进步全面过硬"
    assert timezone.localdate(article.publish_at) == date(2017, 7, 3)
    assert article.source == "人民网" and article.state == ArticleState.PUBLISHED
    assert article.summary.startswith("基础不牢,地动山摇")
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in article.body
    assert article.body.count("<h2>") == 5
    for word in BOILERPLATE:
        assert word not in article.body, word
        assert word not in article.title


def test_the_imported_page_shows_every_part_and_no_boilerplate_twice(portal, client):
    call_command("portal", "import-article", str(SEED), stdout=StringIO())
    body = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert body.count("全球资源网") == 0
    assert body.count("核心提示") == 1
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in body


def test_reimporting_updates_the_same_article(portal):
    call_command("portal", "import-article", str(SEED), "--channel", "gedi", stdout=StringIO())
    out = StringIO()
    call_command("portal", "import-article", str(SEED), stdout=out)
    assert Article.objects.count() == 1 and "已更新" in out.getvalue()
    assert Article.objects.get().channel.code == "tianjin"


def test_an_unknown_channel_or_missing_file_is_refused_in_chinese(portal, tmp_path):
    with pytest.raises(CommandError, match="栏目代码不存在"):
        call_command("portal", "import-article", str(SEED), "--channel", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("portal", "import-article", str(tmp_path / "none.txt"), stdout=StringIO())


def test_a_gb18030_file_imports_too(portal, tmp_path):
    target = tmp_path / "gbk.txt"
    target.write_bytes(SEED.read_text("utf-8").encode("gb18030"))
    call_command("portal", "import-article", str(target), stdout=StringIO())
    assert Article.objects.get().source == "人民网"
