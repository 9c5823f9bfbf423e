"""Generate the SYNTHETIC consultation responses in responses.csv (fixed seed: reproducible).

The 329 real responses to the initial consultation (seed 000 para 12) are not public. This
script writes 329 made-up ones so that planlib consult, notebook 03 and the consultation app
have something realistic to work on: residents, organisations and partners, an uneven spread
over the seven local authorities (some over-represented, some under-represented against their
census population) and over age bands (few young people, as in most consultations), and
varied wording, several themes in some responses and none in others. Every row says it is
synthetic in its ``source`` and ``status`` columns. No figure drawn from it is evidence.

Run it from the repository root to regenerate the file (it is overwritten atomically)::

    .venv/bin/python data/west_midlands_2021/consultation/generate.py
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from planlib.io import write_atomic

SEED = 20210506
"""The random seed (the day after the 2021 election, when the consultation opened)."""

RESPONSES = 329
"""As many responses as the initial consultation received (seed 000 para 12)."""

SOURCE = "synthetic: made up by data/west_midlands_2021/consultation/generate.py (seed 20210506); not a real response"

LOCAL_AUTHORITIES = {
    # Shares of responses, deliberately uneven against the census populations.
    "Birmingham": 0.23, "Coventry": 0.15, "Dudley": 0.13, "Sandwell": 0.07, "Solihull": 0.16,
    "Walsall": 0.10, "Wolverhampton": 0.08, "outside": 0.03, "unknown": 0.05,
}
RESIDENT_AGES = {
    "under 16": 0.015, "16-24": 0.035, "25-34": 0.11, "35-44": 0.17, "45-54": 0.22,
    "55-64": 0.22, "65+": 0.18, "not given": 0.04,
}
RESPONDENT_TYPES = {"resident": 0.86, "organisation": 0.09, "partner": 0.05}
THEME_WEIGHTS = {
    "theme_local_policing": 0.24, "pri_confidence": 0.18, "theme_reducing_violence": 0.16,
    "pri_young_people": 0.13, "theme_da_vawg": 0.12, "theme_drug_harm": 0.10, "pri_multi_agency": 0.07,
}
THEMES_PER_RESPONSE = {0: 0.08, 1: 0.47, 2: 0.35, 3: 0.10}

FRAGMENTS = {
    "theme_local_policing": [
        "We never see a police officer on foot in {place} any more.",
        "Bring back the neighbourhood team we used to have; they knew everyone.",
        "Our PCSO has not been seen for months.",
        "I would like more visible patrols in the evenings, especially near the shops.",
        "The local police station closed and now there is nowhere to go to report anything.",
        "Burglaries on our road have gone up and there is no local policing to speak of.",
        "Antisocial behaviour outside the flats goes on every night.",
        "Community policing means officers who walk the beat and come to residents' meetings.",
        "Please put officers back on the beat in {place}.",
        "Youths on scramblers ride through the park and the local team does nothing.",
    ],
    "pri_confidence": [
        "I rang 101 and gave up after forty minutes on hold.",
        "When I reported a crime nobody came and I was never kept informed.",
        "I have lost confidence in the police to deal with anything.",
        "Complaints against officers should be investigated by someone independent.",
        "Stop and search is not used fairly and it damages trust in our community.",
        "My car was broken into and I was told nothing could be done.",
        "The police need to earn back the trust of ordinary people.",
        "Response times to 999 calls are far too slow.",
        "Officers were polite and followed up my report, which I appreciated.",
        "People here feel let down by the justice system.",
    ],
    "theme_reducing_violence": [
        "Knife crime is out of control and young men are dying.",
        "There was a stabbing at the end of my road last month.",
        "Gangs are fighting over territory in {place}.",
        "I worry about gun crime, there have been shootings near the school.",
        "Violent crime has to be the top priority.",
        "Muggings and assaults around the station make people afraid to travel at night.",
        "Serious violence affects whole families for years afterwards.",
        "Get weapons off the streets.",
        "Too many fights in the town centre at weekends.",
        "Robbery of phones at knifepoint is common now.",
    ],
    "pri_young_people": [
        "Young people need somewhere to go; the youth centres have all closed.",
        "Invest in youth workers and mentoring, not just enforcement.",
        "Children are being exploited by older criminals.",
        "Schools should teach pupils about the risks before they get drawn in.",
        "Teenagers have nothing to do in the holidays.",
        "Give young people apprenticeships and a future to aim for.",
        "Kids as young as twelve are hanging around with gangs.",
        "Youth violence starts with boredom and poverty.",
        "Listen to young people themselves; they know what is going on.",
        "Children in care are targeted by groomers.",
    ],
    "theme_da_vawg": [
        "Domestic abuse victims need to be believed and protected.",
        "Violence against women and girls has to be taken seriously by every officer.",
        "Women do not feel safe walking home after dark.",
        "Rape cases almost never reach court.",
        "Street harassment of women and girls is constant.",
        "Refuges and support services for survivors need secure funding.",
        "Coercive control is still not understood by officers who attend.",
        "Stalking should be treated as the serious crime it is.",
        "Drink spiking in bars is a real worry for my daughters.",
        "Sexual violence services have waiting lists of months.",
    ],
    "theme_drug_harm": [
        "Drug dealing goes on openly outside the shops in {place}.",
        "People addicted to heroin need treatment, not prison.",
        "County lines gangs are using children to move drugs.",
        "Needles and syringes are left in the park where children play.",
        "Cannabis smoke everywhere; nobody seems to care.",
        "More drug treatment and rehab places would cut crime.",
        "Crack houses in the area attract all sorts of trouble.",
        "Nitrous oxide canisters litter the streets every weekend.",
        "Tackle the dealers at the top rather than the users.",
        "Drug harm should be treated as a health issue.",
    ],
    "pri_multi_agency": [
        "The police, councils and the NHS must work together much better.",
        "Agencies do not share information, so families fall through the gaps.",
        "A joined-up approach across the region would save money.",
        "Partnership working with schools, health and housing is the only way.",
        "Social services and the police pass people back and forth.",
        "Community safety partnerships need proper funding from the Commissioner.",
        "Probation, health services and police should sit round the same table.",
        "Councils across the West Midlands should pool their resources.",
        "The fire service and ambulance service could share buildings with the police.",
        "Multi-agency working must be the norm, not the exception.",
    ],
}
OTHER = [
    "Speeding on our road is dangerous.",
    "Fly-tipping is a blight on the area.",
    "Online fraud against older people is growing.",
    "Parking on pavements makes it hard to get about with a pram.",
    "Catalytic converter thefts are happening every week.",
    "Noise from cars racing late at night keeps us awake.",
    "Cyber crime is the crime of the future.",
    "Shoplifting is costing small businesses a fortune.",
]
PLACES = ["our area", "the town centre", "my estate", "the high street", "our village", "the city centre"]
OPENERS = {
    "resident": ["", "", "", "As a resident for thirty years, ", "As a parent, ", "Honestly, ", "In my view, "],
    "organisation": ["As a local charity, ", "Our organisation supports families and we find that ",
                     "As a residents' association, ", "Speaking for our members, "],
    "partner": ["As a partner agency, ", "From the council's point of view, ", "Our service sees that ",
                "As a health partner, "],
}


def _pick(rng: np.random.Generator, weights: dict[str, float], size: int | None = None) -> object:
    keys = list(weights)
    p = np.array(list(weights.values()))
    return rng.choice(keys, p=p / p.sum(), size=size)


def _response(rng: np.random.Generator, respondent_type: str) -> tuple[str, list[str]]:
    count = int(_pick(rng, {str(k): v for k, v in THEMES_PER_RESPONSE.items()}))
    keys = list(THEME_WEIGHTS)
    p = np.array(list(THEME_WEIGHTS.values()))
    themes = list(rng.choice(keys, size=count, replace=False, p=p / p.sum())) if count else []
    sentences = [str(rng.choice(FRAGMENTS[t])) for t in themes]
    if not themes or rng.random() < 0.15:
        sentences.append(str(rng.choice(OTHER)))
    sentences = [s.replace("{place}", str(rng.choice(PLACES))) for s in sentences]
    opener = str(rng.choice(OPENERS[respondent_type]))
    if opener:
        first_word = sentences[0].split()[0]
        keep_capital = first_word == "I" or first_word.isupper()  # "I", "PCSO"
        sentences[0] = opener + (sentences[0] if keep_capital else sentences[0][0].lower() + sentences[0][1:])
    return " ".join(sentences), themes


def generate(seed: int = SEED, count: int = RESPONSES) -> str:
    """The text of responses.csv: ``count`` synthetic responses drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["response_id", "respondent_type", "local_authority", "age_band", "text", "themes",
                     "source", "status"])
    for number in range(1, count + 1):
        respondent_type = str(_pick(rng, RESPONDENT_TYPES))
        local_authority = str(_pick(rng, LOCAL_AUTHORITIES))
        age_band = str(_pick(rng, RESIDENT_AGES)) if respondent_type == "resident" else "not applicable"
        text, themes = _response(rng, respondent_type)
        # Partners' submissions were read and coded by an analyst: their themes are given.
        coded = ";".join(sorted(themes)) if respondent_type == "partner" and themes else ""
        writer.writerow([f"r{number:03d}", respondent_type, local_authority, age_band, text, coded, SOURCE,
                         "synthetic"])
    return out.getvalue()


if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "responses.csv"
    write_atomic(target, generate())
    print(f"wrote {RESPONSES} synthetic responses to {target}")
