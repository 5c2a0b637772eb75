"""Metadata normalisation after extraction: titles without the site name, author lists
without bylines and job titles.

Example::

    clean_title("Harbour Gazette: Council approves tram line", "Harbour Gazette", None)
    # "Council approves tram line"
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
