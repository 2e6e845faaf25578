"""Chinese full-text search over published articles.

Text is segmented by jieba (its dictionary loaded once, lazily, with ``search_words.txt`` so that
domain words such as 三会一课 and 两学一做 stay whole) and stored as space-joined tokens: the
words (search mode, so 基层党建 also yields 党建) followed by every bigram of each run of Chinese
characters, so that any two-character word is found even where jieba kept it inside a longer
word (党员队伍). A query chunk matches as one of its words or as the phrase of its bigrams (an
exact substring). SQLite answers from the FTS5 table ``portal_search_fts``; PostgreSQL from a
``simple`` tsvector with a GIN index. Query text never reaches either engine's query syntax: the
FTS5 query is built from tokens we produced (word characters only, each double-quoted) and the
PostgreSQL one from parameters passed to ``phraseto_tsquery``.

The service layer calls ``index`` and ``unindex`` (publish, update, unpublish); no signals."""

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.models import Article, SearchDocument
from portal.sanitize import plain_from_html

USER_WORDS = Path(__file__).with_name("search_words.txt")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN = re.compile(r"^\w+$")
MAX_QUERY_CHUNKS = 8
MAX_QUERY_LENGTH = 100

_tokenizer = None
_lock = threading.Lock()


def tokenizer():
    """jieba's tokenizer with our domain words, built on first use (about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # about 0.5 s and its dictionary: loaded at the first search

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.load_userdict(str(USER_WORDS))
                _tokenizer = instance
    return _tokenizer


def words(text: str, *, for_search: bool = False) -> list[str]:
    cut = tokenizer().cut_for_search if for_search else tokenizer().cut
    return [w.lower() for w in cut(text or "") if TOKEN.match(w)]


def bigrams(text: str) -> list[str]:
    grams = []
    for run in CJK_RUN.findall(text or ""):
        grams.extend(run if len(run) == 1 else (run[i:i + 2] for i in range(len(run) - 1)))
    return grams


def segment(text: str) -> str:
    """The indexed form of a text: words, then bigrams (see the module docstring)."""
    return " ".join(words(text, for_search=True) + bigrams(text))


# --- indexing --------------------------------------------------------------------------------------

def index(article: Article) -> None:
    """(Re)index a published article; called inside the service's transaction."""
    title = segment(article.title)
    body = segment(" ".join([article.summary, plain_from_html(article.body)]))
    SearchDocument.objects.update_or_create(article=article, defaults={
        "title_tokens": title, "body_tokens": body})
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search_fts WHERE rowid = %s", [article.pk])
            cursor.execute("INSERT INTO portal_search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                           [article.pk, title, body])


def unindex(article: Article) -> None:
    SearchDocument.objects.filter(article=article).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search_fts WHERE rowid = %s", [article.pk])


# --- querying --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """One chunk of the query (split at spaces): its words and, for Chinese, its bigram phrase."""

    text: str
    words: tuple[str, ...]
    phrase: tuple[str, ...]  # the bigrams of the chunk, in order (empty for a non-Chinese chunk)


def parse(query: str) -> list[Term]:
    query = (query or "")[:MAX_QUERY_LENGTH]
    terms = []
    for chunk in re.findall(r"\w+", query)[:MAX_QUERY_CHUNKS]:
        chunk = chunk.lower()
        cjk = CJK_RUN.fullmatch(chunk)
        terms.append(Term(chunk, tuple(dict.fromkeys(words(chunk))) or (chunk,),
                          tuple(bigrams(chunk)) if cjk and len(chunk) > 1 else ()))
    return terms


@dataclass
class Hit:
    article: Article
    title_html: str
    snippet_html: str


# The most a search lists; the page says so when a query reaches it (no silent cap).
MAX_RESULTS = 1000


def indexed_ids(query: str, *, limit: int) -> list[int]:
    """The ids of the indexed articles matching every chunk of ``query``, best first: one query
    to the engine, scheduled articles included (filter with ``Article.objects.live()``)."""
    terms = parse(query)
    if not terms:
        return []
    return _sqlite_ids(terms, limit) if connection.vendor == "sqlite" else _postgres_ids(terms, limit)


def ranked_ids(query: str, *, queryset=None, limit: int = MAX_RESULTS) -> list[int]:
    """The ids of the live articles matching every chunk of ``query``, best first (at most
    ``limit``). An empty or unusable query finds nothing."""
    # The index also holds articles scheduled for later: read a margin beyond the limit.
    ids = indexed_ids(query, limit=limit * 2)
    if not ids:
        return []
    live = set((queryset if queryset is not None else Article.objects.live()).filter(pk__in=ids)
               .values_list("pk", flat=True))
    return [pk for pk in ids if pk in live][:limit]


def hits(ids: list[int], query: str) -> list[Hit]:
    """The articles of ``ids`` in that order, with highlighted title and snippet."""
    terms = parse(query)
    found = {a.pk: a for a in Article.objects.select_related("channel").filter(pk__in=ids)}
    return [Hit(found[pk], highlight(found[pk].title, terms), snippet(found[pk], terms)) for pk in ids if pk in found]


def search(query: str, *, queryset=None, limit: int = 50) -> list[Hit]:
    """Live articles matching every chunk of ``query``, best first, with highlighted title and
    snippet."""
    return hits(ranked_ids(query, queryset=queryset, limit=limit), query)


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _sqlite_match(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        options = [_fts_quote(" ".join(term.phrase))] if term.phrase else []
        options.append(" AND ".join(_fts_quote(w) for w in term.words))
        parts.append("(" + " OR ".join(f"({o})" for o in options) + ")")
    return " AND ".join(parts)


def _sqlite_ids(terms, limit) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM portal_search_fts WHERE portal_search_fts MATCH %s "
            "ORDER BY bm25(portal_search_fts, 8.0, 1.0) LIMIT %s", [_sqlite_match(terms), limit])
        return [row[0] for row in cursor.fetchall()]


def _postgres_ids(terms, limit) -> list[int]:
    clauses, params = [], []
    for term in terms:
        options = ["phraseto_tsquery('simple', %s)"] if term.phrase else []
        params += [" ".join(term.phrase)] if term.phrase else []
        options.append("(" + " && ".join("phraseto_tsquery('simple', %s)" for _ in term.words) + ")")
        params += list(term.words)
        clauses.append("(" + " || ".join(options) + ")")
    tsquery = " && ".join(clauses)
    sql = (f"SELECT article_id FROM portal_searchdocument, ({'SELECT ' + tsquery} AS q) AS query "
           "WHERE tsv @@ query.q ORDER BY ts_rank(tsv, query.q) DESC, article_id DESC LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


# --- highlighting ------------------------------------------------------------------------------------

def _pattern(terms: list[Term]):
    needles = {t.text for t in terms} | {w for t in terms for w in t.words}
    needles = sorted((n for n in needles if n), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None


def highlight(text: str, terms: list[Term]) -> str:
    """``text`` escaped piece by piece, the matches wrapped in <mark> (markup is only ours)."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece above is escaped


def snippet(article: Article, terms: list[Term], width: int = 80) -> str:
    text = " ".join([article.summary, plain_from_html(article.body)]).replace("\n", " ").strip()
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    start = max(0, (match.start() if match else 0) - width // 3)
    piece = text[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 — escaped by highlight
