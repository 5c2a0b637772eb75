"""Metadata normalisation after extraction: the title a reader sees (the page's main heading
when it is the article's title, else the declared title without the site's name), author lists
without bylines and job titles.

Example::

    clean_title("Harbour Gazette: Council approves tram line", "Harbour Gazette", None)
    # "Council approves tram line"
    choose_title(["Harbour Gazette", "Council approves the tram line"],
                 ["Council approves tram line | Harbour Gazette"], "Harbour Gazette", None)
    # "Council approves the tram line"
    clean_author("Von Jonas Weißmann; Redakteur")  # "Jonas Weißmann"
"""

from __future__ import annotations

import re

_TITLE_SEPARATOR = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022\u00bb:/-]{1,2}\s+|:\s+")
_BYLINE_PREFIX = re.compile(
    r"^\W*((written|posted|published|reported|text|photos?) )?(by|von|par|por|di|door|av|przez"
    r"|autor(in)?|author|text|redakteur(in)?)\b\s*:?\s*",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"^(the )?(senior |chief |deputy |managing |contributing |political |science |sports? )?"
    r"(editor|editors|redakteur(in)?|redaktion|staff( writer| reporter)?|writer|reporter"
    r"|correspondent|korrespondent(in)?|journalist(in)?|columnist|kolumnist(in)?|contributor"
    r"|photographer|fotograf(in)?|autor(in)?|author|team|newsdesk|news desk|rédaction|redacción"
    r"|redazione|online[- ]redaktion|gastautor(in)?|guest author)$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"@|https?://|www\.|\d")


def _key(text: str) -> str:
    """Letters and digits only, lowercased: 'The Harbour-Gazette' ~ 'theharbourgazette'."""
    return re.sub(r"[\W_]+", "", text.lower())


def _is_site(part: str, sitename: str | None, hostname: str | None) -> bool:
    key = _key(part)
    if not key:
        return False
    names = [_key(sitename or "")]
    if hostname:
        host = hostname.lower().removeprefix("www.")
        names += [_key(host), _key(host.rsplit(".", 1)[0])]
    return any(
        name and (key == name or key == "the" + name or "the" + key == name) for name in names
    )


def clean_title(title: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """Remove the site's name when it leads or ends the title."""
    if not title:
        return title
    parts = _TITLE_SEPARATOR.split(title, maxsplit=1)
    if len(parts) == 2 and _is_site(parts[0], sitename, hostname) and parts[1].strip():
        return parts[1].strip()
    tail = re.split(_TITLE_SEPARATOR, title)
    if len(tail) >= 2 and _is_site(tail[-1], sitename, hostname):
        separators = list(_TITLE_SEPARATOR.finditer(title))
        return title[: separators[-1].start()].strip() or title
    return title


_WORD = re.compile(r"\w+")
# Separators between a title and the site's name: "Title | Site", "Site - Title", "Title / Site".
_SEGMENT_SEPARATOR = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022\u00bb/-]{1,2}\s+")
_HEADING_MAX_WORDS = 30
_HEADINGS_LOOKED_AT = 6
# A heading is the title when at least this share of its words are in the declared titles.
_HEADING_IN_TITLE = 0.5
# Host labels that name no site: "www.shop.example.co.uk" -> "example".
_GENERIC_HOST_LABELS = frozenset(
    {"www", "com", "org", "net", "co", "uk", "io", "de", "fr", "en", "blog", "shop", "store"}
)


def _words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").casefold())


def choose_title(
    headings: list[str],
    declared: list[str],
    sitename: str | None,
    hostname: str | None,
) -> str | None:
    """The page's title as a reader sees it.

    `headings` are the page's `<h1>` texts in order, `declared` its declared titles (og:title,
    twitter:title, `<title>`, trafilatura's choice). The main heading wins when most of its
    words are in the declared titles (it is the article's title, without the site's name and
    the SEO wording); of several, the one that shares the most words. Otherwise the first
    declared title, without a leading or trailing segment that names the site.
    """
    declared_words = {word for title in declared for word in _words(title)}
    site = _key(sitename or "")
    best: str | None = None
    best_score = (0, 0.0)
    for heading in headings[:_HEADINGS_LOOKED_AT]:
        words = _words(heading)
        if not words or len(words) > _HEADING_MAX_WORDS or (site and _key(heading) == site):
            continue
        hits = sum(word in declared_words for word in words)
        score = (hits, hits / len(words))
        if score[1] >= _HEADING_IN_TITLE and score > best_score:
            best, best_score = heading, score
    if best is not None:
        return best
    title = next((t for t in declared if t and t.strip()), None)
    return _without_site_segments(clean_title(title, sitename, hostname), sitename, hostname)


def _without_site_segments(
    title: str | None, sitename: str | None, hostname: str | None
) -> str | None:
    """Drop leading and trailing " | Segment"s that name the site (its name, or a label of its
    host: "Docs | Acme Cloud" on docs.acmecloud.example)."""
    if not title:
        return title
    parts = _SEGMENT_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    names = [_key(sitename or "")]
    host = (hostname or "").lower().removeprefix("www.")
    names += [_key(label) for label in host.split(".") if label not in _GENERIC_HOST_LABELS]
    names = [name for name in names if len(name) >= 3]

    def names_site(part: str) -> bool:
        key = _key(part)
        return bool(key) and any(name in key or key in name for name in names)

    while len(parts) >= 2 and names_site(parts[-1]):
        parts.pop()
    while len(parts) >= 2 and names_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(_SEGMENT_SEPARATOR.split(title)):
        return title
    return " | ".join(part.strip() for part in parts)


def clean_author(author: str | None) -> str | None:
    """Names only: no "By"/"Von", no job titles, no handles or dates; `; ` between names."""
    if not author:
        return author
    names: list[str] = []
    for raw in author.split(";"):
        name = _BYLINE_PREFIX.sub("", raw.strip()).strip(" ,|-\u2013\u2014")
        if not name or _ROLE.match(name) or _NOT_A_NAME.search(name):
            continue
        if name.lower() not in (existing.lower() for existing in names):
            names.append(name)
    return "; ".join(names) or None
