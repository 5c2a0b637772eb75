"""Metadata normalisation after extraction: the title a reader sees (the page's main heading
when it is the article's title, else the declared title without the site's name at its end),
author lists without bylines and job titles.

Example::

    clean_title("Council approves tram line | Harbour Gazette", "Harbour Gazette", None)
    # "Council approves tram line"
    choose_title(["Harbour Gazette", "Council approves the tram line"],
                 ["Council approves tram line | Harbour Gazette"], "Harbour Gazette", None)
    # "Council approves the tram line"
    clean_author("Von Jonas Weißmann; Redakteur")  # "Jonas Weißmann"
"""

from __future__ import annotations

import re

from article_extractor.pipeline.literal_prefilter import LazyPattern, vocabulary

_TITLE_SEPARATOR = LazyPattern(r"\s+[|\u2013\u2014\u00b7\u2022\u00bb:/-]{1,2}\s+|:\s+")
_BYLINE_PREFIX = LazyPattern(
    r"^\W*((written|posted|published|reported|text|photos?) )?(by|von|par|por|di|door|av|przez"
    r"|autor(in)?|author|text|redakteur(in)?)\b\s*:?\s*",
    re.IGNORECASE,
)
_ROLE = LazyPattern(
    r"^(the )?(senior |chief |deputy |managing |contributing |political |science |sports? )?"
    r"(editor|editors|redakteur(in)?|redaktion|staff( writer| reporter)?|writer|reporter"
    r"|correspondent|korrespondent(in)?|journalist(in)?|columnist|kolumnist(in)?|contributor"
    r"|photographer|fotograf(in)?|autor(in)?|author|team|newsdesk|news desk|rédaction|redacción"
    r"|redazione|online[- ]redaktion|gastautor(in)?|guest author)$",
    re.IGNORECASE,
)
_NOT_A_NAME = LazyPattern(r"@|https?://|www\.|\d")
# Words a byline opens with, as written at the start of a line ("By Jane Roe", "Por Ana Ruiz"):
# each is one `_BYLINE_PREFIX` removes.
BYLINE_WORDS = (
    "By", "by", "BY", "Written by", "Written By", "written by", "Posted by", "Posted By", "Von",
    "von", "Par", "par", "Por", "por", "Di", "Door", "door", "Av", "Autor:", "Author:",
)  # fmt: skip
# Lowercase words inside a name: "Ludwig van Beethoven", "Ana de la Cruz", "Smith and Jones".
_NAME_PARTICLES = vocabulary("van der den de von da di du la le del dos bin al and & y und et e")
_MAX_NAME_WORDS = 5


# What bylines append to a name: a job title ("Trending Editor", "Former McKinsey Consultant"),
# or the start of the dateline ("Published", "Last updated", "January"). A name never ends in
# one of these words, so a segment that does is a title, not a person.
_ROLE_NOUNS = vocabulary(
    "editor editors writer reporter correspondent contributor consultant columnist journalist "
    "author founder cofounder co-founder ceo cto coo cfo director manager expert specialist "
    "analyst attorney lawyer producer strategist researcher photographer designer engineer "
    "scientist officer intern advisor adviser coach dietitian nutritionist"
)
_ROLE_STARTS = _ROLE_NOUNS | vocabulary(
    "former senior sr junior jr chief trending staff contributing managing executive associate "
    "deputy lead head assistant guest"
)
# Month and day names (not "May", also a surname) and the words that open a dateline or a
# forum post's header.
_DATELINE_WORDS = vocabulary(
    "published updated last posted modified joined jan january feb february mar march apr "
    "april jun june jul july aug august sep sept september oct october nov november dec december "
    "mon monday tue tuesday wed wednesday thu thursday fri friday sat saturday sun sunday"
)
# A forum's rank after the poster's handle: "Full Member", "Well-known member", "New member".
_FORUM_RANK = LazyPattern(
    r"\s+(new|full|senior|junior|active|well-known|established|registered)?\s*member$",
    re.IGNORECASE,
)
_DETERMINERS = frozenset({"the", "our", "a", "an", "your", "my"})
_TAIL_PUNCTUATION = " ,|-\u2013\u2014\u2022\u00bb\u00b7"
_FORM_LABELS = frozenset({"name", "author name", "by"})


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
    """Remove the site's name when it ends the title. A name that opens it stays: "Figma: The
    collaborative design tool" is how a site titles its own page, not a suffix added to it."""
    if not title:
        return title
    tail = _TITLE_SEPARATOR.split(title)
    if len(tail) >= 2 and _is_site(tail[-1], sitename, hostname):
        separators = list(_TITLE_SEPARATOR.finditer(title))
        return title[: separators[-1].start()].strip() or title
    return title


_WORD = LazyPattern(r"\w+")
# Separators between a title and the site's name: "Title | Site", "Site - Title", "Title / Site".
_SEGMENT_SEPARATOR = LazyPattern(r"\s+[|\u2013\u2014\u00b7\u2022\u00bb/-]{1,2}\s+")
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
    words are in the declared titles (it is the article's title, without the SEO wording); of
    several, the one that shares the most words. Otherwise the first declared title. Either
    loses a trailing segment that names the site.
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
    title = best if best is not None else next((t for t in declared if t and t.strip()), None)
    # A heading can end in the site's name too ("Catering tips | Cookshack").
    return _without_site_segments(clean_title(title, sitename, hostname), sitename, hostname)


def says_title(
    text: str, title: str, sitename: str | None = None, hostname: str | None = None
) -> bool:
    """Whether `text` (a heading) is the title, alone or with the segments naming the site that
    `choose_title` drops: "Catering tips | Cookshack" says "Catering tips" on cookshack.com."""
    title = " ".join(title.split()).casefold()
    if " ".join(text.split()).casefold() == title:
        return True
    without_site = _without_site_segments(clean_title(text, sitename, hostname), sitename, hostname)
    return " ".join((without_site or "").split()).casefold() == title


def _without_site_segments(
    title: str | None, sitename: str | None, hostname: str | None
) -> str | None:
    """Drop trailing " | Segment"s that name the site (its name, or a label of its host: "Docs |
    Acme Cloud" on docs.acmecloud.example); leading ones stay, as in `clean_title`."""
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
        name = _without_byline_tail(name)
        known = (existing.lower() for existing in names)
        if name and name.lower() not in _FORM_LABELS and name.lower() not in known:
            names.append(name)
    # A title standing as a segment of its own ("Trial Attorney") goes, unless nothing else is
    # left: then it is the byline ("Our Editors", "Community Editor").
    people = [name for name in names if not _ends_in_role(name)]
    return "; ".join(people or names) or None


def looks_like_name(author: str, min_words: int = 1) -> bool:
    """Whether each of the `; `-separated names is written as a name: `min_words` to five
    words, each capitalised (or a particle such as "van"), no sentence punctuation. "By
    continuing to use this site" starts like a byline but is not one.

        looks_like_name("Ana de la Cruz; Jane Roe")  # True
        looks_like_name("checking this box, I agree")  # False
    """
    for name in author.split("; "):
        words = name.split()
        if not min_words <= len(words) <= _MAX_NAME_WORDS or any(mark in name for mark in ",!?:"):
            return False
        if any(not (word[0].isupper() or word.lower() in _NAME_PARTICLES) for word in words):
            return False
    return True


def _bare(word: str) -> str:
    return word.lower().strip(".,:")


def _ends_in_role(name: str) -> bool:
    return _bare(name.split()[-1]) in _ROLE_NOUNS


def _without_byline_tail(name: str) -> str:
    """The name without initials repeated before it ("CM Craig McCarthy") and without what
    follows it in the byline: a job title or the dateline's first words."""
    words = name.split()
    initials = words[0]
    if (
        len(words) > len(initials)
        and initials.isupper()
        and initials.isalpha()
        and initials == "".join(w[0] for w in words[1 : 1 + len(initials)]).upper()
    ):
        words = words[1:]  # an avatar's letters, then the name they stand for
    while len(words) > 1 and _bare(words[-1]) in _DATELINE_WORDS:
        words = words[:-1]
    name = " ".join(words)
    handle = _FORUM_RANK.sub("", name).strip(_TAIL_PUNCTUATION)
    name = handle if handle and _bare(handle) not in _ROLE_STARTS else name  # "Former Member"
    words = name.split()
    if words and _bare(words[-1]) in _ROLE_NOUNS and _bare(words[0]) not in _DETERMINERS:
        for i in range(2, len(words)):
            if _bare(words[i]) in _ROLE_STARTS:
                return " ".join(words[:i]).strip(_TAIL_PUNCTUATION)
    return name
