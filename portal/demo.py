"""Demo portal: the channel tree of the seed page (首页 » 资讯 » 国内 » 全国各地资讯 » 天津), 通知公告
and 党务公开, the seed article imported like any saved page, a dozen short fictional articles,
comments (approved and pending), reads over the last two weeks, and two portal accounts."""

import io
import random
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from accounts.demo import _user
from portal import importing, services
from portal.models import Article, ArticleState, ArticleView, Channel, Comment, CommentState

SEED_FILE = Path(__file__).with_name("fixtures") / "seed_article.txt"

# (code, slug, name, kind, parent code)
CHANNELS = [
    ("zixun", "zixun", "资讯", "news", None),
    ("guonei", "guonei", "国内", "news", "zixun"),
    ("gedi", "gedi", "全国各地资讯", "news", "guonei"),
    ("tianjin", "tianjin", "天津", "news", "gedi"),
    ("jiceng", "jiceng", "基层动态", "news", "zixun"),
    ("notice", "tongzhi", "通知公告", "notice", None),
    ("disclosure", "dangwu", "党务公开", "disclosure", None),
]

# Fictional, generic texts about branch activities (no real people).
ARTICLES = [
    ("jiceng", "某社区第一党支部开展“三会一课”示范观摩活动",
     "支部委员会、党员大会、党小组会和党课按计划召开，记录完整，观摩者交流了经验。",
     ["本月，某社区第一党支部邀请辖区各支部书记观摩“三会一课”。", "观摩会上，支部书记讲了一堂主题党课，党员结合工作谈体会。"]),
    ("jiceng", "机关党支部举办主题党日活动 重温入党誓词",
     "主题党日活动包括重温入党誓词、集中学习和志愿服务三个环节。",
     ["机关党支部组织全体党员开展主题党日活动。", "党员们重温入党誓词，随后到社区开展志愿服务。"]),
    ("jiceng", "流动党课走进村头田间",
     "宣讲员把党课送到村里，党员不出村就能听课。",
     ["区委党校组织宣讲员开展流动党课，把课堂搬到村委会和田间地头。", "点题党课由党员先点题、宣讲员再备课，内容更贴近实际。"]),
    ("jiceng", "非公企业党组织推进两学一做常态化",
     "企业党支部把学习教育融入生产经营，设岗定责、挂牌上岗。",
     ["某科技企业党支部坚持推进两学一做学习教育常态化制度化。", "党员在岗位上亮身份、作表率，带动职工共同进步。"]),
    ("jiceng", "五好党支部创建经验交流会召开",
     "各支部对照标准逐项检查，交流创建做法。",
     ["会议通报了五好党支部创建情况，三个支部作了交流发言。", "与会同志表示，要对照清单查找不足，逐项整改。"]),
    ("jiceng", "在职党员到社区报到开展点单服务",
     "在职党员认领居民“微心愿”，完成点单服务。",
     ["本季度，辖区在职党员到社区报到，认领服务项目。", "服务涵盖义务理发、家电维修和政策宣讲，受到居民欢迎。"]),
    ("tianjin", "某区举办基层党组织书记培训班",
     "培训围绕党支部工作规范、组织生活和党员管理展开。",
     ["为期三天的培训班采用专题讲座、案例教学和现场观摩相结合的方式。", "学员表示，要把所学用于支部建设，做到四讲四有、四个合格。"]),
    ("tianjin", "楼宇党委组建联合党支部 实现组织覆盖",
     "商务楼宇党委为无党员企业选派党建工作指导员。",
     ["某商务楼宇党委组建党建工作指导员联合党支部，联系服务楼内企业。", "楼宇内企业党的组织和工作实现全覆盖。"]),
    ("guonei", "基层党建信息化平台助力党员教育管理",
     "平台整合学习资源，党员可在线学习、记录组织生活。",
     ["数字化平台把党员教育资源汇聚到一处，方便党员随时学习。", "支部通过平台记录三会一课，实现全程纪实。"]),
    ("guonei", "发展党员工作坚持政治标准首位",
     "严把入口关，落实票决制、公示制和预审制。",
     ["各级党组织严格执行发展党员工作程序，坚持成熟一个发展一个。", "发展对象须经公示，广泛听取党员群众意见。"]),
    ("jiceng", "关爱老党员 走访慰问送温暖",
     "节日前夕，支部走访慰问生活困难党员和老党员。",
     ["支部委员分组走访，为老党员送去慰问品，了解生活困难。", "支部将持续做好党内关怀帮扶工作。"]),
    ("jiceng", "党小组会上的学习讨论",
     "党小组围绕党章党规开展学习讨论，人人发言。",
     ["党小组组长领学党章有关内容，党员逐一交流体会。", "会后整理会议记录，纳入支部纪实管理。"]),
]
COMMENTS = ["学习了，很受启发。", "支部活动组织得很扎实。", "希望多开展这样的活动。", "内容实在，值得借鉴。"]
NAMES = ["一名党员", "社区居民", "网友", "支部党员"]


def _channels() -> dict[str, Channel]:
    made: dict[str, Channel] = {}
    for code, slug, name, kind, parent in CHANNELS:
        made[code] = services.channel_create(name=name, code=code, slug=slug, kind=kind,
                                             parent=made.get(parent))
    return made


def _body(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def picture(rng: random.Random, width: int = 800, height: int = 500) -> bytes:
    """A simple street scene drawn by Pillow at demo time (sky, sun, buildings with windows, a red
    banner), so 推荐图文 has pictures without committing images we did not make."""
    top, bottom = rng.choice([((120, 170, 225), (225, 235, 245)), ((250, 180, 120), (255, 230, 200)),
                              ((140, 200, 230), (235, 245, 250))])
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / height
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    sun_x = rng.randint(80, width - 80)
    draw.ellipse([sun_x - 40, 40, sun_x + 40, 120], fill=(255, 214, 90))
    x = 0
    while x < width:
        w, h = rng.randint(70, 140), rng.randint(140, 330)
        shade = rng.randint(150, 215)
        draw.rectangle([x, height - 70 - h, x + w - 6, height - 70], fill=(shade, shade - 10, shade - 25))
        for wy in range(height - 60 - h, height - 90, 26):
            for wx in range(x + 10, x + w - 22, 22):
                lit = rng.random() < 0.35
                draw.rectangle([wx, wy, wx + 10, wy + 14], fill=(255, 236, 170) if lit else (95, 115, 140))
        x += w
    draw.rectangle([0, height - 70, width, height], fill=(183, 28, 28))
    draw.rectangle([0, height - 70, width, height - 64], fill=(240, 196, 25))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PICTURE_ALTS = ["社区党群服务中心", "党员志愿服务活动现场", "街区新貌", "主题党日活动现场"]


def load(rng: random.Random) -> None:
    """Rows written through the portal's services where they hold rules (import, notices), and
    directly where the demo builds history (publish dates in the past, reads, comments)."""
    channels = _channels()
    editor, reviewer = _user("news_editor", "资讯编辑"), _user("news_reviewer", "资讯审核")
    services.grant(user=editor, channel=channels["zixun"], role="editor")
    for code in ("zixun", "notice", "disclosure"):
        services.grant(user=reviewer, channel=channels[code], role="reviewer")
    seed, _ = services.article_import(actor=None, parsed=importing.parse(SEED_FILE.read_text("utf-8")),
                                      channel=channels["tianjin"])
    Article.objects.filter(pk=seed.pk).update(featured=True)
    now = timezone.now()
    articles = [seed]
    for index, (code, title, summary, paragraphs) in enumerate(ARTICLES):
        article = services.article_create(actor=reviewer, channel=channels[code], title=title,
                                          summary=summary, body=_body(paragraphs),
                                          source="本站", featured=index % 3 == 0)
        services.article_publish(actor=reviewer, article=article,
                                 publish_at=now - timedelta(days=index * 2 + 1, hours=rng.randint(0, 8)))
        articles.append(article)
    # 推荐图文: the featured articles with a picture each.
    for article, alt in zip([a for a in articles if a.featured or a.pk == seed.pk], PICTURE_ALTS, strict=False):
        services.image_add(actor=reviewer, article=article, alt=alt, lead=True,
                           upload=SimpleUploadedFile(f"{alt}.png", picture(rng), content_type="image/png"))
    draft = services.article_create(actor=editor, channel=channels["jiceng"], title="（草稿）支部换届选举工作安排",
                                    body=_body(["草稿正文，待完善。"]))
    services.article_submit(actor=editor, article=draft)
    today = timezone.localdate()
    services.publish_notice(channel_code="notice", title="关于开展年度民主评议党员工作的通知",
                            body_text="各党支部：\n请于本月底前完成民主评议党员工作，并报送总结。",
                            starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=27),
                            source_label="组织部", external_key="demo:notice:1")
    services.publish_notice(channel_code="disclosure", title="某社区党支部上半年党费收缴使用情况公开",
                            body_text="按照党务公开要求，现将上半年党费收缴、使用情况公开如下。\n如有疑问，请向支部委员会反映。",
                            starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=20),
                            source_label="某社区党支部", external_key="demo:disclosure:1")
    views = []
    for article in articles:
        for back in range(14):
            views.append(ArticleView(article=article, day=today - timedelta(days=back),
                                     count=rng.randint(0, 40)))
    ArticleView.objects.bulk_create(views)
    comments = []
    for article in articles[:6]:
        for i in range(rng.randint(1, 3)):
            comments.append(Comment(article=article, name=rng.choice(NAMES), body=rng.choice(COMMENTS),
                                    state=CommentState.APPROVED if i else CommentState.PENDING,
                                    decided_by=reviewer if i else None, decided_at=now if i else None))
    Comment.objects.bulk_create(comments)
    assert Article.objects.filter(state=ArticleState.PUBLISHED).exists()


