"""A subscription teaser takes the short lines after it (plan names, prices, bullets) up to the
first line of prose, but not the next section of the page: a heading ends it unless a price or
a billing period follows the heading (a plan's name). So a product's "Subscribe & save" option
no longer takes the Features heading and list and the Description heading after it, in any
language, while a paywall whose plans are headings still goes whole. Pages and lines written
for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from article_extractor.pipeline.blocks.clean import clean_blocks
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem
from tests.conftest import ROOT
from tests.unit.test_declared_page_types import process

PRODUCTS = ROOT / "tests/fixtures/product"


def heading(text: str, level: int = 2) -> Block:
    return Block(BlockKind.HEADING, text=text, level=level)


def paragraph(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, text=text)


def bullets(*items: str) -> Block:
    return Block(BlockKind.LIST, items=tuple(ListItem(item) for item in items))


def kept_lines(blocks: list[Block]) -> list[str]:
    lines = []
    for block in clean_blocks(blocks).blocks:
        if block.kind is BlockKind.LIST:
            lines += [item.text for item in block.items]
        else:
            lines += block.text.split("\n")
    return lines


PRODUCT_SECTIONS = [
    (
        "Subscribe & save 10% on repeat orders",
        ["Features", "Two-tone whistle", "Stay-cool handle", "Wide opening for easy filling"],
        ["Description", "A kettle in brushed steel that whistles when the water boils."],
    ),
    (
        "Abonnieren & sparen: 5 % Rabatt auf jede Lieferung",
        ["Ausstattung", "Belüfteter Netzrücken", "Integrierte Regenhülle", "Zwei Hüftgurttaschen"],
        ["Beschreibung", "Ein leichter Tagesrucksack für lange Touren in den Bergen und im Tal."],
    ),
    (
        "Suscríbete y ahorra un 10 % en cada envío",
        [
            "Características",
            "Muelas cónicas de acero",
            "18 niveles de molienda",
            "Manivela plegable",
        ],
        ["Descripción", "Un molinillo manual que muele el grano justo antes de preparar el café."],
    ),
]


@pytest.mark.parametrize(("teaser", "features", "description"), PRODUCT_SECTIONS)
def test_a_section_after_a_subscribe_option_is_kept(
    teaser: str, features: list[str], description: list[str]
) -> None:
    blocks = [
        paragraph("£39.90"),
        paragraph(teaser),
        heading(features[0]),
        bullets(*features[1:]),
        heading(description[0]),
        paragraph(description[1]),
    ]
    lines = kept_lines(blocks)
    assert teaser not in lines  # the teaser itself is still a teaser
    assert lines[-len(features) - 2 :] == [*features, *description]


def test_a_paywall_whose_plans_are_headings_goes_whole() -> None:
    story = "The volunteers hope to finish the western shore before the monsoon breaks."
    blocks = [
        paragraph(story),
        paragraph("Subscribe now for unlimited access."),
        heading("Digital", 3),
        paragraph("$4.99/month"),
        bullets("Every story on every device", "The daily crossword"),
        heading("Digital + Print", 3),
        paragraph("$9.99/month"),
        bullets("The weekend paper delivered"),
        paragraph("Renews automatically, cancel anytime"),
    ]
    assert kept_lines(blocks) == [story]


def test_the_product_page_keeps_its_sections(tmp_path: Path) -> None:
    """The English product page with a subscribe-and-save option above its features."""
    html = (PRODUCTS / "kettle-en.html").read_text(encoding="utf-8")
    html = html.replace(
        "In stock: dispatched within 24 hours.", "Subscribe &amp; save 10% on repeat orders"
    )
    description = html[html.index('<section class="product-description"') :]
    description = description[: description.index("</section>") + len("</section>")]
    html = html.replace(description, "").replace(
        "</ul>\n    </section>", "</ul>\n    </section>\n" + description, 1
    )
    page = tmp_path / "kettle.html"
    page.write_text(html, encoding="utf-8")
    for model in (True, False):
        document = process(page, model)
        assert document.article is not None
        lines = document.article.text.splitlines()
        for line in ("Features", "Two-tone whistle when the water boils", "Description"):
            assert line in lines
        assert "Subscribe & save 10% on repeat orders" not in lines
