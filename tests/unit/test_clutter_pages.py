"""On pages written with each clutter class, the output has none of it and all of the article.

Each page under tests/fixtures/clutter/ is an original, fictional article (5-8 paragraphs of at
least 30 words) with one class of clutter placed inside its <article> element, under
meaningless class names, so only the wording and the line structure can give the clutter away.
Every article paragraph ends with a phrase recorded here; every clutter string is recorded with
the rule that must remove it once it reaches the cleaning step (trafilatura drops some clutter,
such as captions and link-only lines, before the rules see it: a rule is only required to fire
for the lines that reach it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from lxml import html

from article_extractor.document import OutputDocument, Status
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.blocks.clean import clean_text, normalize_whitespace
from article_extractor.pipeline.extract import extract_article
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from tests.conftest import FIXTURES, assert_valid_output

CLUTTER_PAGES = FIXTURES / "clutter"
MAX_INPUT_BYTES = 10 << 20
MIN_PARAGRAPH_WORDS = 30


@dataclass(frozen=True)
class Page:
    name: str
    phrases: tuple[str, ...]  # one per article paragraph, in order: each must survive
    clutter: Mapping[str, str | None]  # clutter string -> rule that removes it (None: no rule)

    @property
    def path(self) -> Path:
        return CLUTTER_PAGES / f"{self.name}.html"


PAGES = (
    Page(
        "related-links",
        (
            "bitter budget negotiation with the county.",
            "housing estates beyond the ring road.",
            "wages they had earned that night.",
            "at the retail parks outside town.",
            "extra allowance and longer rest periods.",
            "two routes into one longer loop.",
        ),
        {
            "Also Read": "related_label",
            # The linked headlines of the box: no rule matches a bare headline; they must go
            # with their label.
            "Ferry timetable shake-up leaves island commuters waiting": None,
            "Cycle lane consultation draws record number of replies": None,
            "Read more:": "related_label",
            "How the retail park parking levy will work": "related_label",
        },
    ),
    Page(
        "paywall",
        (
            "and flood the low-lying colony nearby.",
            "during the humid weeks of May.",
            "waste from the western shore alone.",
            "for the electricity it will consume.",
            "seen since the late nineteen nineties.",
            "each of the past three years.",
        ),
        {
            "You’ve reached your limit of {{free_limit}} free articles this month.": (
                "template_token"
            ),
            "{{free_limit}}": "template_token",
            "Subscribe now for unlimited access.": "subscription_teaser",
            "Already subscribed? Log in": "subscription_teaser",
            "Reader Quarterly": "subscription_teaser",
            "₹900": "subscription_teaser",
            "3 Months": "subscription_teaser",
            "₹300/Month": "subscription_teaser",
            "Reader Annual": "subscription_teaser",
            "₹2,700": "subscription_teaser",
            "1 Year": "subscription_teaser",
            "₹225/Month": "subscription_teaser",
            "Reader Two-Year Saver": "subscription_teaser",
            "₹3,900": "subscription_teaser",
            "2 Years": "subscription_teaser",
            "₹162/Month": "subscription_teaser",
            "Renews automatically, cancel anytime": "subscription_teaser",
            "Ad-light reading on every device": "subscription_teaser",
            "Daily crossword and puzzle archive": "subscription_teaser",
            "Weekend print edition replica": "subscription_teaser",
            ")": "stray_punctuation",
        },
    ),
    Page(
        "template-tokens",
        (
            "older than any of the bakers.",
            "a portion in small lidded jars.",
            "vans making the same steep climb.",
            "on the crust, satisfied nobody completely.",
            "the roof repairs there are finished.",
            "in the weeks after a thunderstorm.",
        ),
        {
            "Welcome back, {{user_name}}": "template_token",
            "{{user_name}}": "template_token",
            "{% if premium %}": "template_token",
            "Your price: ${price}": "template_token",
            "${price}": "template_token",
            "%%PLAN_NAME%%": "template_token",
        },
    ),
    Page(
        "newsletter",
        (
            "forage until the middle of May.",
            "workers still pressed against empty comb.",
            "from the mainland for the summer.",
            "undo fifty years of careful isolation.",
            "but far safer for the island.",
            "and hunger were the only causes.",
        ),
        {
            "Sign up for our newsletter": "newsletter_signup",
            "Enter your email address": "newsletter_signup",
            "Never miss a story: get the best of our reporting delivered to your inbox.": (
                "newsletter_signup"
            ),
            "Get breaking news alerts from the Gazette sent straight to your phone.": (
                "newsletter_signup"
            ),
        },
    ),
    Page(
        "social",
        (
            "two hours in the town hall.",
            "by buttons from a sewing tin.",
            "close his eyes for a moment.",
            "advance all the way to promotion.",
            "extra boards from the church hall.",
            "buy a complete set of pawns.",
        ),
        {
            "Share this article": "social_prompt",
            "Facebook Twitter WhatsApp Email": "social_prompt",
            "WhatsApp": "social_prompt",
            "Follow us on Instagram for more stories": "social_prompt",
        },
    ),
    Page(
        "cookies",
        (
            "around the corner into Mill Lane.",
            "drying the volumes page by page.",
            "hours before anyone could reach them.",
            "of the most popular lost titles.",
            "the doorways in under ten minutes.",
            "river that caused all the trouble.",
        ),
        {
            "We use cookies to improve your experience on our site.": "cookie_consent",
            "By continuing you accept our cookie policy.": "cookie_consent",
            "Accept all": "cookie_consent",
            "Manage preferences": "cookie_consent",
            "We have updated our privacy policy. By continuing to use this site, you agree to": (
                "cookie_consent"
            ),
        },
    ),
    Page(
        "advertising",
        (
            "long each pair took to dry.",
            "than boots costing twice as much.",
            "of the lighter boots ever caused.",
            "the same rate, tread by tread.",
            "looks respectable enough for the pub.",
            "long before their soles wore out.",
        ),
        {
            "This post contains affiliate links.": "advertising",
            "We may earn a commission if you buy through them.": "advertising",
            "Advertisement": "advertising",
            "ADVERTISEMENT - SCROLL TO CONTINUE": "advertising",
        },
    ),
    Page(
        "image-credits",
        (
            "in the decade after the war.",
            "through another dry autumn and winter.",
            "of soaking slowly into the hills.",
            "water their orchards will not survive.",
            "the families who once lived there.",
            "valley since the start of June.",
        ),
        {
            "Photo: Jane Roe / Reuters": "image_credit",
            "Jane Roe": "image_credit",
            "Getty Images": "image_credit",
            "Figure 2: Rainfall in the valley since 1990.": "image_credit",
        },
    ),
    Page(
        "comments",
        (
            "pedestrian zone for a twelve-month trial.",
            "cream parlour near the clock tower.",
            "drive to the retail park instead.",
            "deliveries can still reach the shops.",
            "can be measured rather than guessed.",
            "and the busy run-up to Christmas.",
        ),
        {
            "12 Comments": "comment_prompt",
            "Leave a comment": "comment_prompt",
            "Join the discussion": "comment_prompt",
        },
    ),
    Page(
        "donation",
        (
            "in mussel beds fifteen kilometres downstream.",
            "which has a budget for treatment.",
            "rain flushed the old spoil heaps.",
            "reporters showed them the laboratory results.",
            "fishery earns in a single year.",
            "believe them when the digging starts.",
        ),
        {
            "Support independent journalism: donate today and become a member.": "donation_ask",
            "If you enjoyed reading this post – would you consider supporting our work?": (
                "donation_ask"
            ),
        },
    ),
    Page(
        "gambling",
        (
            "supporters spilling onto the running track.",
            "resulting scramble in the six-yard box.",
            "the wide areas of the pitch.",
            "disputed loudly until the final whistle.",
            "stretched by injuries to both centre-backs.",
            "he would score before the end.",
        ),
        {
            "Claim your 100% bonus code now – 18+ T&Cs apply. Gamble responsibly.": ("advertising"),
            "bonus code": "advertising",
            "Gamble responsibly": "advertising",
        },
    ),
    Page(
        "copyright",
        (
            "minted during the late third century.",
            "unrest that never ended for them.",
            "show almost no signs of wear.",
            "rather than in an empty field.",
            "weekends between their usual practice sessions.",
            "between the groundsmen and the club.",
        ),
        {
            "© 2025 Example Media Ltd. All rights reserved.": "copyright_notice",
            "All rights reserved": "copyright_notice",
            "Written permission must be obtained before reprint in online or print media.": (
                "copyright_notice"
            ),
        },
    ),
    Page(
        "metadata-lines",
        (
            "up for most of a decade.",
            "people now work on rotating shifts.",
            "the relocation of a high-voltage cable.",
            "the next twenty-five years of operation.",
            "minutes by bus to barely twenty.",
            "once its drainage has been approved.",
        ),
        {
            "Updated: 14 March 2026": "metadata_line",
            "14 March 2026": "metadata_line",
            "Category: Transport": "metadata_line",
            "Back to top": "metadata_line",
            "19:49": "metadata_line",
        },
    ),
    Page(
        "app-prompt",
        (
            "a wide stretch of the peninsula.",
            "until Tuesday for power to return.",
            "lower end of the high street.",
            "winds ease later in the afternoon.",
            "take at least twice as long.",
            "with further showers through the weekend.",
        ),
        {
            "Download our app on the App Store and Google Play for breaking news alerts.": (
                "app_prompt"
            ),
            "App Store": "app_prompt",
        },
    ),
    Page(
        "german",
        (
            "Leitungen aus den Sechzigerjahren gefunden wurden.",
            "ein Drittel gegenüber dem alten Betrieb.",
            "im Beton der Plattform entdeckt hatten.",
            "die Saisonkarte für Familien erhalten bleibt.",
            "einen großen Teil der Kosten übernimmt.",
            "Dreimeterbrett springen, wenn das Wetter mitspielt.",
        ),
        {
            "Lesen Sie auch:": "related_label",
            "Neue Radwege für die Altstadt beschlossen": "related_label",
            "Mehr zum Thema": "related_label",
            "Hallenbad bleibt im Winter geschlossen": "related_label",
            "Foto: dpa": "image_credit",
            "Anzeige": "advertising",
            "Zum Newsletter anmelden": "newsletter_signup",
            "Jetzt abonnieren und weiterlesen": "subscription_teaser",
        },
    ),
    Page(
        "spanish",
        (
            "el pan de centeno recién horneado.",
            "desde los pueblos de la sierra.",
            "habrían abandonado el campo hace años.",
            "la comisión de patrimonio histórico provincial.",
            "de veinte agricultores de la zona.",
            "estropeen al final de cada jornada.",
        ),
        {
            "VEA TAMBIÉN:": "related_label",
            "La nueva línea de autobús unirá los pueblos de la sierra": "related_label",
            "Lea más:": "related_label",
            "La cosecha de aceituna se adelanta por el calor": "related_label",
            "NOTAS RELACIONADAS": "related_label",
            "Síguenos en Telegram, Instagram, Facebook y Twitter": "social_prompt",
        },
    ),
)

BY_PAGE = pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])


def _squash(text: str) -> str:
    return " ".join(text.split())


@cache
def _processed(name: str) -> OutputDocument:
    path = CLUTTER_PAGES / f"{name}.html"
    return process_object(
        ObjectRef(bucket=None, key=str(path)),
        LocalFileReader(),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES),
    )


def _text(page: Page) -> str:
    document = _processed(page.name)
    assert document.article is not None, document.error
    return document.article.text


def _leaks(clutter: str, text: str) -> bool:
    """Whether `clutter` is still in `text`. Punctuation-only clutter (")") counts only as a
    line of its own: the article may use the same character inside a sentence."""
    if any(char.isalnum() for char in clutter):
        return clutter in text
    return clutter in (line.strip() for line in text.split("\n"))


def _lines_reaching_cleaning(page: Page) -> list[str]:
    raw = extract_article(page.path.read_text(encoding="utf-8")).text
    return normalize_whitespace(raw).split("\n")


# --------------------------------------------------------------------------- the fixtures


def test_every_clutter_page_is_listed() -> None:
    assert sorted(path.stem for path in CLUTTER_PAGES.glob("*.html")) == sorted(
        page.name for page in PAGES
    )


@BY_PAGE
def test_page_is_a_whole_article_with_its_clutter_inside(page: Page) -> None:
    tree = html.fromstring(page.path.read_bytes())
    assert tree.get("lang")
    assert _squash(tree.findtext(".//title") or "")
    assert tree.xpath("//nav[not(ancestor::article)]")
    assert tree.xpath("//footer[not(ancestor::article)]")
    (article,) = tree.xpath("//article")
    paragraphs = [_squash(p.text_content()) for p in article.iter("p")]
    paragraphs = [p for p in paragraphs if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    assert 5 <= len(paragraphs) <= 8
    assert len(paragraphs) == len(page.phrases)
    article_text = _squash(article.text_content())
    for paragraph, phrase in zip(paragraphs, page.phrases, strict=True):
        assert paragraph.endswith(phrase)
        assert article_text.count(phrase) == 1
    for clutter in page.clutter:
        assert clutter in article_text, f"{clutter!r} is not inside <article>"
    # Class names say nothing: the rules must work on the text alone.
    classes = {c for element in article.iter() for c in (element.get("class") or "").split()}
    assert all(re.fullmatch(r"[a-z]\d{1,2}", c) for c in classes), classes


# --------------------------------------------------------------------------- the output


@BY_PAGE
def test_page_is_ok_and_schema_valid(page: Page) -> None:
    document = _processed(page.name)
    assert document.status is Status.OK, document.error
    assert_valid_output(document.to_dict())


@BY_PAGE
def test_every_article_paragraph_survives(page: Page) -> None:
    text = _text(page)
    missing = [phrase for phrase in page.phrases if phrase not in text]
    assert not missing, f"article paragraphs lost: {missing}"


@BY_PAGE
def test_no_clutter_survives(page: Page) -> None:
    text = _text(page)
    leaked = [clutter for clutter in page.clutter if _leaks(clutter, text)]
    assert not leaked, f"clutter left in the text: {leaked}\n--- text ---\n{text}"


@BY_PAGE
def test_the_rules_of_the_clutter_that_reaches_cleaning_fire(page: Page) -> None:
    lines = _lines_reaching_cleaning(page)
    expected = {
        rule
        for clutter, rule in page.clutter.items()
        if rule is not None and any(clutter in line for line in lines)
    }
    cleaning = _processed(page.name).extraction.cleaning
    assert expected <= set(cleaning), f"expected {sorted(expected)}, cleaning was {cleaning}"
    # ...and no rule the page's clutter does not call for: nothing else was taken as clutter.
    assert set(cleaning) <= {rule for rule in page.clutter.values() if rule is not None}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("related-links", "related_label"),
        ("paywall", "subscription_teaser"),
        ("paywall", "template_token"),
        ("paywall", "stray_punctuation"),
        ("template-tokens", "template_token"),
        ("newsletter", "newsletter_signup"),
        ("social", "social_prompt"),
        ("cookies", "cookie_consent"),
        ("advertising", "advertising"),
        ("image-credits", "image_credit"),
        ("comments", "comment_prompt"),
        ("gambling", "advertising"),
        ("donation", "donation_ask"),
        ("copyright", "copyright_notice"),
        ("metadata-lines", "metadata_line"),
        ("app-prompt", "app_prompt"),
        ("german", "related_label"),
        ("german", "advertising"),
        ("german", "newsletter_signup"),
        ("german", "subscription_teaser"),
        ("spanish", "related_label"),
        ("spanish", "social_prompt"),
    ],
)
def test_rule_fires_where_extraction_keeps_every_clutter_line(name: str, rule: str) -> None:
    """trafilatura keeps some of these lines (it drops figcaptions, link-only lines and the
    trailing link box), so the rule itself must have removed them."""
    assert rule in _processed(name).extraction.cleaning


# --------------------------------------------------------------------------- the seed shape
# The shape of a real uncleaned extraction: the story, an "Also Read" label in the middle, then
# a paywall teaser with an unrendered placeholder, three plans (name, price, period, price per
# month), the renewal note, a feature list (titles and one-line descriptions, some longer than
# a plan name, with blank lines between groups) and a stray ")".

SEED_ARTICLE = [
    "The prime ministers of Ostravia and Kelmark met in the border town of Vesk on Tuesday and "
    "agreed to reopen talks on sharing the waters of the Narva river, which both countries "
    "draw on for irrigation.",
    "Officials said a technical committee would meet next month to compare flow records kept on "
    "either side of the border since the 1960s.",
    "The river has shrunk in three of the last five summers, and farmers downstream in Kelmark "
    "accuse Ostravia of taking too much water for its new rice paddies.",
    "Ostravia denies the charge and says upstream dams only smooth the flow over the year.",
    "Talks collapsed in 2019 after a dispute over who should pay for new measuring stations.",
    "This time both governments have asked a university in a neutral country to install and run "
    "the gauges for at least five years.",
    "Farmers' groups on both banks welcomed the meeting but said they had heard promises before.",
    "A joint statement said the two leaders would meet again in the autumn.",
    '"We share a river, and we will have to learn to share it fairly," the Kelmark prime '
    "minister told reporters after the talks.",
]

SEED_CLUTTER = [
    "You’ve reached your limit of {{free_limit}} free articles this month.",
    "Subscribe now for unlimited access.",
    "Already subscribed? Log in",
    "Subscribe to read the full story →",
    "Reader Quarterly",
    "₹900",
    "3 Months",
    "₹300/Month",
    "Reader Annual",
    "₹2,700",
    "1 Year",
    "₹225/Month",
    "Reader Two-Year Saver",
    "₹3,900",
    "2 Years",
    "₹162/Month",
    "Renews automatically, cancel anytime",
    "Here’s what’s included in our digital subscription plans",
    "Premium stories every day",
    "Over 25 longer reads daily, picked by our editors",
    "",
    "",
    "Free access to a partner national daily",
    "News, puzzles, recipes, audio and more from partners",
    "The Daily Replica",
    "Digital copy of our daily newspaper — with options to read, save, and share",
    "",
    "",
    "Hand-picked Newsletters",
    "Briefings on markets, money, politics, science, and more delivered to your inbox",
    "Market Research & Investing Ideas",
    "Detailed market analysis & insights with access to our research tools",
    "",
    "",
    "The Archive",
    "Every article published since our first edition in 1994",
    "Reading Without Ads",
    "Reading without interruptions from any advertisements",
    "",
    "",
    "Easy Access Across All Devices",
    "Read our journalism across devices — mobile, tablet, or PC, via web or app",
    ")",
]

SEED_TEXT = "\n".join([*SEED_ARTICLE[:2], "Also Read", *SEED_ARTICLE[2:], *SEED_CLUTTER])


def test_seed_shaped_extraction_keeps_every_article_line() -> None:
    assert clean_text(SEED_TEXT).text.split("\n")[: len(SEED_ARTICLE)] == SEED_ARTICLE


def test_seed_shaped_extraction_drops_every_clutter_line() -> None:
    kept = clean_text(SEED_TEXT).text.split("\n")
    leaked = [line for line in kept if line not in SEED_ARTICLE]
    assert not leaked, f"clutter lines kept: {leaked}"


def test_seed_shaped_extraction_reports_the_rules_that_fired() -> None:
    removed = clean_text(SEED_TEXT).removed
    assert removed["related_label"] == 1
    assert removed["template_token"] == 1
    assert removed["stray_punctuation"] == 1
    assert removed.get("subscription_teaser", 0) >= 15  # teaser lines, plans, prices, periods
