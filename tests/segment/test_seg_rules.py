"""The rule segmenter on the hard cases of French and English news text."""

import pytest

from workbench.segment.rules import RuleSegmenter, extra_starts, keeps_start

FRENCH = [
    # titles and abbreviations
    ("M. Kirby a déclaré que non. Mme Dupont a confirmé.",
     ["M. Kirby a déclaré que non.", "Mme Dupont a confirmé."]),
    ("MM. Dupont et Durand sont arrivés. Mlle Martin aussi.",
     ["MM. Dupont et Durand sont arrivés.", "Mlle Martin aussi."]),
    ("Selon le Dr. Martin, c'est grave. Le Pr. Durand confirme.",
     ["Selon le Dr. Martin, c'est grave.", "Le Pr. Durand confirme."]),
    ("Il a maintenu le cap. Les autres ont suivi le Gén. Martin.",
     ["Il a maintenu le cap.", "Les autres ont suivi le Gén. Martin."]),
    ("Les E.-U. ont refusé. La France aussi.", ["Les E.-U. ont refusé.", "La France aussi."]),
    ("Ils ont apporté des pommes, des poires, etc. Puis ils sont partis.",
     ["Ils ont apporté des pommes, des poires, etc.", "Puis ils sont partis."]),
    ("Il a acheté des pommes, etc. et il est parti.",
     ["Il a acheté des pommes, etc. et il est parti."]),
    # initials
    ("J. R. R. Tolkien a écrit ce livre. Il est célèbre.",
     ["J. R. R. Tolkien a écrit ce livre.", "Il est célèbre."]),
    ("Le livre de J.-R. Martin est sorti. Il plaît.",
     ["Le livre de J.-R. Martin est sorti.", "Il plaît."]),
    # numbers and dates
    ("Il est arrivé le 26 juillet 2023. Il est reparti le 4 août.",
     ["Il est arrivé le 26 juillet 2023.", "Il est reparti le 4 août."]),
    ("La croissance est de 3.5 % ou 3,5 %. C'est peu.",
     ["La croissance est de 3.5 % ou 3,5 %.", "C'est peu."]),
    ("Le 4 sept. 2023, il pleuvait. Le lendemain aussi.",
     ["Le 4 sept. 2023, il pleuvait.", "Le lendemain aussi."]),
    ("Il est écrit p. 12 du rapport. Voilà.", ["Il est écrit p. 12 du rapport.", "Voilà."]),
    ("Il est né en 1990. 2023 fut une année difficile.",
     ["Il est né en 1990.", "2023 fut une année difficile."]),
    # ellipses
    ("Il hésita… Puis il partit. Elle attendit... Rien ne vint.",
     ["Il hésita…", "Puis il partit.", "Elle attendit...", "Rien ne vint."]),
    ("Il hésita... puis il partit.", ["Il hésita... puis il partit."]),
    ("Il a vu […] Paris. Oui.", ["Il a vu […] Paris.", "Oui."]),
    # quotes: the sentence ends inside the quote
    ("Il a dit : « Non, jamais. » Puis il est parti.",
     ["Il a dit : « Non, jamais. »", "Puis il est parti."]),
    ("« Nous refusons. Nous partons. » Tel fut le message.",
     ["« Nous refusons.", "Nous partons. »", "Tel fut le message."]),
    ("Les négociations «progressent activement», a précisé John Kirby. Il a raison.",
     ["Les négociations «progressent activement», a précisé John Kirby.", "Il a raison."]),
    ("Le groupe a parlé d'un pays « ami ». Puis rien.",
     ["Le groupe a parlé d'un pays « ami ».", "Puis rien."]),
    ('Il a dit "Non." Puis il est parti.', ['Il a dit "Non."', "Puis il est parti."]),
    ('"C\'est fini", a déclaré Kirby. "Il utilise un arsenal."',
     ['"C\'est fini", a déclaré Kirby.', '"Il utilise un arsenal."']),
    # dialogue dashes
    ("— Oui, dit-il. — Non, répondit-elle.", ["— Oui, dit-il.", "— Non, répondit-elle."]),
    # parentheses
    ("Il est parti (il le fallait.) Elle est restée.",
     ["Il est parti (il le fallait.)", "Elle est restée."]),
    ("Il est parti (enfin). Elle est restée.", ["Il est parti (enfin).", "Elle est restée."]),
    # datelines and agency credits
    ("PARIS (AFP) — Le gouvernement a annoncé une réforme. Elle sera votée.",
     ["PARIS (AFP) — Le gouvernement a annoncé une réforme.", "Elle sera votée."]),
    ("WASHINGTON (AP) — La Maison Blanche a déclaré jeudi que non. Kirby a confirmé.",
     ["WASHINGTON (AP) — La Maison Blanche a déclaré jeudi que non.", "Kirby a confirmé."]),
    ("Le conflit continue. (AFP)", ["Le conflit continue.", "(AFP)"]),
    # photo credits
    ("Il s'exprime à Washington. (Photo AP/Evan Vucci)",
     ["Il s'exprime à Washington.", "(Photo AP/Evan Vucci)"]),
    ("La Russie perdrait ses équipements lourds en Ukraine Image : Libkos/AP/picture alliance",
     ["La Russie perdrait ses équipements lourds en Ukraine",
      "Image : Libkos/AP/picture alliance"]),
    # scraping accidents (seeds 003 and 002)
    ("Des exercices militaires conjoints.Si l'organisation se précise, ils auront lieu.",
     ["Des exercices militaires conjoints.", "Si l'organisation se précise, ils auront lieu."]),
    ("La visite de Sergueï Choïgu. . M. Kirby a ajouté une phrase.",
     ["La visite de Sergueï Choïgu. .", "M. Kirby a ajouté une phrase."]),
    ("Voir www.exemple.Fr pour plus. Merci.", ["Voir www.exemple.Fr pour plus.", "Merci."]),
    ("Vraiment ? Oui ! Il a raison.", ["Vraiment ?", "Oui !", "Il a raison."]),
]

ENGLISH = [
    ("Mr. Smith went to Washington D.C. on Jan. 5. He said no.",
     ["Mr. Smith went to Washington D.C. on Jan. 5.", "He said no."]),
    ("The U.S. Senate voted. The bill passed.", ["The U.S. Senate voted.", "The bill passed."]),
    ("WASHINGTON (AP) — The White House said Thursday it was true. Kirby agreed.",
     ["WASHINGTON (AP) — The White House said Thursday it was true.", "Kirby agreed."]),
    ('He said, "We refuse." Then he left.', ['He said, "We refuse."', "Then he left."]),
    ("It grew 3.5 percent in 2023. That is a lot.",
     ["It grew 3.5 percent in 2023.", "That is a lot."]),
    ("Dr. J. R. R. Tolkien wrote it. It is famous.",
     ["Dr. J. R. R. Tolkien wrote it.", "It is famous."]),
    ("Wait... What happened? Nothing!", ["Wait...", "What happened?", "Nothing!"]),
    ("He left (he had to.) She stayed.", ["He left (he had to.)", "She stayed."]),
    ("Mrs. Jones met Gen. Milley on Oct. 3. They talked.",
     ["Mrs. Jones met Gen. Milley on Oct. 3.", "They talked."]),
]


@pytest.mark.parametrize(("text", "expected"), FRENCH)
def test_french(text, expected):
    assert RuleSegmenter().split(text, "fr") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english(text, expected):
    assert RuleSegmenter().split(text, "en") == expected


def test_regional_code_uses_the_base_language():
    assert RuleSegmenter().split("M. Kirby a dit non. Elle aussi.", "fr-FR") == [
        "M. Kirby a dit non.", "Elle aussi."]


def test_other_pysbd_language_falls_back_to_pysbd():
    assert RuleSegmenter().split("Das ist gut. Wir gehen.", "de") == ["Das ist gut.", "Wir gehen."]


@pytest.mark.parametrize(("text", "offset", "kept"), [
    ("Les E.-U. ont", 6, False),          # inside a token
    ("Il vient. puis part", 10, False),   # lowercase next
    ("M. Kirby", 3, False),               # title
    ("Il vient. Puis part", 10, True),
    ("conjoints.Si", 10, True),           # missing space
    ("WASHINGTON (AP) — La", 16, False),  # dateline
])
def test_keeps_start(text, offset, kept):
    assert keeps_start(text, offset, "fr") is kept


def test_extra_starts_finds_glued_and_quoted_ends():
    text = "Il a dit « Non. » Puis conjoints.Si oui."
    assert sorted(extra_starts(text)) == [text.index("Puis"), text.index("Si")]
