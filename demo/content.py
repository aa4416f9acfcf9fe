"""The fixed texts of the demo requests: what a requester writes for path B and C, the answer a
clinician gives per topic, and the clinician's checklist when sending it."""

from __future__ import annotations

#: R19–R21, R25, R31/R36: the clinician's checklist, all ticked, when an answer is sent.
ALL_CONFIRMED = {
    "confirmed_factual": True,
    "confirmed_no_parenting_judgement": True,
    "confirmed_weighed_criteria": True,
    "confirmed_recorded_in_file": True,
}

#: R30, in the words of a youth-care worker.
PATH_B = {
    "b_risk_of_serious_harm": "Zonder zicht op het verloop van de behandeling kunnen we niet inschatten "
    "of de kinderen thuis veilig zijn; school meldt dat ze vaak hongerig en moe zijn.",
    "b_only_source": "Alleen de behandelaar kent het verloop van de behandeling en de medicatietrouw.",
    "b_prevents_harm": "Met de informatie kunnen we tijdig een veiligheidsplan en hulp thuis inzetten.",
    "b_specific_information": "We vragen alleen naar het verloop van de behandeling sinds januari en "
    "hoe de ouder met stress omgaat.",
    "b_why_still_necessary": "De ouder weigert, maar de signalen van school en huisarts zijn ernstig "
    "en nemen toe.",
    "b_will_inform_parent": True,
}

#: R32, R33
PATH_C = {
    "c_why_not_asked": "De partner van de ouder is bij eerdere vragen agressief geworden tegen de "
    "ouder en de kinderen; vragen zou hen nu in gevaar brengen.",
    "c_why_necessary": "Er is een ernstig vermoeden van huiselijk geweld; we moeten de veiligheid "
    "van de kinderen deze week inschatten.",
}


#: The answer per topic (R15 own observations, R16 others' with source, R17 both sides, R18).
ANSWERS: dict[str, dict[str, str]] = {
    letter: {
        "own_observations": own,
        "others_observations": others,
        "others_sources": source,
        "strengthening_facts": strengthening,
        "weakening_facts": weakening,
        "explanation": explanation,
    }
    for letter, (own, others, source, strengthening, weakening, explanation) in {
        "a": (
            "In de gesprekken sinds maart is de ouder vlak en weinig bereikbaar; over de kinderen "
            "praat de ouder zelden uit zichzelf.",
            "De partner vertelt dat de ouder 's middags vaak slaapt.",
            "Partner, in het gezinsgesprek van 12 mei.",
            "Twee afspraken vergeten in april.",
            "Sinds de medicatie is aangepast, komt de ouder alle afspraken na.",
            "Een depressie kan de emotionele beschikbaarheid tijdelijk verminderen; dat herstelt "
            "meestal met de behandeling.",
        ),
        "b": (
            "Somberheid, slaapproblemen en concentratieproblemen; de ouder houdt het huishouden "
            "met hulp van de eigen moeder op orde.",
            "",
            "",
            "Weinig energie aan het eind van de dag.",
            "Goede zelfzorg en een duidelijke dagstructuur met werk in de ochtend.",
            "",
        ),
        "c": (
            "De ouder volgt sinds februari wekelijks cognitieve gedragstherapie; de opkomst is "
            "sinds april volledig.",
            "",
            "",
            "",
            "De behandeling verloopt volgens plan.",
            "",
        ),
        "d": (
            "De ouder benoemt de eigen klachten en zoekt zelf hulp bij terugval.",
            "",
            "",
            "",
            "Goed ziektebesef.",
            "",
        ),
        "e": (
            "De ouder heeft steun van de eigen moeder en een vriendin in de buurt.",
            "",
            "",
            "",
            "Een stabiel netwerk dat helpt met de kinderen.",
            "",
        ),
        "f": (
            "Bij spanning trekt de ouder zich terug; de ouder oefent met een signaleringsplan.",
            "Volgens de partner wordt de ouder dan prikkelbaar.",
            "Partner, telefonisch op 3 juni.",
            "Prikkelbaarheid bij spanning.",
            "Het signaleringsplan wordt gebruikt.",
            "",
        ),
    }.items()
}
