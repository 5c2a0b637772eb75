from __future__ import annotations

import pytest

from article_extractor.pipeline.extract import extract_article
from article_extractor.pipeline.metadata.linked_data import read_linked_data
from article_extractor.pipeline.metadata.page_metadata import (
    microdata_posting_date,
    stated_date,
)
from article_extractor.pipeline.metadata.title_author import (
    choose_title,
    clean_author,
    clean_title,
    looks_like_name,
    says_title,
)
from article_extractor.pipeline.read.parsing import parse_html
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("title", "sitename", "hostname", "expected"),
    [
        ("Council approves tram line | The Harbour Gazette", "The Harbour Gazette", None,
         "Council approves tram line"),
        # A name that opens the title is how the site titles the page ("Figma: The design tool").
        ("Harbour Gazette: Council approves tram line", "Harbour Gazette", None,
         "Harbour Gazette: Council approves tram line"),
        ("Council approves tram line - harbour-gazette.example", None,
         "www.harbour-gazette.example", "Council approves tram line"),
        ("Council approves tram line \u2014 Harbour Gazette", "The Harbour Gazette", None,
         "Council approves tram line"),
        # A colon that is part of the headline stays.
        ("Review: the best tram lines of 2026", "Harbour Gazette", None,
         "Review: the best tram lines of 2026"),
        ("Brexit: what happens next", None, "bbc.co.uk", "Brexit: what happens next"),
        (None, "Harbour Gazette", None, None),
    ],
)  # fmt: skip
def test_clean_title_removes_only_the_site_name_at_the_end(
    title: str | None, sitename: str | None, hostname: str | None, expected: str | None
) -> None:
    assert clean_title(title, sitename, hostname) == expected


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("By Maya Lindqvist", "Maya Lindqvist"),
        ("Von Jonas Weißmann; Redakteur", "Jonas Weißmann"),
        ("Jane Doe; Staff Writer", "Jane Doe"),
        ("Written by: Jane Doe", "Jane Doe"),
        ("Par Claire Martin", "Claire Martin"),
        ("@jdoe; Jane Doe; jane doe", "Jane Doe"),
        ("Jane Doe; John Smith", "Jane Doe; John Smith"),
        ("Redaktion", None),
        (None, None),
        # What bylines run on with: a job title, the dateline, a form label, avatar letters.
        ("Priya Raman Senior Science Reporter", "Priya Raman"),
        ("Priya Raman Contributing Writer", "Priya Raman"),
        ("Tomas Berg Former Harbour Authority Consultant", "Tomas Berg"),
        ("Priya Raman Updated March", "Priya Raman"),
        ("Priya Raman • November", "Priya Raman"),
        ("Name; Priya Raman", "Priya Raman"),
        ("PR Priya Raman Last updated", "Priya Raman"),
        ("K kestrel Full Member", "kestrel"),
        ("Kestrel Member Joined Oct", "Kestrel"),
        ("seabird » Sat Feb", "seabird"),
        ("Priya Raman; Harbour Correspondent", "Priya Raman"),
        # A byline that is a team or a role keeps its words.
        ("Our Editors", "Our Editors"),
        ("The Harbour Gazette editors", "The Harbour Gazette editors"),
        ("Community Editor", "Community Editor"),
        ("Former Member", "Former Member"),
        ("Theresa May", "Theresa May"),
    ],
)
def test_clean_author_keeps_names_only(author: str | None, expected: str | None) -> None:
    assert clean_author(author) == expected


def test_page_metadata_is_normalised_end_to_end() -> None:
    html = (
        """<html><head><title>Night buses return to the old town | Harbour Gazette</title>
    <meta property="og:site_name" content="Harbour Gazette">
    <meta name="author" content="By Maya Lindqvist, Senior Correspondent">
    <meta property="article:published_time" content="2026-03-14T08:30:00+01:00">
    </head><body><article><p>"""
        + "Night buses return to the old town after a long break. " * 8
        + ("</p></article></body></html>")
    )
    article = extract_article(html)
    assert article.title == "Night buses return to the old town"
    assert article.author == "Maya Lindqvist"
    assert article.date == "2026-03-14"
    assert article.language == "en"  # declared nowhere: detected from the text


def test_undeclared_language_is_detected_from_the_text() -> None:
    raw = (FIXTURES / "no-lang-latin1.html").read_bytes().decode("latin-1")
    assert extract_article(raw).language == "fr"


def test_declared_language_wins_over_detection() -> None:
    html = (
        '<html lang="de"><body><article><p>'
        + "The council voted on Thursday night to approve the new line. " * 6
        + "</p></article></body></html>"
    )
    assert extract_article(html).language == "de"


def test_the_main_heading_is_the_title_when_the_declared_title_says_the_same() -> None:
    declared = ["Zero waste living guide for beginners: a beginner's guide | Earth Site"]
    assert (
        choose_title(
            ["Earth Site", "A Beginner's Guide To Zero Waste Living"], declared, "Earth Site", None
        )
        == "A Beginner's Guide To Zero Waste Living"
    )
    # A heading that is not the article's (a newsletter box, a site banner) does not win.
    assert (
        choose_title(["Subscribe to our letter"], ["Council approves tram line | Harbour Gazette"],
                     "Harbour Gazette", "harbourgazette.example")
        == "Council approves tram line"
    )  # fmt: skip


def test_the_main_heading_loses_a_trailing_segment_naming_the_site() -> None:
    declared = ["Catering tips for a first event | Smokehouse Forum"]
    headings = ["Catering tips for a first event | Smokehouse Forum"]
    assert choose_title(headings, declared, "Smokehouse Forum", "smokehouse.example") == (
        "Catering tips for a first event"
    )
    # By the host's name too, and not a segment that is the heading's own.
    headings = ["Night buses return – Harbour Gazette"]
    assert choose_title(headings, headings, None, "www.harbourgazette.example") == (
        "Night buses return"
    )
    headings = ["Council approves tram line - what happens next"]
    assert choose_title(headings, ["Council approves tram line - what happens next"], None,
                        "harbourgazette.example") == headings[0]  # fmt: skip


def test_a_segment_naming_the_site_by_its_host_leaves_the_declared_title() -> None:
    assert choose_title([], ["Klatch Coffee | Shopify App Store"], None, "apps.shopify.com") == (
        "Klatch Coffee"
    )
    declared = ["Build your first app | Get started | Android Developers"]
    assert choose_title([], declared, None, "developer.android.com") == (
        "Build your first app | Get started"
    )
    assert choose_title([], ["Pros and cons - a review"], None, "example.com") == (
        "Pros and cons - a review"
    )
    # Leading segments naming the site stay: the page's own title for itself.
    assert choose_title(["Design together"], ["Acme Cloud | Hosting for teams"], "Acme Cloud",
                        "acmecloud.example") == "Acme Cloud | Hosting for teams"  # fmt: skip


FORUM_THREAD = """<html><head><title>Best first telescope? - Stargazers Forum</title>
<script type="application/ld+json">{json_ld}</script></head><body>
<h1>Best first telescope?</h1>
<div class="post"><span class="user">seabird42</span><p>I have about three hundred pounds to spend
and a small balcony facing south. Is a small refractor or a tabletop reflector the better first
telescope for planets and the brighter deep-sky objects?</p></div>
<div class="post"><span class="user">orion_fan</span><p>A tabletop reflector gives you more
aperture for the money, and it sets up in a minute on a balcony table.</p></div>
</body></html>"""


@pytest.mark.parametrize(
    "json_ld",
    [
        '{"@context": "https://schema.org", "@type": "DiscussionForumPosting", '
        '"headline": "Best first telescope?", "author": {"@type": "Person", "name": "seabird42"}, '
        '"datePublished": "2024-05-03T08:45:44.010Z", "comment": [{"@type": "Comment", '
        '"author": {"@type": "Person", "name": "orion_fan"}}]}',
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "QAPage", '
        '"mainEntity": {"@type": "Question", "author": [{"name": "seabird42"}], '
        '"dateCreated": "2024-05-03 08:45"}}]}',
    ],
    ids=["forum-posting", "question"],
)
def test_a_forum_threads_author_and_date_are_its_opening_posts(json_ld: str) -> None:
    page = FORUM_THREAD.format(json_ld=json_ld).replace(
        "</p></div>\n<div", "</p><time>2025-01-20</time></div>\n<div"
    )
    article = extract_article(page)
    assert (article.author, article.date) == ("seabird42", "2024-05-03")


def test_a_posting_author_comes_before_byline_markup() -> None:
    # On a thread, "author" markup is any poster's; the declared posting is the opening one.
    json_ld = '{"@type": "DiscussionForumPosting", "author": {"name": "seabird42"}}'
    page = FORUM_THREAD.format(json_ld=json_ld).replace(
        "<h1>", '<p class="author">orion_fan</p><h1>'
    )
    assert extract_article(page).author == "seabird42"


@pytest.mark.parametrize(
    "json_ld",
    [
        "{not json",
        '{"@type": "DiscussionForumPosting", "author": {"name": "https://example.com/u/1"}}',
        '{"@type": "DiscussionForumPosting", "author": 42}',
        '{"@type": "NewsArticle", "author": {"name": "seabird42"}}',
    ],
)
def test_no_posting_author_from_broken_or_other_json_ld(json_ld: str) -> None:
    assert extract_article(FORUM_THREAD.format(json_ld=json_ld)).author is None


@pytest.mark.parametrize("date", ["yesterday", "2024-13-01", "24-05-03", "2024-05-03junk"])
def test_a_posting_date_that_is_not_a_day_is_not_taken(date: str) -> None:
    json_ld = f'{{"@type": "DiscussionForumPosting", "datePublished": "{date}"}}'
    posting = read_linked_data(parse_html(FORUM_THREAD.format(json_ld=json_ld))).posting
    assert posting is not None
    assert posting.date is None


QUESTION_PAGE = """<html><head><title>Why does my sourdough collapse? - Bakers Q&amp;A</title>
</head><body><div itemscope itemtype="https://schema.org/QAPage">
<div itemprop="mainEntity" itemscope itemtype="https://schema.org/Question">
<h1 itemprop="name">Why does my sourdough collapse?</h1>
<span>Asked</span> <time itemprop="dateCreated" datetime="2011-02-11 23:49:17Z">14 years ago</time>
<div itemprop="text"><p>My loaf rises well in the basket and then collapses as soon as I score it.
The starter is lively and doubles in six hours. What am I doing wrong?</p></div></div>
<div itemscope itemtype="https://schema.org/Answer"><div itemprop="text"><p>It is over-proofed:
shorten the final rise or retard the dough in the fridge overnight before baking it.</p></div>
<time itemprop="dateCreated" datetime="2014-08-01 10:02:00Z">Answered Aug 1, 2014</time>
<p>Edited <span>2020-07-05</span></p></div></div></body></html>"""


def test_a_questions_date_comes_from_its_microdata_before_the_date_search() -> None:
    assert extract_article(QUESTION_PAGE).date == "2011-02-11"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (QUESTION_PAGE, "2011-02-11"),
        (
            QUESTION_PAGE.replace("schema.org/Question", "schema.org/DiscussionForumPosting"),
            "2011-02-11",
        ),
        (
            QUESTION_PAGE.replace('datetime="2011-02-11 23:49:17Z"', 'content="2011-02-11"'),
            "2011-02-11",
        ),
        # Only the first posting item counts, and only a date that is a day.
        (QUESTION_PAGE.replace('datetime="2011-02-11 23:49:17Z"', 'datetime="yesterday"'), None),
        # A page's other items (an answer, an article) give no posting date.
        (QUESTION_PAGE.replace("schema.org/Question", "schema.org/Article"), None),
    ],
    ids=["question", "forum-posting", "content", "not-a-day", "not-a-posting"],
)
def test_microdata_posting_date(page: str, expected: str | None) -> None:
    assert microdata_posting_date(parse_html(page)) == expected


def test_a_page_without_a_date_gets_none_not_its_copyright_year() -> None:
    page = (
        "<html><head><title>Harbour tours</title></head><body><main><h1>Harbour tours</h1>"
        "<p>Our boats leave the quay every hour from ten until five, and each tour takes about"
        " forty minutes around the old docks and the lighthouse.</p></main>"
        "<footer><p>&copy; 2025 Harbour Notes</p></footer></body></html>"
    )
    assert extract_article(page).date is None


@pytest.mark.parametrize(
    ("date", "html", "expected"),
    [
        ("2025-01-01", "<footer>&copy; 2025 Harbour Notes</footer>", None),
        ("2025-01-01", "<p>Copyright 2025</p><p>Founded in 1998</p>", None),
        ("2025-01-01", '<time datetime="2025-01-01T09:00">New Year</time>', "2025-01-01"),
        ("2025-01-01", "<p>Posted January 1st, 2025</p>", "2025-01-01"),
        ("2025-01-01", "<p>Publié le 1er janvier 2025</p>", "2025-01-01"),
        ("2025-01-01", "<p>01.01.2025</p>", "2025-01-01"),
        ("2025-03-14", "<footer>&copy; 2025</footer>", "2025-03-14"),
        (None, "<p>2025</p>", None),
    ],
)
def test_stated_date_drops_only_an_unstated_first_of_january(
    date: str | None, html: str, expected: str | None
) -> None:
    assert stated_date(date, html) == expected


ARTICLE = """<html><head><title>Night buses return | Harbour Gazette</title>
<meta name="author" content="Harbour Gazette Online">
<script type="application/ld+json">{json_ld}</script></head><body><article>
<h1>Night buses return</h1><p class="byline">By Someone Else</p><p>"""
ARTICLE += (
    "Night buses return to the old town after a long break. " * 8 + "</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("json_ld", "expected"),
    [
        # the author of a WebPage node, which trafilatura reads only on article types
        ('{"@context": "https://schema.org", "@type": "WebPage", '
         '"author": {"@type": "Person", "name": "Maya Lindqvist"}}', "Maya Lindqvist"),
        # an author given as a reference to a Person of the @graph
        ('{"@context": "https://schema.org", "@graph": [{"@type": "Article", '
         '"author": {"@id": "#maya"}}, {"@type": "Person", "@id": "#maya", '
         '"name": "Maya Lindqvist"}]}', "Maya Lindqvist"),
        # several people, a lowercase type, an entity in the name
        ('{"@type": "BlogPosting", "author": [{"@type": "person", "name": "Maya Lindqvist"},'
         ' {"name": "Tom &amp; Jerry Berg"}]}', "Maya Lindqvist; Tom & Jerry Berg"),
    ],
)  # fmt: skip
def test_json_ld_authors_come_before_tags_and_bylines(json_ld: str, expected: str) -> None:
    assert extract_article(ARTICLE.format(json_ld=json_ld)).author == expected


def test_json_ld_reviews_name_no_author_and_organisations_come_last() -> None:
    json_ld = (
        '[{"@type": "Product", "review": {"@type": "Review", "author": {"name": "Rita Reviewer"}}},'
        ' {"@type": "Review", "author": {"@type": "Person", "name": "Rita Reviewer"}},'
        ' {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Harbour Desk"}}]'
    )
    linked = read_linked_data(parse_html(ARTICLE.format(json_ld=json_ld)))
    assert (linked.authors, linked.organization) == (None, "Harbour Desk")
    # the tag names a person: it comes before the organisation
    assert extract_article(ARTICLE.format(json_ld=json_ld)).author == "Harbour Gazette Online"
    without_tag = ARTICLE.replace('<meta name="author" content="Harbour Gazette Online">', "")
    without_byline = without_tag.replace('<p class="byline">By Someone Else</p>', "")
    assert extract_article(without_byline.format(json_ld=json_ld)).author == "Harbour Desk"


@pytest.mark.parametrize(
    ("author", "min_words", "expected"),
    [
        ("Ana de la Cruz; Jane Roe", 1, True),
        ("Amanda", 1, True),
        ("Amanda", 2, False),
        ("continuing to use this site", 1, False),
        ("Jane Roe, Senior Editor", 1, False),
        ("One Two Three Four Five Six", 1, False),
    ],
)
def test_looks_like_name(author: str, min_words: int, expected: bool) -> None:
    assert looks_like_name(author, min_words) is expected


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("Catering tips", "Catering tips", True),
        ("Catering  TIPS", "catering tips", True),
        ("Catering tips | Cookshack", "Catering tips", True),
        ("Catering tips \u2013 cookshack.example", "Catering tips", True),
        # Only segments naming the site: not a date, a subtitle, or a name that opens it.
        ("Catering tips / Dec 2025", "Catering tips", False),
        ("Catering tips for beginners", "Catering tips", False),
        ("Catering tips: a guide", "Catering tips", False),
        ("Cookshack | Catering tips", "Catering tips", False),
    ],
)
def test_says_title(text: str, title: str, expected: bool) -> None:
    assert says_title(text, title, "Cookshack", "www.cookshack.example") is expected
    assert says_title(text, title) is (" ".join(text.split()).lower() == title.lower())


def test_a_first_heading_with_the_sites_name_after_the_title_is_not_repeated_in_the_text() -> None:
    from article_extractor.pipeline.blocks.clean import clean_blocks
    from article_extractor.pipeline.blocks.lede import insert_lede
    from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind

    body = Block(BlockKind.PARAGRAPH, text="Plan for more guests than you expect.")
    heading = Block(BlockKind.HEADING, text="Catering tips | Cookshack", level=1)
    title = choose_title([heading.text], [heading.text], "Cookshack", "cookshack.example")
    assert title == "Catering tips"
    site = ("Cookshack", "cookshack.example")
    assert clean_blocks([heading, body], title=title, site=site).blocks == (body,)
    assert clean_blocks([heading, body], title=title).blocks == (heading, body)
    lede = "Five things to settle before the first booking."
    assert [b.text for b in insert_lede([heading, body], lede, title, site)] == [
        heading.text,
        lede,
        body.text,
    ]
