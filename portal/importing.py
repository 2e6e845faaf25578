"""Reading a saved article page (like the seed: a portal's republished 人民网 article) into its
parts: title, date, source, 核心提示 summary, section headings and paragraphs. The republishing
site's breadcrumb, font buttons, disclaimer, buttons and side lists are left behind."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.html import escape

BREADCRUMB = re.compile(r"^\s*当前位置\s*[:：]\s*(.+)$")
META_DATE = re.compile(r"发布日期\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})")
META_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
SUMMARY = re.compile(r"^\s*核心提示\s*[:：]\s*(.*)$")
SOURCE_URL = re.compile(r"^\s*(?:原文地址|原文链接|来源网址)\s*[:：]\s*(https?://\S+)\s*$")
FONT_BUTTONS = re.compile(r"放大字体|缩小字体")
# Where the article ends and the republishing site's own matter begins.
END_MARKERS = re.compile(r"^\s*(?:免责声明|\[\s*资讯搜索|\d+条\s*\[查看全部\]|推荐图文|推荐资讯|点击排行)")
ENDING_PUNCTUATION = "。！？；：，、.!?;:,…"
HEADING_MAX = 30


@dataclass
class ParsedArticle:
    title: str
    published: date | None
    source: str
    summary: str
    channel_names: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("h2" | "p", text)
    source_url: str = ""

    @property
    def headings(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "h2"]

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]

    def body_html(self) -> str:
        return "".join(f"<{kind}>{escape(text)}</{kind}>" for kind, text in self.blocks)

    def publish_at(self) -> datetime:
        day = self.published or timezone.localdate()
        return timezone.make_aware(datetime.combine(day, time(8, 0)))

    def external_key(self) -> str:
        if self.source_url:
            basis = self.source_url
        else:
            basis = f"{self.title}|{self.published.isoformat() if self.published else ''}"
        return "import:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def _is_heading(line: str, previous_blank: bool, next_blank: bool) -> bool:
    """A section heading: a short line standing alone between paragraphs, without ending
    punctuation (推进“两学一做” 学习教育常态化制度化)."""
    text = line.strip()
    return (previous_blank and next_blank and 2 <= len(text) <= HEADING_MAX
            and text[-1] not in ENDING_PUNCTUATION + "”\"")


def parse(text: str) -> ParsedArticle:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\u3000", " ").split("\n")]
    channel_names, title, published, source, summary, source_url = [], "", None, "", "", ""
    body_start = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if crumb := BREADCRUMB.match(stripped):
            names = [n.strip() for n in re.split(r"[»>›/]", crumb.group(1)) if n.strip()]
            channel_names = [n for n in names if n not in ("首页", "正文")]
        elif url := SOURCE_URL.match(stripped):
            source_url = url.group(1)
        elif META_DATE.search(stripped) or FONT_BUTTONS.search(stripped):
            if found := META_DATE.search(stripped):
                published = date(*(int(g) for g in found.groups()))
            if found := META_SOURCE.search(stripped):
                source = found.group(1)
        elif found := SUMMARY.match(stripped):
            summary = found.group(1).strip()
            body_start = index + 1
            break
        elif not title:
            title = stripped
        body_start = index + 1
    body_lines = []
    for line in lines[body_start:]:
        if END_MARKERS.match(line):
            break
        body_lines.append(line.strip())
    blocks = []
    for index, line in enumerate(body_lines):
        if not line:
            continue
        previous_blank = index == 0 or not body_lines[index - 1]
        next_blank = index + 1 >= len(body_lines) or not body_lines[index + 1]
        kind = "h2" if blocks and _is_heading(line, previous_blank, next_blank) else "p"
        blocks.append((kind, line))
    return ParsedArticle(title=title, published=published, source=source, summary=summary,
                         channel_names=channel_names, blocks=blocks, source_url=source_url)
