"""Pure text cleaning: whitespace normalisation and named clutter rules.

Extracted text holds one paragraph per line. Each line rule looks at one line and says whether
it is clutter; `clean_text` drops those lines and counts, per rule, how many it removed, so the
output reports what fired (`extraction.cleaning`) and a caller can switch a rule off. Rules work
on wording that is structural (a label standing alone, a prefix before a headline, a price on
its own line) in the languages publishers use most, never on site names. Every rule except the
label rules is limited to short lines, so a real paragraph that mentions, say, a newsletter is
kept.

Example::

    result = clean_text("Body of the story.\\nAlso Read\\n)")
    result.text     # "Body of the story."
    result.removed  # {"related_label": 1, "stray_punctuation": 1}
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from article_extractor.document import DECIDED_BY_TITLE, RULE_PREFIX
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem, text_start
from article_extractor.pipeline.literal_prefilter import LazyPattern, Wording
from article_extractor.pipeline.metadata.title_author import says_title

LineRule = Callable[[str], bool]

_ZERO_WIDTH = LazyPattern("[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
_SHORT_WORDS = 25  # longer lines are prose, whatever words they contain
_NOTICE_WORDS = 60  # unambiguous notices (copyright, disclosures) can be a few sentences long


class Line(str):
    """A line of the text being cleaned, with what every rule asks of it computed once: its
    lower-cased form and its word count (plain attributes: most rules read both, many times).
    Made per document, so nothing outlives it."""

    lowered: str
    words: int

    def __new__(cls, text: str) -> Line:
        line = super().__new__(cls, text)
        line.lowered = text.lower()
        line.words = len(text.split())
        return line


def _words(line: str) -> int:
    return line.words if isinstance(line, Line) else len(line.split())


def _lowered(line: str) -> str:
    return line.lowered if isinstance(line, Line) else line.lower()


def _ends_sentence(line: str) -> bool:
    """Prose ends with sentence punctuation; labels, buttons and headlines usually don't."""
    return line.rstrip(" \"'\u201d\u2019\u00bb)").endswith((".", "!", "?", "\u2026"))


def _matches(line: str, short: Wording, notice: Wording | None = None) -> bool:
    """`short` wording on a short line, or unambiguous `notice` wording on a longer one.
    Both patterns are lower-case and see the lower-cased line."""
    words = _words(line)
    if words > _NOTICE_WORDS:  # prose: neither applies
        return False
    if notice is not None and notice.search(_lowered(line)):
        return True
    return words <= _SHORT_WORDS and short.search(_lowered(line))


def _pattern(*alternatives: str) -> Wording:
    """Lower-case wording, matched against lower-cased lines: Python's `re` searches a large
    alternation two to three times faster case-sensitively than with IGNORECASE, and a
    case-sensitive pattern can skip lines without its words (see `wording`)."""
    return Wording("|".join(f"(?:{a})" for a in alternatives))


# --------------------------------------------------------------------------- template tokens
_TEMPLATE_TOKEN = Wording(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|%%[A-Za-z_][\w.]*%%")


def has_template_token(line: str) -> bool:
    """A short line with an unrendered template placeholder: `{{name}}`, `{% tag %}`, `${var}`,
    `%%NAME%%` (a long paragraph that shows one, say a shell tutorial's `${HOME}`, is prose)."""
    return _matches(line, _TEMPLATE_TOKEN)


# --------------------------------------------------------------------------- punctuation
def is_stray_punctuation(line: str) -> bool:
    """A line with no letter or digit at all (a lone `)`, `|`, `•`, `—`)."""
    if line[:1].isalnum():  # most lines start with one
        return False
    return not any(char.isalnum() for char in line)


# --------------------------------------------------------------------------- related links
_RELATED = (
    # English
    r"also read|read also|read more|more to read|related|related (articles?|stories|posts|news"
    r"|content|coverage|reading|topics?)|recommended( (for you|stories|articles|reading))?"
    r"|you (may|might) (also )?(like|enjoy|be interested in)|see also|trending( now)?|most (read"
    r"|popular|viewed|shared)|more (on this( story| topic)?|stories|news|from [\w .'-]{1,30}|like"
    r" this|about [\w .'-]{1,30})|further reading|don't miss|top stories|editor's picks"
    r"|popular (posts|articles)|latest (news|stories|posts)|next (article|story|post)"
    r"|previous (article|story|post)|keep reading|continue reading|what to read next"
    # German
    r"|auch (lesen|interessant)|lesen sie auch( die folgenden beiträge)?|lies auch|mehr zum thema"
    r"( [\w .'-]{1,30})?|mehr themen|weitere (artikel|beiträge|themen|meldungen|nachrichten"
    r"|informationen|infos|links|tipps|tourentipps)( [\w .'-]{1,40})?|zum weiterlesen"
    r"|weiterlesen|das (könnte|dürfte) (dich|sie) auch interessieren|das thema könnte (dich|sie)"
    r" auch interessieren|schon gelesen\??|empfohlene (artikel|beiträge)|ähnliche (artikel"
    r"|beiträge)|passend dazu|top-themen( [\w .'-]{1,30})?|meistgelesen|meist-?(gelesen"
    r"|diskutiert)|kommentierte artikel|vorschau auf den nächsten artikel|nächster artikel"
    r"|verwandte (artikel|themen)|lust auf mehr\??"
    # French, Spanish, Portuguese, Italian, Dutch, Polish
    r"|(à )?lire aussi|lire la suite|sur le même (sujet|thème)|articles? (similaires|liés)"
    r"|(lea|lee|leer|ver) (también|además|más)|lea más|vea también|le puede interesar"
    r"|te puede interesar|puede(s)? ver|notas relacionadas|contenido relacionado|noticias"
    r" relacionadas|más (sobre|noticias|información)( [\w .'-]{1,30})?|leia (também|mais)"
    r"|veja também|leggi anche|potrebbe interessarti|articoli correlati|lees ook|gerelateerde"
    r" artikelen|czytaj (też|także|również|więcej)|zobacz (też|także|również)|dowiedz się więcej"
    r"|polecamy|przeczytaj (też|także)"
)
_RELATED_LABEL = LazyPattern(rf"\W*({_RELATED})\W*", re.IGNORECASE)
_RELATED_PREFIX = LazyPattern(
    rf"\W*({_RELATED}|mira|mire|lea|ver|lee)\s*[:»>|]\s*\S.*", re.IGNORECASE
)


def is_related_label(line: str) -> bool:
    """A related-links heading ("Also Read", "Lesen Sie auch:", "NOTAS RELACIONADAS"), alone or
    as the prefix of a teaser headline ("Read more: ...", "VEA TAMBIÉN: ...")."""
    if _RELATED_LABEL.fullmatch(line):
        return True
    return _words(line) <= _SHORT_WORDS and bool(_RELATED_PREFIX.fullmatch(line))


# --------------------------------------------------------------------------- subscriptions
# Calls to action, not topics: a story may mention subscribers; a paywall tells *you* to subscribe.
_PAYWALL = _pattern(
    r"^\W*subscribe\b|subscribe (now|today|to (read|continue|unlock|get|access))|already (a )?"
    r"(subscribed|subscriber|member|registered)|(log|sign) in to (read|continue|view)"
    r"|free (articles?|stories) (left|remaining|this month)|your limit of|unlimited (digital )?"
    r"access|to (continue|keep) reading|renews automatically|become a subscriber"
    r"|subscribers? (only|exclusive)|(this|the) (article|story) is for subscribers",
    r"^\W*(jetzt )?(abonnieren|abonnent werden)\b|jetzt (abonnieren|abonnent|testen|weiterlesen)"
    r"|abonnieren sie|abo (abschließen|testen)|bereits abonnent|weiterlesen mit|bereits registriert"
    r"|nicht eingeloggt|monatlich kündbar|jederzeit kündbar",
    r"pour (lire|accéder à) la suite|en illimité|déjà abonné|abonnez-vous",
    r"^\W*suscr[ií]bete|suscr[ií]bete (ahora|ya|para)|hazte (miembro|socio)|cancela cuando quieras",
    r"^\W*(assine|abbonati)\b|já é assinante",
    r"ten tekst przeczytasz|wykup dostęp|^\W*subskrybuj",
)
_PRICE = LazyPattern(
    r"\W*(from |ab |à partir de |desde )?([€$£₹¥]\s?\d[\d.,]*|\d[\d.,]*\s?(€|eur|usd|\$|£|₹|zł|"
    r"chf|rs\.?))(\s?(/|per|a|pro|par|al)?\s?(month|mo|year|yr|week|monat|jahr|mois|an|mes|año|"
    r"months|years))?\W*",
    re.IGNORECASE,
)
_PLAN_PERIOD = LazyPattern(
    r"\W*\d+\s?(months?|years?|weeks?|monate?|jahre?|mois|ans?|mes(es)?|años?)\W*", re.IGNORECASE
)


def is_subscription_teaser(line: str) -> bool:
    """Paywall and subscription copy: "Subscribe now", "Already subscribed? Log in"."""
    return _matches(line, _PAYWALL)


def is_plan_detail(line: str) -> bool:
    """A bare price or billing period ("₹900", "3 Months", "€4.99 per month"): clutter only
    inside a subscription block (see `clean_text`); alone it may be a figure of the story."""
    return bool(_PRICE.fullmatch(line) or _PLAN_PERIOD.fullmatch(line))


# --------------------------------------------------------------------------- newsletters
_NEWSLETTER = _pattern(
    r"(sign up|subscribe|register) (for|to) (our|the|my) .{0,30}newsletter|^\W*newsletter\W*$"
    r"|newsletter (abonnieren|anmelden|bestellen)|zum newsletter|^\W*sign up (for|to|now)"
    r"|never miss (a|an|the latest|another) (story|update|post|article|issue|news)"
    r"|(delivered|straight|directly|sent) (to|in|into) your inbox|enter your e-?mail"
    r"|your e-?mail address|e-mail-adresse (eingeben|ein)",
    r"inscrivez-vous à (notre|la) newsletter|suscr[ií]bete a (nuestro|nuestra) (boletín|newsletter)"
    r"|zapisz się (do|na) newsletter|zapraszamy (też )?do subskrypcji"
    r"|do you want to be informed|want to stay (up to date|informed)",
    # alert sign-ups: the same promo for a phone or an inbox, without the word "newsletter"
    r"(sign up|register|subscribe) (for|to) (our |breaking |the latest |e-?mail |news ){0,3}"
    r"(news )?alerts|get (our |breaking |the latest |e-?mail |news |push ){0,3}(news )?alerts"
    r" (sent|delivered|straight|directly|in|on|to)|alerts?\b.{0,40}\b(sent|delivered) (straight "
    r"|directly |right )?to your (phone|inbox|device)|^\W*(turn on|enable) (push )?notifications"
    r"|(aktivieren|erhalten|abonnieren) sie .{0,30}benachrichtigungen"
    r"|push-benachrichtigungen (aktivieren|erhalten)|activez les notifications"
    r"|activa las notificaciones",
)


def is_newsletter_signup(line: str) -> bool:
    """Newsletter and alert sign-up prompts in any of the common wordings."""
    return _matches(line, _NEWSLETTER)


# --------------------------------------------------------------------------- social prompts
_SOCIAL_NETWORKS = (
    r"facebook|twitter|x|instagram|linkedin|whatsapp|telegram|pinterest|youtube|tiktok|reddit"
    r"|xing|e-?mail|mail|threads|mastodon|flipboard|messenger|print|drucken|copy link|link kopieren"
)
_SOCIAL = _pattern(
    r"^\W*(share|teilen|partager|compartir|condividi|udostępnij|delen)\b( (this|the|on|mit|via"
    r"|en|sur|su|na|article|story|post|beitrag|artikel)\b.{0,40})?$",
    r"\b(follow|like) (us|me) (on|at)\b|folge?n? (sie |du )?uns\b|síguenos|siguenos"
    r"|suivez-nous|seguici|obserwuj nas|volg ons",
    r"\b(join|únete a|tritt) (us|our|nuestro|unserem) .{0,30}\b(telegram|whatsapp|discord"
    r"|channel|canal|kanal)\b|únete (desde|a nuestro)",
    r"\b(canal|channel|kanal) de (youtube|telegram|whatsapp)|our (youtube|telegram|whatsapp)"
    r" channel",
    r"diesen? (beitrag|artikel) (teilen|bewerten)|^\W*bewerten\W*$|mit diesem button"
    r"|gefällt (dir|ihnen) (unser|dieser|der)",
)
_SOCIAL_LIST = LazyPattern(rf"(\W*\b({_SOCIAL_NETWORKS})\b)+\W*", re.IGNORECASE)


_FOLLOW_STRONG = Wording(
    rf"^\W*(follow|like|join|folgt?|abonniert|síguenos|suivez) .{{0,40}}\b(on|auf|en|sur) "
    rf"({_SOCIAL_NETWORKS})\b"
)


def is_social_prompt(line: str) -> bool:
    """Share/follow prompts and bare lists of social networks ("Facebook Twitter E-Mail")."""
    return bool(_SOCIAL_LIST.fullmatch(line)) or _matches(line, _SOCIAL, _FOLLOW_STRONG)


# --------------------------------------------------------------------------- cookies
_COOKIES = _pattern(
    r"(we|this (site|website)|our (site|website)|wir|diese (seite|website)|nous|utilizamos)"
    r" (use|uses|verwenden|nutzen|utilisons|utilisez) cookies|use of cookies|accept (the )?cookies"
    r"|cookie (settings|policy|preferences|einstellungen|richtlinie|banner)",
    r"^\W*((accept|reject|allow) (all|cookies)|manage (preferences|cookies|consent)|privacy"
    r" (settings|preferences)|alle akzeptieren|tout accepter|aceptar (todas|cookies)"
    r"|configurar cookies|datenschutzeinstellungen)(\W+\w+){0,3}\W*$",
    r"gérer (mes|les) (choix|préférences)",
)
# Consent and policy-update notices run to several sentences; their wording is unambiguous.
_CONSENT_NOTICE = _pattern(
    r"we('ve| have) (updated|changed|revised) our (privacy|cookie|data protection) (policy|notice"
    r"|statement)|we('ve| have) (updated|changed|revised) our terms",
    r"by (continuing to (use|browse)|using) (this|our) (site|website|service|services|app)s?,? you"
    r" (agree|accept|consent)",
    r"wir haben unsere (datenschutzerklärung|datenschutzhinweise|nutzungsbedingungen|agb)"
    r" (aktualisiert|geändert)|mit der (weiteren )?nutzung (dieser|unserer) (seite|website"
    r"|webseite) (stimmen|erklären) sie",
    r"en poursuivant votre navigation.{0,40}vous acceptez|al continuar (navegando|utilizando)"
    r".{0,40}aceptas?",
)


def is_cookie_consent(line: str) -> bool:
    """Cookie banners, consent choices and policy-update notices."""
    return _matches(line, _COOKIES, _CONSENT_NOTICE)


# --------------------------------------------------------------------------- advertising
_AD_LABEL = LazyPattern(
    r"\W*(advertisement|advertising|anzeige|werbung|publicidad|publicité|pubblicità|reklama"
    r"|advertentie|sponsored( content)?|gesponsert|promoted|ad|ads|paid (content|post)"
    r"|publi-?reportage)\W*((scroll|continue|story) .{0,40})?",
    re.IGNORECASE,
)
_AFFILIATE = _pattern(
    r"affiliate links?|as an (amazon )?(associate|affiliate)|(earn|receive|get) a (small )?"
    r"commission|(erhalten|bekommen) wir (eine )?provision"
    r"|^\W*(werbung|anzeige|sponsored|gesponsert|publicidad|publicité)\b\s*[:\-\u2013]"
    r"|(unbezahlte|bezahlte) werbung|enthält (werbung|affiliate)|werbung für"
    r"|this (post|article|page) contains (references|links|ads)",
    r"bonus code|welcome bonus|claim (your|a|the) .{0,20}bonus|free spins|wagering"
    r"|gamble responsibly|play responsibly|t&cs apply|casino bonus|sportwetten-?bonus",
)
_DISCLOSURE = _pattern(
    r"(we|i) (may )?(receive|earn|get) (a )?(small )?(compensation|commission)|affiliate links?"
    r"|advertisers do not influence|contains references to products|provision (vom|von dem)"
    r" (händler|anbieter)|(erhalten|bekommen) wir (eine )?provision|enthält affiliate"
)


def is_advertising(line: str) -> bool:
    """ "Advertisement" labels, ad slots, sponsored/affiliate disclosures, gambling promos."""
    return bool(_AD_LABEL.fullmatch(line)) or _matches(line, _AFFILIATE, _DISCLOSURE)


# --------------------------------------------------------------------------- image credits
_CREDIT_PREFIX = LazyPattern(
    r"\W*(photos?|fotos?|bild(er)?|images?|imagen|credits?|crédits?( photos?)?|picture|"
    r"illustration|grafik|titelbild|beitragsbild|headerbild|foto(grafie)?|zdjęcie|fot\.|źródło"
    r"|quelle|source|bildquelle|copyright|©)\s*[:©|/]\s*\S.{0,160}",
    re.IGNORECASE,
)
_AGENCY = Wording(
    r"\b(afp|getty( images)?|reuters|dpa|ap photo|epa|shutterstock|istock(photo)?|imago|pap"
    r"|picture[- ]alliance|unsplash|pixabay|adobe ?stock|bestimage|agencja gazeta|keystone"
    r"|xinhua|anadolu|efe|ansa|belga)\b"
)
# Both sides start with a letter: "AFP / Jane Roe", "DCV / Oppitz"; not "₹300/Month" or "24/7".
_NAME_SLASH_NAME = LazyPattern(
    r"\W*[^\W\d_][\w.'-]*( [\w.'-]+){0,3}\s?/\s?[^\W\d_][\w.'-]*( [\w.'-]+){0,3}\W*"
)
_IMAGE_LABEL = LazyPattern(
    r"\W*((bild|image|foto|photo) (anzeigen|vergrößern|enlarge|ansehen|illustrative)"
    r"|(abbildung|abb\.|figure|fig\.|grafik|tabelle|table) \d+\s*[:.|]).{0,200}",
    re.IGNORECASE,
)
_CAPTION_WORDS = 40


def is_caption_label(line: str) -> bool:
    """A caption that names its figure ("Figure 2: the flow", "Abb. 3: ...")."""
    return _words(line) <= _CAPTION_WORDS and bool(_IMAGE_LABEL.fullmatch(line))


def is_image_credit(line: str) -> bool:
    """Photo credits and captions: "Foto: dpa", "AFP / NAME", "Getty Images", "Figure 2: ..."."""
    if _words(line) <= _CAPTION_WORDS and _IMAGE_LABEL.fullmatch(line):
        return True
    if _words(line) > 20:
        return False
    if _CREDIT_PREFIX.fullmatch(line):
        return True
    if _AGENCY.search(_lowered(line)) and (
        "/" in line or "©" in line or (_words(line) <= 6 and not _ends_sentence(line))
    ):
        return True
    return (
        _words(line) <= 6
        and "/" in line
        and bool(_NAME_SLASH_NAME.fullmatch(line))
        and (not line.rstrip().endswith((".", "?", "!")))
    )


# --------------------------------------------------------------------------- comments
_COMMENTS = _pattern(
    r"^\W*\d*\s*(comments?|kommentare?|commentaires?|comentarios?|commenti|komentarz[ey]?"
    r"|reacties)( \(\d+\)| insgesamt:?.{0,10})?\W*$",
    r"^\W*(view|show|read|load|hide|see all|leave|post|write|add|submit) (a |the |all |\d+ |your )?"
    r"(comments?|reply|replies|letter to the editor)|^\W*(no|keine|neue|alle) (comments|kommentare)"
    r"( yet)?\W*$|kommentar (schreiben|verfassen|abgeben)|in den kommentaren"
    r"|um kommentare zu schreiben|^\W*(join|start) the (discussion|conversation)"
    r"|what you think (about|of) this|laisser un commentaire|deja (un|tu) comentario"
    r"|beiträge aus dem forum|^\W*zum forum",
)


def is_comment_prompt(line: str) -> bool:
    """Comment counts and comment/discussion prompts."""
    return _matches(line, _COMMENTS)


# --------------------------------------------------------------------------- donations
_DONATION = _pattern(
    r"^\W*(donate|make a donation|support us|become a (member|patron|supporter))\b"
    r"|donate (now|today|here)|support (our|independent|quality) (journalism|work|reporting)"
    r"|(your|a) (donation|contribution) (helps|supports|keeps)|patreon|buy me a coffee",
    r"unterstütze (uns|unsere|unser|die redaktion)|unterstützen sie (uns|unsere)|jetzt spenden"
    r"|spende jetzt|spenden sie|soutenez(-nous| notre)|faites un don|^\W*dona\b"
    r"|apoya (nuestro|el) periodismo|periodismo (independiente|incómodo)|wesprzyj nas",
)
_DONATION_STRONG = _pattern(
    r"(consider|considering) (supporting|a donation|donating)|support (our|this) (work|site"
    r"|journalism)|keine bezahlschranke|without a paywall|sin muro de pago"
)


def is_donation_ask(line: str) -> bool:
    """Requests for donations or memberships."""
    return _matches(line, _DONATION, _DONATION_STRONG)


# --------------------------------------------------------------------------- legal notices
_COPYRIGHT = _pattern(
    r"©|\(c\) \d{4}|copyright (©|\d{4}|\(c\))|all rights reserved|alle rechte vorbehalten"
    r"|tous droits réservés|todos los derechos reservados|tutti i diritti riservati"
    r"|wszelkie prawa zastrzeżone|materiał chroniony prawem",
    r"without (the )?(prior )?(express )?written permission|must not be (reproduced|reprinted)"
    r"|nachdruck (nur|verboten)|^\W*(terms of (use|service)|nutzungsbedingungen|impressum"
    r"|datenschutz(erklärung)?|privacy policy)\W*$|ohne gewähr|trust principles",
)
_COPYRIGHT_STRONG = _pattern(
    r"^\W*©|all rights reserved|alle rechte vorbehalten|tous droits réservés|copyrighted property"
    r"|written permission (must|is required)|derechos reservados|diritti riservati"
    r"|prawa zastrzeżone"
)


def is_copyright_notice(line: str) -> bool:
    """Copyright, reprint and terms notices."""
    return _matches(line, _COPYRIGHT, _COPYRIGHT_STRONG)


# --------------------------------------------------------------------------- page metadata
_MONTHS = (
    r"jan(uary|uar|vier)?|feb(ruary|ruar)?|m(a|ä)r(ch|z|s)?|apr(il)?|ma(y|i)|jun[ie]?|jul[iy]?"
    r"|aug(ust)?|sep(t(ember)?)?|o[ck]t(ober)?|nov(ember)?|de[cz](ember)?|enero|febrero|marzo"
    r"|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|avril"
    r"|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_DATE = (
    rf"((\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\.? ({_MONTHS})"
    rf"\.?( \d{{4}})?|({_MONTHS})\.? \d{{1,2}}(st|nd|rd|th)?,?( \d{{4}})?)"
    rf"(,? (um |at |à )?\d{{1,2}}[:.]\d{{2}}( ?(am|pm|uhr|h))?)?|\d{{1,2}}[:.]\d{{2}}( ?(am|pm|uhr"
    rf"|h))?)"
)
_DATE_ONLY = LazyPattern(rf"\W*{_DATE}\W*", re.IGNORECASE)
_DATE_ANYWHERE = LazyPattern(_DATE, re.IGNORECASE)
_METADATA_LABEL = LazyPattern(
    r"\W*(category|categories|kategorien?|catégories?|categorías?|tags?|schlagwörter|schlagworte"
    r"|stichwörter|themen|topics|temas|mots-clés|etiquetas|filed under|posted in|veröffentlicht"
    r"( am)?|published( on)?|updated( on)?|aktualisiert( am)?|last (modified|updated)|letzte"
    r" änderung|stand|release date|erstellt am|publié le|mis à jour|actualizado|publicado"
    r"|kontakt|contact|telefon|phone|tel\.|fax|e-?mail|inhaltsverzeichnis|table of contents"
    r"|contents|inhalt|wird geladen|loading|pdf|print|drucken|back to top|zurück nach oben"
    r"|nach oben|zurück( zu[rm]? [\w -]{1,30})?|back( to [\w -]{1,30})?|quellenangaben|sources?"
    r"|zusatzinformationen|weitere informationen|mehr informationen|more information"
    r"|originalpublikation|pressemitteilungen|pressekontakt|press contact|media contact"
    r"|über diese reihe|about (the|this) (author|series)|über (den|die) autor(in)?|autor(in)?"
    r"|author|redakteur(in)?|von|by|video verfügbar bis.{0,20})\s*(:.{0,60})?",
    re.IGNORECASE,
)


_LABEL_WORD = LazyPattern(
    r"\b((news )?date|category|categories|kategorie|tags?|updated|aktualisiert( am)?|published"
    r"|veröffentlicht( am)?|last (modified|updated)|letzte änderung|stand|erstellt( am)?"
    r"|created|posted( on)?|publié le|mis à jour( le)?|actualizado|publicado)\b\s*:?",
    re.IGNORECASE,
)


def is_metadata_line(line: str) -> bool:
    """Page furniture left in the text: a bare date/time, "Kategorie: News", "Updated:",
    "Aktualisiert am 17.01.2021", "Back to top", "Table of contents"."""
    if _words(line) > 10:
        return False
    if _DATE_ONLY.fullmatch(line) or _METADATA_LABEL.fullmatch(line):
        return True
    # "Label date" / "Label: value Label: value": nothing but labels, dates and short values.
    labels = len(_LABEL_WORD.findall(line))
    if not labels:
        return False
    rest = _LABEL_WORD.sub(" ", _DATE_ANYWHERE.sub(" ", line))
    return len(re.findall(r"\w+", rest)) <= 2 * labels


# --------------------------------------------------------------------------- app prompts
_APP = _pattern(
    r"^\W*(download|get|install) (the|our) .{0,40}\bapps?\b|(download|get|try) our .{0,20}app"
    r"|available (on|in) the app store|(app store|google play) (and|&|or|und|y|et) "
    r"(google play|app store)|laden sie sich .{0,40}(app|herunter)|descarga (la|nuestra) app"
    r"|téléchargez l'app",
)


def is_app_prompt(line: str) -> bool:
    """ "Download our app" prompts."""
    return _words(line) <= _SHORT_WORDS * 2 and _APP.search(_lowered(line))


# --------------------------------------------------------------------------- app shells
# Notices are imperative or about "this site"/"your browser"; prose about JavaScript is neither.
_JAVASCRIPT_NOTICE = LazyPattern(
    r"((please|you (need|have) to|you must)\s+)?(enable|turn on|activate|allow)\s+"
    r"(your\s+)?javascript\b.{0,100}"
    r"|.{0,60}\b(please|you (need|have) to|you must)\s+(enable|turn on|activate|allow)\s+"
    r"(your\s+)?javascript\b.{0,60}"
    r"|(this|the) (site|page|website|app|application|content) (requires|needs) javascript\b.{0,80}"
    r"|javascript (is|must be) (disabled|required|turned off|enabled)( (in|on) your browser"
    r"| to (use|view|display) .{0,40}| for (this|full) .{0,30})?\W*"
    r"|your browser (does not|doesn't|cannot|can't) (support|display)\b.{0,80}",
    re.IGNORECASE,
)


def is_javascript_notice(line: str) -> bool:
    """An app shell's fallback ("Please enable JavaScript to use this site.")."""
    return bool(_JAVASCRIPT_NOTICE.fullmatch(line))


RULES: Mapping[str, LineRule] = {
    "template_token": has_template_token,
    "stray_punctuation": is_stray_punctuation,
    "related_label": is_related_label,
    "subscription_teaser": is_subscription_teaser,
    "newsletter_signup": is_newsletter_signup,
    "social_prompt": is_social_prompt,
    "cookie_consent": is_cookie_consent,
    "advertising": is_advertising,
    "image_credit": is_image_credit,
    "comment_prompt": is_comment_prompt,
    "donation_ask": is_donation_ask,
    "copyright_notice": is_copyright_notice,
    "metadata_line": is_metadata_line,
    "app_prompt": is_app_prompt,
    "javascript_notice": is_javascript_notice,
}


@dataclass(frozen=True)
class CleaningResult:
    text: str
    removed: dict[str, int]


def normalize_whitespace(text: str) -> str:
    """NFC, no zero-width characters, single spaces, one paragraph per line, no blank lines."""
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # str.split() splits on exactly the characters `\s` matches (str.isspace), three times faster.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def first_rule(line: str, disabled: Collection[str] = ()) -> str | None:
    """The name of the first enabled rule that calls `line` clutter, or None."""
    return _first_rule(line, _enabled_rules(disabled))


def _enabled_rules(disabled: Collection[str]) -> tuple[tuple[str, LineRule], ...]:
    return tuple((name, rule) for name, rule in RULES.items() if name not in disabled)


def _first_rule(line: str, rules: tuple[tuple[str, LineRule], ...]) -> str | None:
    for name, rule in rules:
        if rule(line):
            return name
    return None


_BLOCK_LINE_WORDS = 20  # plan names, feature bullets and teaser headlines are short


def _continues_block(line: str) -> bool:
    """A line that belongs to the block above it: short and not a sentence of the story."""
    return is_plan_detail(line) or (_words(line) <= _BLOCK_LINE_WORDS and not _ends_sentence(line))


_RELATED_BLOCK_LINES = 5  # related boxes list a few headlines; a longer run is the story's


def _opens_block(rule: str, line: str) -> bool:
    """A paywall teaser opens a block (plans, prices and bullets follow); so does a bare
    related-links label (headlines follow), but not "Read more: <headline>", which is whole."""
    if rule == "subscription_teaser":
        return True
    return rule == "related_label" and bool(_RELATED_LABEL.fullmatch(line))


class _Judge:
    """Reads a document's lines in order and says which rule, if any, removes each.

    A subscription teaser or a related-links label opens a run: the lines after it that are
    short and not sentences (plan names, prices, feature bullets, teaser headlines) go with it
    and count for the same rule, up to the first line of prose. A table, a code block or a line
    kept ends the run; so does a heading after a subscription teaser, unless a price or period
    follows it (`section_heading`: a product's "Features" after "Subscribe & save" is the
    page's).

    With `explain`, `removals` lists each line removed and by what (`rule:<name>`), in order.
    """

    def __init__(self, disabled: Collection[str], explain: bool = False) -> None:
        self.rules = _enabled_rules(disabled)
        self.removed: Counter[str] = Counter()
        self.removals: list[tuple[str, str]] | None = [] if explain else None
        self._run: str | None = None
        self._run_lines = 0

    def removes(self, text: str, caption: bool = False) -> bool:
        """Whether a rule removes this line (`caption`: the caption of a figure, which a
        "Figure 2: ..." label introduces rather than marks as clutter)."""
        line = Line(text)
        fired = _first_rule(line, self.rules)
        if caption and fired == "image_credit" and is_caption_label(line):
            fired = None
        if fired is None:
            room = self._run == "subscription_teaser" or self._run_lines < _RELATED_BLOCK_LINES
            if self._run is not None and room and _continues_block(line):
                fired, self._run_lines = self._run, self._run_lines + 1
            else:
                self._run = None
        elif _opens_block(fired, line):
            self._run, self._run_lines = fired, 0
        if fired:
            self.removed[fired] += 1
            if self.removals is not None:
                self.removals.append((text, RULE_PREFIX + fired))
        return fired is not None

    def end_run(self) -> None:
        self._run = None

    def section_heading(self, following: str | None) -> None:
        """Before a heading whose next block opens with `following` (its first line): a
        heading opens a section of the page, which ends a subscription block, unless a price
        or a billing period follows it (a plan's name)."""
        if self._run == "subscription_teaser" and not (following and is_plan_detail(following)):
            self._run = None


def clean_text(text: str, disabled: Collection[str] = ()) -> CleaningResult:
    """Normalise whitespace, then drop every line an enabled rule calls clutter (each line read
    as a paragraph; see `clean_blocks`)."""
    judge = _Judge(disabled)
    normalized = normalize_whitespace(text)
    kept = [
        line for line in (normalized.split("\n") if normalized else ()) if not judge.removes(line)
    ]
    return CleaningResult("\n".join(kept), dict(judge.removed))


@dataclass(frozen=True)
class CleanedBlocks:
    blocks: tuple[Block, ...]
    removed: dict[str, int]  # lines (paragraph lines, headings, list items, captions) per rule
    # with `explain`: each line removed and by what (`rule:<name>` or `title`), in order
    removals: tuple[tuple[str, str], ...] = ()


def clean_blocks(
    blocks: Iterable[Block],
    disabled: Collection[str] = (),
    title: str | None = None,
    site: tuple[str | None, str | None] = (None, None),
    explain: bool = False,
) -> CleanedBlocks:
    """Normalise the text of every block and drop what an enabled rule calls clutter.

    Rules judge lines: each line of a paragraph or quote, a heading, a list item (with the lists
    nested in it), a figure's caption. They never look inside a code block, whose text stays as
    it is, or a table, whose cells only have their whitespace normalised. A first block (after
    a lead figure) that repeats the title goes (perhaps followed by the site's name: `site` is
    the site's name and host): the title has a field of its own. With `explain`, `removals` says
    which lines went and why.
    """
    judge = _Judge(disabled, explain)
    kept: list[Block] = []
    blocks = list(blocks)
    opening = text_start(blocks)  # a lead figure comes before the title's heading
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING:
            judge.section_heading(
                _first_line(blocks[index + 1]) if index + 1 < len(blocks) else None
            )
        cleaned = _clean_block(block, judge)
        if cleaned is None:
            continue
        if index == opening and _repeats_title(cleaned, title, site):
            if judge.removals is not None:
                judge.removals.append((cleaned.text, DECIDED_BY_TITLE))
            continue
        kept.append(cleaned)
    return CleanedBlocks(tuple(kept), dict(judge.removed), tuple(judge.removals or ()))


def _clean_block(block: Block, judge: _Judge) -> Block | None:
    if block.kind is BlockKind.CODE:
        judge.end_run()
        return block if block.text.strip() else None
    if block.kind is BlockKind.TABLE:
        header = tuple(map(_normalized_line, block.header)) if block.header else None
        rows = tuple(tuple(map(_normalized_line, row)) for row in block.rows)
        if _is_layout_table(header, rows):
            # A table used for layout holds the page's lines one per row: they are judged as
            # lines, and a row a rule removes goes whole. A data table is never touched.
            rows = tuple(row for row in rows if not judge.removes(" ".join(filter(None, row))))
            if not rows and not header:
                return None
        else:
            judge.end_run()
        return replace(block, header=header, rows=rows)
    if block.kind is BlockKind.LIST:
        items = tuple(_clean_items(block.items, judge))
        return replace(block, items=items) if items else None
    if block.kind is BlockKind.QUOTE:
        children = tuple(
            cleaned
            for cleaned in (_clean_block(child, judge) for child in block.children)
            if cleaned is not None
        )
        return replace(block, children=children) if children else None
    if block.kind is BlockKind.FIGURE:
        caption = _kept_lines(block.text, judge, caption=True)
        if not caption and not block.src:
            return None
        return replace(block, text=caption, alt=_normalized_line(block.alt or "") or None)
    text = _kept_lines(block.text, judge)
    if not text:
        return None
    return block if text == block.text else replace(block, text=text)  # most blocks keep theirs


def _first_line(block: Block) -> str | None:
    """The first line a rule would judge in a block (None for code, tables and figures)."""
    if block.kind is BlockKind.LIST:
        return _normalized_line(block.items[0].text) if block.items else None
    if block.kind is BlockKind.QUOTE:
        return _first_line(block.children[0]) if block.children else None
    if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
        return _normalized_line(block.text.split("\n", 1)[0])
    return None


def _is_layout_table(header: tuple[str, ...] | None, rows: tuple[tuple[str, ...], ...]) -> bool:
    """No header and no row with more than one filled cell: a column of lines, not data."""
    return header is None and all(sum(1 for cell in row if cell) <= 1 for row in rows)


def _clean_items(items: Iterable[ListItem], judge: _Judge) -> Iterator[ListItem]:
    for item in items:
        text = _normalized_line(item.text)
        if text and judge.removes(text):
            continue  # a clutter item goes with what is nested in it
        children = tuple(
            cleaned
            for cleaned in (_clean_block(child, judge) for child in item.children)
            if cleaned is not None
        )
        if text or children:
            yield ListItem(text, children)


def _kept_lines(text: str, judge: _Judge, caption: bool = False) -> str:
    lines = (_normalized_line(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not judge.removes(line, caption))


def _normalized_line(text: str) -> str:
    if text.isascii():  # no zero-width character, and NFC leaves it as it is
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text)).split())


def _repeats_title(block: Block, title: str | None, site: tuple[str | None, str | None]) -> bool:
    """A heading that says the title again, perhaps with the site's name after it (a paragraph
    that does is the text itself)."""
    if not title or block.kind is not BlockKind.HEADING:
        return False
    return says_title(block.text, title, *site)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = LazyPattern(rf"[{_CJK}]|[^\W{_CJK}]+(?:['\u2019][^\W{_CJK}]+)*")
_CJK_CHARACTER = LazyPattern(f"[{_CJK}]")


def count_words(text: str) -> int:
    """Words in `text` (the matches of `_WORD`); each Chinese/Japanese character counts as one
    word."""
    if not text.isascii() and _CJK_CHARACTER.search(text):
        return len(_WORD.findall(text))
    # No word crosses whitespace, and a token of letters and digits alone (`str.isalnum` is the
    # regex's \w without "_") is one word: only the other tokens need the regex.
    tokens = text.split()
    others = [token for token in tokens if not token.isalnum()]
    return len(tokens) - len(others) + len(_WORD.findall(" ".join(others)))
