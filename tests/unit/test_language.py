from __future__ import annotations

import pytest

from article_extractor.pipeline.metadata.language import detect_language

SENTENCES = {
    "en": "The council voted on Thursday night to approve the new tram line, which will link the "
    "old docks to the university quarter for the first time since the trams were withdrawn.",
    "de": "Die Stadtbücherei an der Hafenstraße öffnet nach dem Umbau wieder ihre Türen. Die "
    "Besucher können sich auf größere Räume und längere Öffnungszeiten freuen.",
    "fr": "Le marché couvert de la place des Tilleuls s'éveille très tôt le samedi. Dès six "
    "heures, les maraîchers déchargent leurs cagettes de poireaux et de carottes.",
    "es": "El gobierno anunció este martes un nuevo plan para reducir el precio de la energía, "
    "que según los expertos podría beneficiar a millones de hogares en todo el país.",
    "it": "Il consiglio comunale ha approvato ieri sera il nuovo piano per il trasporto "
    "pubblico, che prevede una linea di tram lungo il fiume e nuove piste ciclabili.",
    "pt": "O governo anunciou nesta terça-feira um novo plano para reduzir o preço da energia, "
    "que segundo os especialistas pode beneficiar milhões de famílias em todo o país.",
    "nl": "De gemeenteraad heeft gisteravond ingestemd met de nieuwe tramlijn langs de rivier, "
    "die de oude haven met de universiteit zal verbinden voor het eerst sinds jaren.",
    "pl": "Rada miasta zatwierdziła wczoraj wieczorem nową linię tramwajową wzdłuż rzeki, która "
    "po raz pierwszy od lat połączy stary port z dzielnicą uniwersytecką.",
    "ru": "Осенняя ярмарка в небольшом городе прошла в минувшие выходные и собрала тысячи "
    "гостей из соседних районов, которые приехали за мёдом и овощами.",
    "uk": "Міська рада вчора ввечері затвердила нову трамвайну лінію вздовж річки, яка вперше "
    "за багато років з'єднає старий порт з університетським кварталом.",
    "ja": "市議会は木曜日の夜、川沿いの新しい路面電車の路線を承認しました。",
    "zh": "市议会周四晚上批准了沿河新建有轨电车线路的计划。",
    "ko": "시의회는 목요일 밤 강변을 따라 새로운 트램 노선을 승인했습니다.",
    "el": "Το δημοτικό συμβούλιο ενέκρινε την Πέμπτη το βράδυ τη νέα γραμμή του τραμ.",
}


@pytest.mark.parametrize(("code", "text"), sorted(SENTENCES.items()))
def test_detects_the_language(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "Hello world", "12345 67890 !!!", "OK OK OK OK OK OK OK"])
def test_too_little_evidence_gives_none(text: str) -> None:
    assert detect_language(text) is None
