"""Making markup harmless. Article bodies keep an allow-list of tags (nh3, the Ammonia
sanitizer); titles and comments are plain text, escaped where they are shown."""

import html as _html
import re

import nh3
from django.utils.html import escape

from core.text import clean_text  # noqa: F401  (imported from here by portal's modules)

TAGS = {"p", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "a",
        "img", "br", "table", "thead", "tbody", "tr", "th", "td", "caption"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
              "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Images only from our own media views (an uploaded, re-encoded picture of the portal).
OWN_IMAGE = re.compile(r"^/news/media/\d{1,12}/(?:thumb/)?$")
SAFE_LINK = re.compile(r"^(?:https?://[^\s/]|/(?!/)|#|[^\s:/?#]+(?:[/?#]|$))", re.IGNORECASE)
IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
DIGITS = re.compile(r"^\d{1,4}$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if OWN_IMAGE.match(value) else None
    if tag == "a" and attribute == "href":
        return value if SAFE_LINK.match(value) else None
    if attribute in ("width", "height", "colspan", "rowspan"):
        return value if DIGITS.match(value) else None
    return value


def clean_html(html: str) -> str:
    """The stored form of an article body: only the allow-listed tags and attributes; links
    http(s) or relative with rel="noopener noreferrer"; scripts and styles dropped with content."""
    cleaned = nh3.clean(
        html or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"},
        link_rel="noopener noreferrer", attribute_filter=_attribute_filter, strip_comments=True,
    )
    # A picture whose address was refused is dropped whole (nh3 leaves an empty <img>).
    return IMG_WITHOUT_SRC.sub("", cleaned).strip()


def paragraphs_html(text: str) -> str:
    """Plain text (a notice from another module) as escaped paragraphs."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n|\n", text or "") if b.strip()]
    return "".join(f"<p>{escape(block)}</p>" for block in blocks)


def plain_from_html(html: str) -> str:
    """The text of a body, for search and snippets."""
    text = nh3.clean(html or "", tags={"p", "br", "h2", "h3", "h4", "li"}, attributes={})
    text = re.sub(r"</?(?:p|br|h2|h3|h4|li)\s*/?>", "\n", text)
    return re.sub(r"\n{2,}", "\n", _html.unescape(text)).strip()
