"""No rule removes ordinary article sentences that merely mention its topic.

For every rule in `clean.RULES`, sentences a reporter could write in any story, using the words
the rule looks for (subscribe, newsletter, share, cookies, commission, photo, comments,
donate, copyright, updated, app, JavaScript...), none of them clutter. Most are short, so the
short-line rules apply to them in full.
"""

from __future__ import annotations

import pytest

from article_extractor.pipeline.blocks import clean

PROSE: dict[str, tuple[str, ...]] = {
    "template_token": (
        "The ministry sent every school the same template for its annual safety report.",
        "Inflation slowed to 2.1% in May from 2.4% in April, the statistics office said.",
        "Tickets cost $15 for adults and $8 for children, with under-fives admitted free.",
        "Engineers typed placeholder values into the spreadsheet before the real figures came.",
        "The lecturer wrote the set {1, 2, 3} on the blackboard and asked for its subsets.",
    ),
    "stray_punctuation": (
        "(The minister declined to comment.)",
        "“No,” she said. “Never.”",
        "Why — after forty years — did the factory close so suddenly?",
    ),
    "related_label": (
        "Related charges against two other directors were dropped in March.",
        "Also read into the record were letters the defendant sent from prison.",
        "The most read books in the library last year were crime novels.",
        "See also how the ministry's own figures tell a rather different story.",
        "Further reading of the contract revealed a clause nobody had noticed.",
        "Lea también el informe de la comisión, pidió el diputado en el pleno.",
    ),
    "subscription_teaser": (
        "The council will subscribe to the regional transport plan, officials said on Tuesday.",
        "The streaming service lost almost a million subscribers in the second quarter.",
        "The full story of the rescue only emerged weeks later.",
        "Average rents rose by 40 euros per month in the capital last year.",
        "Customers can cancel any time without penalty under the new law.",
        "The share offer was heavily oversubscribed, the bank said.",
        "Die Miete stieg im Schnitt um 50 Euro pro Monat.",
        "El Gobierno suscribió un acuerdo con los sindicatos el martes.",
    ),
    "newsletter_signup": (
        "The school newsletter announced the head teacher's retirement in March.",
        "Fans never miss a home game, however bad the weather, she said.",
        "More than three hundred volunteers signed up for the beach clean-up.",
        "Visitors get the best of the view from the north tower at sunset.",
        "Police asked anyone who received the fake email to report it.",
        "Residents can sign up for flood alerts on the council's website.",
        "The app lets fans turn on notifications for each of their teams.",
        "Emergency alerts were sent to every phone in the county on Tuesday.",
    ),
    "social_prompt": (
        "She shared the prize with two colleagues from the Berlin laboratory.",
        "Share prices fell sharply on Monday after the profit warning.",
        "Police will follow leads on the missing teenager throughout the weekend.",
        "Children like swimming at the lido when the water is warm.",
        "Three swimmers joined the relay across the English Channel this summer.",
        "The minister posted a statement on Facebook late on Sunday night.",
    ),
    "cookie_consent": (
        "The bakery sold four thousand cookies using a recipe from 1920.",
        "The union said it would not accept all of the proposals.",
        "Regulators said the app's privacy settings were too hard to find.",
        "Browsers will block third-party cookies by default from next year.",
        "The bank said it had updated its privacy policy after the regulator's fine.",
        "By using the new service, customers agree to share their location, the firm said.",
    ),
    "advertising": (
        "The club's affiliate in Manchester folded last year after losing its sponsor.",
        "We earn less than our parents did at our age, the nurses said.",
        "Advertising revenue at the broadcaster fell by a fifth in the first quarter.",
        "The film is rated 18+ because of its violent scenes.",
        "The bonus offer was withdrawn after the strike began.",
        "The council banned gambling adverts on buses last year.",
    ),
    "image_credit": (
        "Photographers from Reuters and AFP waited outside the court for hours.",
        "Credit-card debt rose sharply in the first three months of the year.",
        "Picture-perfect weather greeted the runners at the start on Sunday.",
        "Reuters first reported the talks.",
        "Photo 51, taken in 1952, revealed the structure of DNA.",
        "The photo-finish camera confirmed the result after a long delay.",
    ),
    "comment_prompt": (
        "Comments from residents were collected at three public meetings last month.",
        "In a letter to the editor, the bishop criticised the plan.",
        "There were no comments from the club when contacted on Monday.",
        "Teachers were invited to join the discussion on exam reform.",
        "Investigators will read the comments the suspect posted online.",
    ),
    "donation_ask": (
        "She decided to donate a kidney to her younger brother.",
        "The museum received a donation of three hundred paintings.",
        "Finland applied to become a member of the alliance after the invasion.",
        "Neighbours chip in every winter to heat the village hall.",
        "Blood banks are asking for more donors before the summer holidays.",
        "Der Verein unterstützte die Flutopfer mit Decken und warmem Essen.",
        "Die Stadt will die Flutopfer mit einem Hilfsfonds unterstützen.",
    ),
    "copyright_notice": (
        "The band lost a copyright case over the chorus of its biggest hit.",
        "The publisher plans a reprint of the novel in June.",
        "Pupils need written permission from their parents to join the trip.",
        "Users were angered by changes to the platform's terms of service.",
        "The rights to the film were sold to a studio in Los Angeles.",
    ),
    "metadata_line": (
        "The company updated its forecast on March 3 after weak sales in Asia.",
        "Updated rules apply from 1 June.",
        "Published in 1851, the novel sold poorly at first.",
        "By 19:45 the square was full.",
        "Category A prisoners were moved overnight.",
    ),
    "app_prompt": (
        "Apple was fined over App Store rules by the European Commission.",
        "Residents can download the council's new parking app from Monday.",
        "Google Play revenue rose by a tenth last year, analysts estimate.",
        "The bank's app crashed for six hours on payday, customers said.",
    ),
    "javascript_notice": (
        "JavaScript is required for the new tax portal, critics complained.",
        "The developers said the site needs JavaScript to run its maps.",
        "Many older browsers cannot display the new council website properly.",
        "Security researchers advised users to disable JavaScript in their browsers.",
        "Staff were told they must enable JavaScript before using the new payroll system.",
    ),
}

CASES = [(rule, sentence) for rule, sentences in PROSE.items() for sentence in sentences]


def test_every_rule_has_at_least_three_prose_sentences() -> None:
    assert set(clean.RULES) <= set(PROSE)
    assert all(len(PROSE[rule]) >= 3 for rule in clean.RULES)


@pytest.mark.parametrize(
    ("topic", "sentence"),
    CASES,
    ids=[f"{rule}-{index}" for rule, sentences in PROSE.items() for index in range(len(sentences))],
)
def test_ordinary_sentence_is_not_clutter(topic: str, sentence: str) -> None:
    fired = clean.first_rule(sentence)
    assert fired is None, f"rule {fired} removes prose about {topic}: {sentence!r}"


def test_short_sentences_after_a_prose_mention_of_subscribers_are_kept() -> None:
    """A subscription teaser starts a block that takes the short lines after it (plan names,
    prices): a story's own short sentences after a mention of subscribers must not go with it."""
    passage = [
        "The streaming service lost almost a million subscribers in the second quarter.",
        "Its shares fell 9% on Wednesday.",
        "Analysts had expected a small rise.",
    ]
    result = clean.clean_text("\n".join(passage))
    assert result.text.split("\n") == passage, result.removed
