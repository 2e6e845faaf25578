"""Pinyin of member names, for search by initials (张秀英 → "zxy") and by full pinyin
("zhangxiuying").

pypinyin (0.55) reads characters by their common reading and has no surname mode, so the
surname comes from a table of the surnames whose reading as a surname differs (单 shàn, not
dān; 曾 zēng, not céng; 解 xiè, not jiě …). The given name is read by pypinyin as a phrase.
No Django here: the members migration that fills existing rows imports this module too.
"""

import unicodedata

from pypinyin import lazy_pinyin

# Compound surnames (复姓) whose characters read differently together.
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "长孙": ("zhang", "sun"),
    "乐正": ("yue", "zheng"),
}

# Single surnames read differently from the character's common reading (pypinyin's default).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai", "秘": "bi", "种": "chong",
    "召": "shao", "繁": "po", "折": "she", "员": "yun", "句": "gou", "阚": "kan", "隗": "wei",
    "薄": "bo", "能": "nai", "祭": "zhai", "便": "pian", "都": "du", "长": "chang", "重": "chong",
    "蕃": "pi", "洗": "xian", "黑": "he", "藏": "zang", "卜": "bu", "炅": "gui", "佴": "nai",
    "澹": "tan", "那": "na", "尉": "wei", "柏": "bai", "牟": "mou", "宿": "su", "厍": "she",
}

MAX_INITIALS = 50  # Member.name is at most 50 characters
MAX_PINYIN = 300   # the longest syllable has 6 letters


def _latin(chunk: str) -> list[str]:
    """What pypinyin hands back for a run of non-Han characters: keep Latin letters only (a
    name may hold 'A' or a middle dot)."""
    return [c.lower() for c in chunk if c.isascii() and c.isalpha()]


def syllables(name: str) -> list[str]:
    """The name's syllables in plain pinyin (ü as v), surname read as a surname."""
    name = unicodedata.normalize("NFKC", name or "").strip()
    if not name:
        return []
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    elif name[0] in SURNAME_READINGS:
        head, rest = [SURNAME_READINGS[name[0]]], name[1:]
    else:
        head, rest = lazy_pinyin(name[0], errors=_latin), name[1:]
    return [s for s in head + lazy_pinyin(rest, errors=_latin) if s]


def pinyin_fields(name: str) -> dict[str, str]:
    """``{"name_initials": "zxy", "name_pinyin": "zhangxiuying"}`` for 张秀英: the values of
    Member's search fields, set wherever the name is set (``Member.set_name``)."""
    parts = syllables(name)
    return {
        "name_initials": "".join(p[0] for p in parts)[:MAX_INITIALS],
        "name_pinyin": "".join(parts)[:MAX_PINYIN],
    }
