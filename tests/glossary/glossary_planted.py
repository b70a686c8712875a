"""Seed sentences with planted misspellings of glossary names, for the suggest test.

Each entry: the sentence and the planted spellings with the concepts that
count as a correct suggestion for them (full name or short form).
"""

from __future__ import annotations

PLANTED: list[tuple[str, list[tuple[str, set[str]]]]] = [
    ("Récemment, le ministre russe de la Défense Sergueï Shoygou se serait rendu en Corée du Nord "
     "afin d'obtenir des munitions supplémentaires pour la guerre.",
     [("Shoygou", {"shoigu", "shoigu-full"})]),
    ("Le président russe Vladimir Poutin a dépêché Choïgou pour diriger la délégation russe pour la commémoration.",
     [("Poutin", {"putin", "putin-full"})]),
    ("Pyongyang avait précédemment nié avoir fourni des armes à Moscou, mais on sait que ce pays ermite a "
     "fourni au groupe Wagner, la force mercenaire dirigée par le défunt chef de guerre Eugène Prigojin, "
     "des roquettes et des missiles d'infanterie.",
     [("Prigojin", {"prigozhin", "prigozhin-full"})]),
    ("Cette visite aurait été destinée à « convaincre Pjöngjang de vendre des munitions d'artillerie ».",
     [("Pjöngjang", {"pyongyang"})]),
    ("Quelques heures après l'avertissement de M. Kirbi, le porte-parole du Kremlin, Dmitri Peskow, "
     "a refusé de répondre ouvertement aux questions des journalistes.",
     [("Kirbi", {"kirby"}), ("Peskow", {"peskov", "peskov-full"})]),
    ("Vladimir Poutine et Kim Jong-eun ont échangé des lettres ces dernières semaines.",
     [("Kim Jong-eun", {"kim-jong-un"})]),
    ("L'ambassadrice américaine auprès des Nations unies, Linda Thomas-Grinfield, a ajouté dans une "
     "déclaration lue au nom des États-Unis que la Russie négocie avec la Corée du Nord.",
     [("Thomas-Grinfield", {"thomas-greenfield", "thomas-greenfield-full"})]),
    ("Son idée serait de voyager depuis Pyongyang, éventuellement en train blindé, jusqu'à Vladivostock "
     "sur la côte Pacifique de la Russie.",
     [("Vladivostock", {"vladivostok"})]),
    ("Mi-août, Moskou et Pyongyang s'étaient prononcés en faveur d'une coopération renforcée.",
     [("Moskou", {"moscow"})]),
    ("Le secrétaire d'État Antony Blinkin a averti plus tôt cette année que Pékin pesait la question.",
     [("Blinkin", {"blinken-full"})]),
    ("Le dirigeant chinois Xi Jinpin a promis au président russe un partenariat « sans limites ».",
     [("Xi Jinpin", {"xi-jinping"})]),
    ("La Maison Blanche a de nouveau dénoncé la visite du ministre Sergueï Schoigu en Corée du Nord.",
     [("Schoigu", {"shoigu", "shoigu-full"})]),
    ("Le porte-parole du Kremlin Dmitri Peskoff a refusé de confirmer l'information de Washington.",
     [("Peskoff", {"peskov", "peskov-full"})]),
    ("Les négociations entre la Russie et la Corée du Nord « progressent activement », a précisé John Kirbey.",
     [("Kirbey", {"kirby", "kirby-full"})]),
    ("Depuis cette visite, le président russe Vladimir Putine et le dirigeant nord-coréen se sont écrit des lettres.",
     [("Putine", {"putin", "putin-full"})]),
    ("Il a demandé à Piongiang de mettre fin aux négociations avec Moscou.",
     [("Piongiang", {"pyongyang"})]),
    ("Le groupe Wagner, dirigé par Evgueni Prigozhine, a reçu une livraison d'armes.",
     [("Prigozhine", {"prigozhin", "prigozhin-full"})]),
    ("Les États-Unis craignent depuis longtemps que la Chine fournisse des armes à la Rusie.",
     [("Rusie", {"russia"})]),
    ("La Corée du Nord s'est toutefois rangée du côté de la Russie dans la guerre en Oukraine.",
     [("Oukraine", {"ukraine"})]),
    ("Cependant, Adrienne Watsonn, porte-parole du Conseil de sécurité nationale, a expliqué à EFE que Kim "
     "souhaite poursuivre les négociations.",
     [("Adrienne Watsonn", {"watson-full"})]),
    ("Le ministre russe de la Défense, Sergeï Choïgou, s'est rendu à Pyongyang fin juillet.",
     [("Sergeï Choïgou", {"shoigu-full"})]),
    ("Kim voyage rarement en dehors de la Corée du Nord. Pour voir Poutine, il prendrait un train vers Wladiwostok.",
     [("Wladiwostok", {"vladivostok"})]),
    ("Le Kremlim chercherait ainsi à obtenir de la Corée du Nord des obus d'artillerie.",
     [("Kremlim", {"kremlin"})]),
    ("Selon Le New York Times, la Russie et la Corée du Nord seraient chacun à la recherche d'un type d'armement précis.",
     []),
    ("Outre la Corée du Nord, les relations entre la Russie et Kuba sont également scrutées de près.",
     [("Kuba", {"cuba"})]),
    ("Moscou et La Havanne ont renforcé leurs relations diplomatiques depuis l'année dernière.",
     [("La Havanne", {"havana"})]),
    ("Il tend la main à des pays comme la Corée du Nord, comme l'Iran, et il a certainement essayé de tendre "
     "la main à la Chine pour obtenir du soutien pour sa machine de guerre.",
     []),
    ("John Kirby a déclaré que la Corée du Nord avait livré l'année dernière à la Russie des missiles "
     "d'infanterie pour l'utilisation de la force mercenaire Vagner, malgré ses démentis.",
     [("Vagner", {"wagner"})]),
    ("L'administration Bidenn affirme que la dépendance du Kremlin à l'égard de la Corée du Nord montre le "
     "désespoir de la Russie.",
     [("Bidenn", {"biden"})]),
    ("Les Américains tirent la sonnette d'alarme ; les Britanniques, les Sud-coréens ou encore les Japonais "
     "aussi, et les Cubains, les Russes et les Ukrainiens suivent.",
     []),
    ("Le leader nord-coréen Kim Čong-un prévoit de se rendre en Russie ce mois-ci.",
     [("Kim Čong-un", {"kim-jong-un"})]),
    ("Mais les responsables américains ont déclaré qu'à ce jour, ils ne pensaient pas que la Chine ait fourni "
     "des armes à Moscou ; la Corée du Nord et l'Iran sont largement isolés.",
     []),
    ("Le groupe paramilitaire de Prigogine a joué un rôle clé dans l'offensive russe.",
     [("Prigogine", {"prigozhin", "prigozhin-full"})]),
    ("Moscou et Pyongjang entretiennent de bonnes relations mutuellement respectueuses.",
     [("Pyongjang", {"pyongyang"})]),
    ("C'est la réponse du porte-parole du Kremlin Dmitriy Peskov à la question des journalistes.",
     [("Dmitriy Peskov", {"peskov-full"})]),
    ("Récemment, l'ambassadrice américaine à l'ONU, Linda Tomas-Greenfield, avait assuré que ces armements "
     "seraient utilisés contre l'Ukraine.",
     [("Linda Tomas-Greenfield", {"thomas-greenfield-full"})]),
    ("Le leader nord-coréen Kim Jong-oun prévoit de se rendre en Russie pour parler avec Vladimir Poutine.",
     [("Kim Jong-oun", {"kim-jong-un"})]),
    ("Selon le Washingten Post, la Maison Blanche disposait déjà d'informations sur l'échange de lettres.",
     [("Washingten", {"washington", "washington-post"})]),
]


def score(found, lines_offset: int = 0) -> tuple[float, float, list, list]:
    """Precision, recall, false suggestions and missed plants of ``found`` (suggestions over
    ``PLANTED``'s sentences, which start after ``lines_offset`` other lines)."""
    gold = [(no + lines_offset, span, concepts)
            for no, (_, plants) in enumerate(PLANTED, 1) for span, concepts in plants]

    def hit(s, g) -> bool:
        return s.line == g[0] and (g[1] in s.span or s.span in g[1]) and s.concept in g[2]

    false = [s for s in found if not any(hit(s, g) for g in gold)]
    missed = [g for g in gold if not any(hit(s, g) for s in found)]
    precision = (len(found) - len(false)) / len(found) if found else 1.0
    return precision, (len(gold) - len(missed)) / len(gold), false, missed
