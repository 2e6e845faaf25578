"""Copy detection for minutes (会议记录雷同检测): records written by copy and paste.

1. **Normalise** (``normalize``): NFKC, lower case; members' names → ``N``; dates and every run of
   digits (also Chinese-numeral dates) → ``D``; punctuation and whitespace dropped. A copy with
   changed names and dates normalises to the same text as its source.
2. **Shingle**: the set of 5-character substrings. A set ignores order, so reordered sentences
   keep almost all their shingles (only the few spanning a sentence boundary change).
3. **MinHash** (``signature``): one-permutation hashing (Li, Owen, Zhang 2012) with rotation
   densification (Shrivastava, Li 2014). Each shingle is hashed once (CRC-32 of its UTF-8 bytes,
   spread to 64 bits by the splitmix64 finaliser); the top 6 bits choose one of 64 bins, each bin
   keeps its minimum. One hash per shingle instead of one per shingle and permutation keeps this
   pure Python and about 0.4 ms per record.
4. **LSH**: 16 bands of 4 values, each hashed to a bucket and stored as a row
   (``MinutesBand``: meeting, band, bucket; indexed on (band, bucket)). Two records with Jaccard
   similarity J share a band with probability 1 − (1 − J⁴)¹⁶: 0.99 at J = 0.7, 0.64 at 0.5,
   0.12 at 0.3. A new record's candidates are one indexed query.
5. **Verify**: the exact Jaccard similarity of the shingle sets of the record and each candidate
   (from the stored normalised text, ``MinutesFingerprint``) against the threshold
   (``settings.ORGLIFE_COPY_THRESHOLD``, default 0.7).
"""

import re
import unicodedata
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from orglife.models import MinutesBand, MinutesFingerprint

SHINGLE = 5
BINS = 64
BIN_BITS = 6  # 2**6 == BINS
BANDS = 16
ROWS = 4  # BANDS * ROWS == BINS
MIN_SHINGLES = 30  # shorter minutes ("学习文件。") say too little to call a copy
MAX_CANDIDATES = 50
_MASK64 = (1 << 64) - 1
_VALUE_MASK = (1 << (64 - BIN_BITS)) - 1
_EMPTY = 1 << 64

_DATE = re.compile(
    r"\d{2,4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*(?:\d{1,2}\s*[日号]?)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|[〇零一二三四五六七八九十]{1,4}\s*[年月日号]")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NOT_WORD = re.compile(r"[\W_]+")
_SENTENCE = re.compile(r"(?<=[。！？；!?;\n])")


def threshold() -> float:
    return float(getattr(settings, "ORGLIFE_COPY_THRESHOLD", 0.7))


def _names_pattern(names) -> re.Pattern | None:
    cleaned = sorted({unicodedata.normalize("NFKC", n).strip().lower() for n in names if n and len(n.strip()) >= 2},
                     key=len, reverse=True)
    return re.compile("|".join(map(re.escape, cleaned))) if cleaned else None


def normalize(text: str, names=()) -> str:
    """The text reduced to what a copier cannot cheaply change (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    pattern = _names_pattern(names)
    if pattern is not None:
        text = pattern.sub("N", text)
    text = _DATE.sub("D", text)
    text = _DIGITS.sub("D", text)
    return _NOT_WORD.sub("", text)


def shingles(normalized: str) -> set[str]:
    if len(normalized) < SHINGLE:
        return {normalized} if normalized else set()
    return {normalized[i:i + SHINGLE] for i in range(len(normalized) - SHINGLE + 1)}


def _mix(x: int) -> int:
    """splitmix64's finaliser: a bijection of 64-bit integers that spreads every input bit."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _MASK64
    return x ^ (x >> 31)


def signature(shingle_set: set[str]) -> list[int]:
    """64 MinHash values by one-permutation hashing; empty bins borrow from the next non-empty
    bin to their right (circularly), offset by the distance so borrowed values stay distinct."""
    sig = [_EMPTY] * BINS
    for shingle in shingle_set:
        h = _mix(zlib.crc32(shingle.encode()))
        b = h >> (64 - BIN_BITS)
        v = h & _VALUE_MASK
        if v < sig[b]:
            sig[b] = v
    if _EMPTY in sig and any(v != _EMPTY for v in sig):
        filled = list(sig)
        for i in range(BINS):
            if sig[i] == _EMPTY:
                step = 1
                while sig[(i + step) % BINS] == _EMPTY:
                    step += 1
                filled[i] = (sig[(i + step) % BINS] + step * 0x9E3779B97F4A7C15) & _VALUE_MASK
        sig = filled
    return sig


def bands(sig: list[int]) -> list[int]:
    """One bucket per band: the band's values mixed into a signed 63-bit integer (a BigInteger)."""
    buckets = []
    for band in range(BANDS):
        h = band
        for value in sig[band * ROWS:(band + 1) * ROWS]:
            h = _mix(h ^ value)
        buckets.append(h >> 1)  # 63 bits: fits a signed BIGINT on both databases
    return buckets


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Fingerprint:
    normalized: str
    shingles: frozenset
    buckets: tuple[int, ...]

    @property
    def indexable(self) -> bool:
        return len(self.shingles) >= MIN_SHINGLES


def fingerprint(text: str, names=()) -> Fingerprint:
    normalized = normalize(text, names)
    shingle_set = shingles(normalized)
    buckets = tuple(bands(signature(shingle_set))) if len(shingle_set) >= MIN_SHINGLES else ()
    return Fingerprint(normalized, frozenset(shingle_set), buckets)


# --- the index ----------------------------------------------------------------------------------


def index_rows(meeting_id: int, fp: Fingerprint) -> tuple[dict, list[dict]]:
    """The fingerprint row and the band rows of one meeting (for core.bulk.insert_many)."""
    return ({"meeting_id": meeting_id, "normalized": fp.normalized, "shingles": len(fp.shingles)},
            [{"meeting_id": meeting_id, "band": band, "bucket": bucket} for band, bucket in enumerate(fp.buckets)])


def unindex(meeting_id: int) -> None:
    MinutesBand.objects.filter(meeting_id=meeting_id).delete()
    MinutesFingerprint.objects.filter(meeting_id=meeting_id).delete()


def index(meeting_id: int, fp: Fingerprint) -> None:
    """(Re)index one meeting's minutes; too short minutes are left out of the index."""
    unindex(meeting_id)
    if not fp.indexable:
        return
    fingerprint_row, band_rows = index_rows(meeting_id, fp)
    MinutesFingerprint.objects.create(**fingerprint_row)
    MinutesBand.objects.bulk_create([MinutesBand(**row) for row in band_rows])


def candidates(meeting_id: int | None, fp: Fingerprint) -> list[int]:
    """Meetings sharing at least one band bucket, most shared bands first: one indexed query."""
    if not fp.buckets:
        return []
    q = Q()
    for band, bucket in enumerate(fp.buckets):
        q |= Q(band=band, bucket=bucket)
    rows = MinutesBand.objects.filter(q)
    if meeting_id is not None:
        rows = rows.exclude(meeting_id=meeting_id)
    rows = rows.values("meeting_id").annotate(n=Count("id")).order_by("-n", "meeting_id")[:MAX_CANDIDATES]
    return [row["meeting_id"] for row in rows]


def find_copies(meeting_id: int | None, fp: Fingerprint, *, limit: float | None = None) -> list[tuple[int, float]]:
    """(source meeting id, similarity) of every indexed record at or above the threshold."""
    limit = threshold() if limit is None else limit
    ids = candidates(meeting_id, fp)
    if not ids:
        return []
    found = []
    for source_id, normalized in MinutesFingerprint.objects.filter(meeting_id__in=ids).values_list(
            "meeting_id", "normalized"):
        similarity = jaccard(fp.shingles, shingles(normalized))
        if similarity >= limit:
            found.append((source_id, round(similarity, 4)))
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


# --- showing a copy ----------------------------------------------------------------------------------


def marked_sentences(text: str, other_normalized: str, names=(), share: float = 0.6) -> list[tuple[str, bool]]:
    """The text split into sentences, each marked when most of its shingles occur in the other
    record: the overlapping passages, for the side-by-side view."""
    other = shingles(other_normalized)
    result = []
    for sentence in _SENTENCE.split(text or ""):
        if not sentence:
            continue
        own = shingles(normalize(sentence, names))
        copied = bool(own) and len(own) >= 2 and len(own & other) / len(own) >= share
        result.append((sentence, copied))
    return result
