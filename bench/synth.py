"""A synthetic registry of any size, shaped like a real one, for the scale benchmark.

`generate(folder, awards, seed)` writes `folder/content/` (and `folder/synth.json`, the
counts of what it made) from `random.Random(seed)` only: the same seed gives the same
bytes, so two runs of the benchmark build the same content. Shape (issue 6):

- registry.yaml like the example's (fr + en, no signing key), published by one issuer;
- 25 issuers, some with a logo copied from the example;
- about 60 badge classes in fr + en over those issuers, each with a real image (the
  example's PNG and SVG badges, copied: ~70 % PNG, ~30 % SVG), families and ROME
  alignments like the example's, a few with `validity_months` or self-declared;
- N awards under awards/<year>/<id>.yaml, written as `badgegen award` writes them: a
  20-character id over its alphabet (drawn from the seeded generator instead of
  `secrets`), a recipient salted hash of a fake address (the address itself is never
  written), a narrative in fr + en, evidence on half (text, web links, media files of
  content/media/, a few private), 30 % listed, about 1 % revoked as `badgegen revoke`
  writes it;
- endorsements of 10 % of the awards by another issuer, plus some of badges and issuers;
- a few hundred portfolios (earners/) showing about 5 % of the awards (listed ones).

Files are written with plain `open()`: 50 000 awards take a few seconds. No YAML
library is used, so the text is exactly what a coordinator's files look like.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"

#: `badgegen award`'s id alphabet and length (badgegen/cmdutil.py: ID_ALPHABET, ID_LENGTH).
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
ID_LENGTH = 20

ISSUERS = 25
BADGES = 60
FIRST_DAY = date(2019, 1, 1)
LAST_AWARD_DAY = date(2026, 6, 30)
#: Revocations and endorsements come later than awards, but never after this day (the
#: benchmark builds with SOURCE_DATE_EPOCH = 2026-11-29: nothing may be in the future).
LAST_DAY = date(2026, 11, 1)

SVG_SHARE = 0.30  # of badge images; the others are PNG
LISTED = 0.30
REVOKED = 0.01
WITH_EVIDENCE = 0.50
WITH_NARRATIVE = 0.97
WITH_EXPIRES = 0.03
ENDORSED = 0.10
IN_PORTFOLIOS = 0.05
MAX_PORTFOLIOS = 300

# --- words ------------------------------------------------------------------------------------

TOWNS = [
    ("Blois", "Loir-et-Cher"),
    ("Tours", "Indre-et-Loire"),
    ("Orléans", "Loiret"),
    ("Chartres", "Eure-et-Loir"),
    ("Bourges", "Cher"),
    ("Châteauroux", "Indre"),
    ("Vendôme", "Loir-et-Cher"),
    ("Amboise", "Indre-et-Loire"),
    ("Romorantin", "Loir-et-Cher"),
    ("Dreux", "Eure-et-Loir"),
    ("Vierzon", "Cher"),
    ("Montargis", "Loiret"),
    ("Issoudun", "Indre"),
    ("Loches", "Indre-et-Loire"),
    ("Chinon", "Indre-et-Loire"),
    ("Gien", "Loiret"),
    ("Pithiviers", "Loiret"),
    ("Châteaudun", "Eure-et-Loir"),
    ("Saint-Amand-Montrond", "Cher"),
    ("Le Blanc", "Indre"),
    ("Joué-lès-Tours", "Indre-et-Loire"),
    ("Mer", "Loir-et-Cher"),
    ("Nogent-le-Rotrou", "Eure-et-Loir"),
    ("Sully-sur-Loire", "Loiret"),
    ("Aubigny-sur-Nère", "Cher"),
]

#: kind → (name pattern, description fr, description en)
ISSUER_KINDS = {
    "structure-insertion": (
        "Les Jardins de {town} (fictif)",
        "Structure fictive, créée pour le banc d'essai.\nUn atelier et chantier d'insertion près de {town}.\nLes salariés cultivent des légumes et entretiennent des espaces verts.",
        "A fictional organisation, made up for the benchmark.\nA work integration workshop near {town}.\nThe employees grow vegetables and look after green spaces.",
    ),
    "association": (
        "Solidarité {town} (association fictive)",
        "Association fictive, créée pour le banc d'essai.\nElle accompagne les habitants de {town} vers l'emploi.\nDes bénévoles animent des ateliers chaque semaine.",
        "A fictional non-profit, made up for the benchmark.\nIt helps the people of {town} find work.\nVolunteers run workshops every week.",
    ),
    "entreprise": (
        "Paysages de {town} (entreprise fictive)",
        "Entreprise fictive, créée pour le banc d'essai.\nUne entreprise de paysage à {town}.\nElle accueille des stagiaires et recrute dans l'IAE.",
        "A fictional company, made up for the benchmark.\nA landscaping company in {town}.\nIt hosts trainees and hires from work integration schemes.",
    ),
    "collectivite": (
        "Commune de {town} (fictive)",
        "Collectivité fictive, créée pour le banc d'essai.\nLa commune de {town} soutient les chantiers d'insertion.\nElle confie l'entretien de ses parcs à des structures de l'IAE.",
        "A fictional town council, made up for the benchmark.\nThe town of {town} supports work integration projects.\nIt hires work integration organisations to look after its parks.",
    ),
    "organisme-formation": (
        "Avenir Formation {town} (fictif)",
        "Organisme de formation fictif, créé pour le banc d'essai.\nIl forme aux métiers verts et à la logistique, à {town}.\nLes formations durent de deux semaines à six mois.",
        "A fictional training centre, made up for the benchmark.\nIt trains people for green jobs and logistics, in {town}.\nCourses last from two weeks to six months.",
    ),
    "federation": (
        "Fédération des structures d'insertion de {town} (fictive)",
        "Fédération fictive, créée pour le banc d'essai.\nElle regroupe les structures d'insertion autour de {town}.\nElle anime le réseau « Badgeons l'IAE » sur son territoire.",
        "A fictional federation, made up for the benchmark.\nIt brings together the work integration organisations around {town}.\nIt runs the « Badgeons l'IAE » network in its area.",
    ),
}


@dataclass(frozen=True)
class Theme:
    """One skill that several issuers award, each with its own badge class."""

    slug: str
    family: str
    name: tuple[str, str]
    description: tuple[str, str]
    criteria: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    rome: tuple[str, str] | None = None
    self_declared: bool = False


# One theme or text per line: easier to read and to extend as a table than spread out.
# fmt: off
THEMES = [
    Theme("semer", "savoir-faire", ("Je sais semer en plein champ", "I can sow seeds in an open field"), ("Je sème des légumes en lignes droites, à la bonne profondeur.", "I sow vegetables in straight rows, at the right depth."), (("Je trace des lignes droites avec un cordeau.", "I mark straight rows with a garden line."), ("Je sème à la bonne distance.", "I sow at the right spacing."), ("Je note ce que j'ai semé, et où.", "I write down what I sowed, and where.")), ("maraîchage", "semis", "légumes"), ("A1414", "Horticulture et maraîchage")),
    Theme("preparer-le-sol", "savoir-faire", ("Je prépare le sol à l'implantation d'une culture", "I prepare the soil for a new crop"), ("Je prépare une parcelle avant de semer ou de planter.", "I get a plot ready before sowing or planting."), (("J'enlève les mauvaises herbes et les pierres.", "I remove the weeds and the stones."), ("J'ameublis la terre avec une grelinette.", "I loosen the soil with a broadfork."), ("J'apporte du compost, à la bonne dose.", "I add compost, in the right amount.")), ("maraîchage", "travail du sol", "compost"), ("A1414", "Horticulture et maraîchage")),
    Theme("recolter", "savoir-faire", ("Je récolte les légumes au bon moment", "I harvest vegetables at the right time"), ("Je reconnais un légume prêt à récolter et je le cueille sans l'abîmer.", "I can tell when a vegetable is ready and pick it without damage."), (("Je choisis les légumes mûrs.", "I pick the ripe vegetables."), ("Je range la récolte dans des caisses propres.", "I put the harvest in clean crates."), ("Je pèse et je note la récolte.", "I weigh and record the harvest.")), ("maraîchage", "récolte"), ("A1414", "Horticulture et maraîchage")),
    Theme("espaces-verts", "savoir-faire", ("J'entretiens un espace vert en sécurité", "I maintain a green space safely"), ("Je tonds, je taille et je débroussaille en protégeant le public.", "I mow, trim and clear brush while keeping people safe."), (("Je porte mes équipements de protection.", "I wear my protective equipment."), ("Je vérifie le matériel avant de commencer.", "I check the machines before I start."), ("Je mets des barrières quand il y a du public.", "I put up barriers when people are around.")), ("espaces verts", "sécurité", "tonte"), ("A1203", "Aménagement et entretien des espaces verts")),
    Theme("tailler-les-haies", "savoir-faire", ("Je taille une haie", "I trim a hedge"), ("Je taille une haie droite et propre, à la bonne saison.", "I trim a hedge straight and tidy, in the right season."), (("Je choisis l'outil adapté à la haie.", "I choose the right tool for the hedge."), ("Je ramasse les déchets verts.", "I pick up the green waste."), ("Je respecte la période de nidification.", "I respect the nesting season.")), ("espaces verts", "taille de haies"), ("A1203", "Aménagement et entretien des espaces verts")),
    Theme("preparer-commande", "savoir-faire", ("Je prépare une commande", "I pick and pack an order"), ("Je prépare une commande complète, sans erreur, dans les délais.", "I pick and pack a complete order, without mistakes, on time."), (("Je lis le bon de commande.", "I read the order form."), ("Je vérifie les quantités.", "I check the quantities."), ("J'emballe les produits avec soin.", "I pack the goods with care.")), ("logistique", "préparation de commandes"), ("N1103", "Magasinage et préparation de commandes")),
    Theme("nettoyer-locaux", "savoir-faire", ("Je nettoie des locaux", "I clean premises"), ("Je nettoie un bureau ou un atelier avec les bons produits.", "I clean an office or a workshop with the right products."), (("Je lis les étiquettes des produits.", "I read the product labels."), ("Je nettoie du plus propre au plus sale.", "I clean from the cleanest to the dirtiest."), ("Je range le chariot à la fin.", "I put the trolley away at the end.")), ("propreté", "hygiène"), ("K2204", "Nettoyage de locaux")),
    Theme("accueillir-public", "savoir-faire", ("J'accueille le public", "I welcome visitors"), ("J'accueille les personnes avec le sourire et je les oriente.", "I welcome people with a smile and show them where to go."), (("Je dis bonjour et je me présente.", "I say hello and introduce myself."), ("J'écoute la demande.", "I listen to what people ask."), ("J'oriente vers la bonne personne.", "I send people to the right person.")), ("accueil", "relation client"), ("M1601", "Accueil et renseignements")),
    Theme("cuisiner", "savoir-faire", ("Je prépare des repas en cuisine collective", "I cook meals in a canteen kitchen"), ("Je prépare des repas simples en respectant l'hygiène.", "I cook simple meals following hygiene rules."), (("Je me lave les mains et je porte une charlotte.", "I wash my hands and wear a hair net."), ("Je respecte la marche en avant.", "I follow the forward-flow rule."), ("Je note les températures.", "I record the temperatures.")), ("cuisine", "hygiène alimentaire"), ("G1602", "Personnel de cuisine")),
    Theme("reparer-velo", "savoir-faire", ("Je répare un vélo", "I repair a bicycle"), ("Je change une chambre à air et je règle les freins.", "I replace an inner tube and adjust the brakes."), (("Je trouve la panne.", "I find what is wrong."), ("J'utilise les bons outils.", "I use the right tools."), ("Je teste le vélo avant de le rendre.", "I test the bicycle before handing it back.")), ("mécanique", "vélo", "réemploi"), ("I1607", "Réparation de cycles, motocycles et motoculteurs de loisirs")),
    Theme("peindre", "savoir-faire", ("Je peins un mur intérieur", "I paint an inside wall"), ("Je prépare le mur et je peins sans traces.", "I prepare the wall and paint it without streaks."), (("Je protège le sol et les meubles.", "I protect the floor and the furniture."), ("Je rebouche les trous.", "I fill the holes."), ("Je nettoie les outils.", "I clean the tools.")), ("bâtiment", "peinture"), ("F1606", "Peinture en bâtiment")),
    Theme("trier-dechets", "savoir-faire", ("Je trie les déchets", "I sort waste"), ("Je sépare les déchets selon les consignes de tri.", "I separate waste following the sorting rules."), (("Je reconnais les matières.", "I recognise the materials."), ("Je mets chaque déchet dans le bon bac.", "I put each item in the right bin."), ("Je signale un bac plein.", "I report a full bin.")), ("environnement", "tri", "réemploi"), ("K2303", "Nettoyage des espaces urbains")),
    Theme("ordinateur", "savoir-faire", ("J'utilise un ordinateur pour mes démarches", "I use a computer for my paperwork"), ("Je fais une démarche en ligne seul·e.", "I complete an online procedure on my own."), (("J'allume l'ordinateur et j'ouvre le navigateur.", "I switch on the computer and open the browser."), ("Je remplis un formulaire.", "I fill in a form."), ("J'enregistre un document.", "I save a document.")), ("numérique", "démarches en ligne")),
    Theme("ponctualite", "savoir-etre", ("Je suis ponctuel·le", "I am on time"), ("J'arrive à l'heure et je préviens en cas de retard.", "I arrive on time and let people know when I will be late."), (("J'arrive à l'heure pendant au moins 2 mois.", "I arrive on time for at least 2 months."), ("Je respecte les horaires des pauses.", "I keep to the break times."), ("Je préviens avant un retard.", "I give notice before being late.")), ("ponctualité", "fiabilité")),
    Theme("travail-en-equipe", "savoir-etre", ("Je travaille en équipe", "I work as part of a team"), ("J'écoute, j'aide et je partage le travail.", "I listen, I help and I share the work."), (("J'écoute les autres.", "I listen to others."), ("Je partage les outils.", "I share the tools."), ("J'aide un collègue qui en a besoin.", "I help a co-worker who needs it.")), ("travail en équipe", "entraide")),
    Theme("consignes", "savoir-etre", ("Je respecte les consignes", "I follow instructions"), ("Je comprends une consigne et je l'applique.", "I understand an instruction and carry it out."), (("Je reformule la consigne.", "I repeat the instruction in my own words."), ("Je pose une question si je ne comprends pas.", "I ask when I do not understand."), ("Je fais le travail demandé.", "I do the work asked.")), ("consignes", "rigueur")),
    Theme("communiquer", "savoir-etre", ("Je communique avec mes collègues", "I communicate with my co-workers"), ("Je dis clairement ce que je fais et ce dont j'ai besoin.", "I say clearly what I am doing and what I need."), (("Je parle calmement.", "I speak calmly."), ("Je donne des nouvelles de mon travail.", "I give updates on my work."), ("Je demande de l'aide quand il faut.", "I ask for help when needed.")), ("communication",)),
    Theme("garder-son-calme", "savoir-etre", ("Je garde mon calme", "I stay calm"), ("Je reste calme quand il y a un problème ou un imprévu.", "I stay calm when there is a problem or something unexpected."), (("Je respire avant de répondre.", "I take a breath before answering."), ("Je cherche une solution.", "I look for a solution."), ("J'en parle ensuite à l'encadrant.", "I talk about it with the supervisor afterwards.")), ("gestion du stress",)),
    Theme("se-presenter", "savoir-etre", ("Je sais me présenter à un employeur", "I can introduce myself to an employer"), ("Je parle de moi et de mon travail à un employeur. Badge déclaratif.", "I talk about myself and my work to an employer. Self-declared badge."), (("Je dis qui je suis en quelques phrases.", "I say who I am in a few sentences."), ("Je donne un exemple de travail réussi.", "I give an example of work well done."), ("Je pose une question sur le poste.", "I ask a question about the job.")), ("entretien d'embauche", "communication"), None, True),
    Theme("membre-association", "engagement", ("Je suis membre d'une association", "I am a member of a non-profit association"), ("Je donne de mon temps pour un projet commun.", "I give my time to a shared project."), (("J'adhère à une association.", "I belong to an association."), ("Je participe depuis au moins 3 mois.", "I have taken part for at least 3 months."), ("Je peux dire ce que j'y apprends.", "I can say what I learn there.")), ("vie associative", "bénévolat")),
    Theme("evenement", "engagement", ("J'aide à organiser un événement", "I help to organise an event"), ("Je participe à la préparation et au déroulement d'un événement.", "I take part in preparing and running an event."), (("J'installe le matériel.", "I set up the equipment."), ("J'accueille les participants.", "I welcome the participants."), ("Je range à la fin.", "I tidy up at the end.")), ("bénévolat", "événementiel")),
    Theme("tuteur", "engagement", ("J'accompagne un nouveau collègue", "I mentor a new co-worker"), ("Je montre le travail à une personne qui arrive.", "I show the work to someone who has just arrived."), (("Je présente l'équipe et les lieux.", "I introduce the team and the place."), ("Je montre les gestes.", "I show how to do the tasks."), ("Je vérifie que tout va bien.", "I check that all is well.")), ("tutorat", "transmission")),
    Theme("representer", "engagement", ("Je représente mes collègues", "I represent my co-workers"), ("Je porte la parole de l'équipe en réunion.", "I speak for the team in meetings."), (("Je recueille l'avis de l'équipe.", "I gather the team's views."), ("Je le présente en réunion.", "I present them at the meeting."), ("Je rends compte à l'équipe.", "I report back to the team.")), ("citoyenneté", "représentation")),
]

NARRATIVES = [
    ("A travaillé avec sérieux pendant {n} semaines.", "Worked carefully for {n} weeks."),
    ("A montré les gestes à un nouveau collègue.", "Showed a new co-worker how to do the tasks."),
    ("A tenu le cahier de suivi chaque jour.", "Kept the work log every day."),
    ("Travaille sans aide depuis {n} semaines.", "Has worked without help for {n} weeks."),
    ("A été observé·e par l'encadrante à {n} reprises.", "Was observed by the supervisor {n} times."),
    ("A terminé le chantier dans les délais.", "Finished the job on time."),
    ("Demande de l'aide quand il le faut, et en propose.", "Asks for help when needed, and offers it."),
    ("A présenté son travail à l'équipe en fin de mois.", "Presented their work to the team at the end of the month."),
    ("A appliqué les consignes de sécurité sans rappel.", "Followed the safety rules without reminders."),
    ("A participé à {n} chantiers différents cette saison.", "Took part in {n} different jobs this season."),
    ("Range le matériel propre à la fin de la journée.", "Puts the tools away clean at the end of the day."),
    ("A progressé nettement depuis son arrivée.", "Has clearly progressed since arriving."),
]
TEXT_EVIDENCE = [
    (("Observation de l'encadrant technique", "Note from the work supervisor"), ("J'ai observé le travail pendant {n} semaines.\nLes gestes sont sûrs et le travail est soigné.", "I watched the work for {n} weeks.\nThe movements are safe and the work is careful.")),
    (("Témoignage d'un collègue", "Statement from a co-worker"), ("Nous travaillons ensemble depuis {n} mois.\nOn peut compter sur cette personne.", "We have worked together for {n} months.\nThis person can be relied on.")),
    (("Bilan de fin de parcours", "End-of-pathway review"), ("Le bilan a été fait avec la personne.\nLes critères du badge sont remplis.", "The review was done with the person.\nThe badge criteria are met.")),
]
#: kind → (name, file extension of its URL, description)
URL_EVIDENCE = {
    "photo": (("Photo du travail réalisé", "Photo of the work done"), "jpg", ("Le travail terminé, sans personne sur la photo.", "The finished work, with nobody in the picture.")),
    "video": (("Vidéo : les gestes du métier", "Video: the tasks of the job"), "mp4", ("Une vidéo de 2 minutes. On voit les mains et les outils.", "A 2-minute video. It shows the hands and the tools.")),
    "audio": (("Podcast « Badgeons l'IAE »", "« Badgeons l'IAE » podcast"), "mp3", ("La personne raconte une journée de travail.", "The person tells about a working day.")),
    "document": (("Fiche de suivi", "Follow-up sheet"), "pdf", ("La fiche remplie avec l'encadrant.", "The sheet filled in with the supervisor.")),
}
#: a file of the example's content/media/ → (kind, name, description, transcript)
MEDIA_EVIDENCE = [
    ("parcelle-semis-mars-2026.jpg", "photo", ("Parcelle semée", "Sown plot"), ("Des rangs droits de jeunes pousses vertes.", "Straight rows of young green shoots."), None),
    ("exemple-audio-silencieux.mp3", "audio", ("Enregistrement de l'entretien", "Recording of the interview"), ("Un fichier de 2 secondes, sans son.", "A 2-second file with no sound."), "podcast-travailler-ensemble-transcription.vtt"),
    ("podcast-travailler-ensemble-transcription.vtt", "document", ("Transcription du podcast", "Podcast transcript"), ("Le texte du podcast, en français.", "The text of the podcast, in French."), None),
]
COMMENTS = [
    ("Nous avons accueilli cette personne en stage.\nElle a travaillé avec soin et en sécurité.", "We hosted this person for a work placement.\nThey worked carefully and safely."),
    ("Ce badge décrit des gestes utiles au travail.\nSes critères sont clairs pour un employeur.", "This badge describes useful tasks at work.\nIts criteria are clear for an employer."),
    ("Cette structure fait partie du réseau « Badgeons l'IAE ».\nChaque badge est donné après une observation.", "This organisation is part of the « Badgeons l'IAE » network.\nEach badge is awarded after an observation."),
    ("Nous recommandons cette personne pour un poste dans notre secteur.", "We recommend this person for a job in our field."),
]
REASONS = ["Badge attribué par erreur", "Attribution en double", "Critères non remplis après vérification"]
FIRST_NAMES = ["Sam", "Lou", "Alex", "Camille", "Charlie", "Dominique", "Eden", "Jade", "Lina", "Malo", "Noa", "Robin", "Sacha", "Yanis", "Inès", "Léo", "Maé", "Nour", "Rayan", "Sofia", "Tom", "Zoé", "Adam", "Hugo", "Lila", "Maël", "Nina", "Théo", "Yasmine", "Ambre"]
PRESENTATIONS = [
    ("J'aime le travail dehors et le travail en équipe.", "I like working outdoors and in a team."),
    ("Je cherche un poste près de chez moi.", "I am looking for a job close to home."),
    ("J'ai appris beaucoup de choses sur mon chantier.", "I learned a lot on my work site."),
]
# fmt: on


# --- small helpers ----------------------------------------------------------------------------


def slugify(text: str) -> str:
    """`Saint-Amand-Montrond` → `saint-amand-montrond` (the slug rules of common.schema.json)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)[:64].strip("-")


def quoted(text: str) -> str:
    """A one-line YAML double-quoted scalar (our texts hold no control character)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_block(key: str, fr: str, en: str, indent: str = "") -> list[str]:
    """`key: {fr, en}` as `badgegen` and the example write it: one line quoted, or a `|-` block."""
    lines = [f"{indent}{key}:"]
    for lang, value in (("fr", fr), ("en", en)):
        if "\n" not in value:
            lines.append(f"{indent}  {lang}: {quoted(value)}")
            continue
        lines.append(f"{indent}  {lang}: |-")
        lines += [f"{indent}    {line}" for line in value.split("\n")]
    return lines


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def recent_day(rng: random.Random) -> date:
    """An award day, more of them in recent years (registries grow)."""
    span = (LAST_AWARD_DAY - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=int(rng.triangular(0, span, span)))


def later_day(rng: random.Random, start: date, most: int) -> date:
    return min(start + timedelta(days=rng.randint(1, most)), LAST_DAY)


def write(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")


def copy_bytes(data: bytes, path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(data)


# --- what is generated ------------------------------------------------------------------------


@dataclass
class Issuer:
    slug: str
    town: str


@dataclass
class Award:
    id: str
    badge: str
    issuer: str
    day: date
    listed: bool

    @property
    def year(self) -> int:
        return self.day.year


@dataclass
class Counts:
    """What was written, for the benchmark's report (synth.json)."""

    issuers: int = 0
    issuer_logos: int = 0
    badges: int = 0
    badges_png: int = 0
    badges_svg: int = 0
    awards: int = 0
    listed: int = 0
    revoked: int = 0
    with_narrative: int = 0
    with_evidence: int = 0
    evidence: dict[str, int] = field(default_factory=lambda: {"text": 0, "url": 0, "media": 0, "private": 0})
    endorsements: dict[str, int] = field(default_factory=lambda: {"award": 0, "badge": 0, "issuer": 0})
    earners: int = 0
    earner_awards: int = 0
    awards_per_badge: dict[str, int] = field(default_factory=dict)


def write_registry(content: Path, publisher: str) -> None:
    write(
        content / "registry.yaml",
        [
            "name:",
            '  fr: "Badgeons l\'IAE en Centre-Val de Loire (registre de test)"',
            '  en: "Badgeons l\'IAE in Centre-Val de Loire (test registry)"',
            "tagline:",
            '  fr: "Vos compétences comptent. Montrez-les avec un badge."',
            '  en: "Your skills count. Show them with a badge."',
            *text_block(
                "description",
                "Un **open badge** est une image qui contient des informations.\nIl montre ce que vous savez faire.",
                "An **open badge** is a picture that holds information.\nIt shows what you can do.",
            ),
            'base_url: "https://badgeons-iae.example.org/"',
            "languages:",
            "  - fr",
            "  - en",
            "timezone: Europe/Paris",
            "contact:",
            "  name: \"Ligue de l'enseignement d'Indre-et-Loire\"",
            "  email: contact@badgeons-iae.example.org",
            '  url: "https://ligue37.example.org/contact/"',
            f"publisher: {publisher}",
        ],
    )


def write_issuers(content: Path, rng: random.Random, counts: Counts) -> list[Issuer]:
    """25 issuers over the towns; the first is the federation that publishes the registry."""
    folder = content / "issuers"
    folder.mkdir()
    logos = sorted([*EXAMPLE.glob("issuers/*.png"), *EXAMPLE.glob("issuers/*.svg")])
    logo_bytes = [(p.suffix, p.read_bytes()) for p in logos]
    kinds = list(ISSUER_KINDS)
    issuers = []
    for index, (town, territory) in enumerate(TOWNS[:ISSUERS]):
        kind = "federation" if index == 0 else rng.choice(kinds)
        pattern, about_fr, about_en = ISSUER_KINDS[kind]
        name = pattern.format(town=town)
        slug = slugify(name.split(" (")[0])
        host = f"{slug}.example.org"
        lines = [
            f"name: {quoted(name)}",
            f"kind: {kind}",
            f'url: "https://{host}/"',
            f"email: contact@{host}",
            f"territory: {quoted(territory)}",
        ]
        if logo_bytes and rng.random() < 0.4:
            suffix, data = rng.choice(logo_bytes)
            copy_bytes(data, folder / f"{slug}{suffix}")
            lines.append(f"image: {slug}{suffix}")
            counts.issuer_logos += 1
        lines += text_block("description", about_fr.format(town=town), about_en.format(town=town))
        write(folder / f"{slug}.yaml", lines)
        issuers.append(Issuer(slug, town))
    counts.issuers = len(issuers)
    return issuers


def write_badges(content: Path, rng: random.Random, issuers: list[Issuer], counts: Counts) -> dict[str, str]:
    """About 60 badge classes: each theme awarded by two or three issuers; slug → issuer slug."""
    folder = content / "badges"
    folder.mkdir()
    pngs = [p.read_bytes() for p in sorted(EXAMPLE.glob("badges/*.png"))]
    svgs = [p.read_bytes() for p in sorted(EXAMPLE.glob("badges/*.svg"))]
    svg_places = set(rng.sample(range(BADGES), round(BADGES * SVG_SHARE))) if svgs else set()
    badges: dict[str, str] = {}
    while len(badges) < BADGES:
        theme = THEMES[len(badges) % len(THEMES)]
        issuer = rng.choice(issuers)
        slug = f"{theme.slug}-{slugify(issuer.town)}"
        if slug in badges:
            continue
        svg = len(badges) in svg_places
        badges[slug] = issuer.slug
        image = f"{slug}.svg" if svg else f"{slug}.png"
        copy_bytes(rng.choice(svgs) if svg else rng.choice(pngs), folder / image)
        counts.badges_svg += bool(svg)
        counts.badges_png += not svg
        write(folder / f"{slug}.yaml", badge_lines(rng, theme, issuer, image))
    counts.badges = len(badges)
    return badges


def badge_lines(rng: random.Random, theme: Theme, issuer: Issuer, image: str) -> list[str]:
    desc_fr = f"{theme.description[0]}\nCe badge est donné à {issuer.town}, après une observation au travail."
    desc_en = (
        f"{theme.description[1]}\nThis badge is awarded in {issuer.town}, after watching the person at work."
    )
    lines = [
        *text_block("name", *theme.name),
        *text_block("description", desc_fr, desc_en),
        f"issuer: {issuer.slug}",
        f"image: {image}",
        f"family: {theme.family}",
    ]
    if theme.self_declared:
        lines.append("self_declared: true")
    criteria = [pair for pair in theme.criteria if rng.random() < 0.9] or list(theme.criteria)
    lines += text_block(
        "criteria", "\n".join(f"- {fr}" for fr, _ in criteria), "\n".join(f"- {en}" for _, en in criteria)
    )
    lines += ["tags:", *(f"  - {quoted(tag)}" for tag in theme.tags)]
    if theme.rome is not None:
        code, name = theme.rome
        lines += [
            "alignments:",
            "  - framework: ROME",
            f"    code: {code}",
            f"    name: {quoted(name)}",
            f'    url: "https://candidat.francetravail.fr/metierscope/fiche-metier/{code}"',
        ]
    if theme.family == "savoir-faire" and rng.random() < 0.2:
        lines.append(f"validity_months: {rng.choice((12, 24, 36))}")
    return lines


def award_id(rng: random.Random, used: set[str]) -> str:
    """Like `badgegen award`'s ids (cmdutil.new_award_id), from the seeded generator."""
    while True:
        candidate = "".join(rng.choices(ID_ALPHABET, k=ID_LENGTH))
        if candidate not in used:
            used.add(candidate)
            return candidate


def write_awards(
    content: Path, rng: random.Random, badges: dict[str, str], total: int, counts: Counts
) -> list[Award]:
    """N award files, badges drawn with a long tail (a few badges are given very often)."""
    slugs = sorted(badges)
    rng.shuffle(slugs)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(slugs))]
    chosen = rng.choices(slugs, weights=weights, k=total)
    people = max(1, int(total * 0.6))  # some people hold several badges
    used: set[str] = set()
    awards = []
    made_years: set[int] = set()
    media_turn = 0
    for badge in chosen:
        award = Award(award_id(rng, used), badge, badges[badge], recent_day(rng), rng.random() < LISTED)
        if award.year not in made_years:
            (content / "awards" / str(award.year)).mkdir(parents=True)
            made_years.add(award.year)
        email = f"person{rng.randrange(people)}@example.org"
        salt = f"{rng.getrandbits(128):032x}"
        identity = "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
        lines = [
            f"badge: {badge}",
            "recipient:",
            "  type: email",
            f'  identity: "{identity}"',
            f'  salt: "{salt}"',
            f'issued_on: "{award.day.isoformat()}"',
        ]
        if rng.random() < WITH_EXPIRES:
            lines.append(f'expires: "{(award.day + timedelta(days=rng.randint(180, 1100))).isoformat()}"')
        if rng.random() < WITH_NARRATIVE:
            pairs = rng.sample(NARRATIVES, 2)
            n = rng.randint(2, 12)
            lines += text_block(
                "narrative",
                "\n".join(p[0] for p in pairs).format(n=n),
                "\n".join(p[1] for p in pairs).format(n=n),
            )
            counts.with_narrative += 1
        if rng.random() < WITH_EVIDENCE:
            evidence, media_turn = evidence_lines(rng, award.id, media_turn, counts)
            lines += evidence
            counts.with_evidence += 1
        lines.append(f"listed: {'true' if award.listed else 'false'}")
        if rng.random() < REVOKED:
            lines += [
                "revoked:",
                f'  "on": "{later_day(rng, award.day, 200).isoformat()}"',
                f"  reason: {quoted(rng.choice(REASONS))}",
            ]
            counts.revoked += 1
        write(content / "awards" / str(award.year) / f"{award.id}.yaml", lines)
        counts.listed += award.listed
        counts.awards_per_badge[badge] = counts.awards_per_badge.get(badge, 0) + 1
        awards.append(award)
    counts.awards = len(awards)
    counts.awards_per_badge = dict(sorted(counts.awards_per_badge.items()))
    return awards


def evidence_lines(rng: random.Random, award: str, media_turn: int, counts: Counts) -> tuple[list[str], int]:
    """One or two pieces: a text, a web link, a media file of content/media/ (in turn), or private."""
    lines = ["evidence:"]
    for piece in range(1 if rng.random() < 0.8 else 2):
        draw = rng.random()
        if draw < 0.40:
            name, narrative = rng.choice(TEXT_EVIDENCE)
            n = rng.randint(2, 10)
            lines += ["  - kind: text", *text_block("name", *name, indent="    ")]
            lines += text_block(
                "narrative", narrative[0].format(n=n), narrative[1].format(n=n), indent="    "
            )
            counts.evidence["text"] += 1
        elif draw < 0.85:
            kind = rng.choice(list(URL_EVIDENCE))
            name, ext, about = URL_EVIDENCE[kind]
            base = f"https://preuves.example.org/badgeons-iae/{award}/{kind}-{piece + 1}"
            lines += [f"  - kind: {kind}", *text_block("name", *name, indent="    ")]
            lines.append(f'    url: "{base}.{ext}"')
            lines += text_block("description", *about, indent="    ")
            if kind in ("video", "audio") and rng.random() < 0.5:
                lines.append(f'    transcript: "{base}.vtt"')
            counts.evidence["url"] += 1
        elif draw < 0.95:
            file, kind, name, about, transcript = MEDIA_EVIDENCE[media_turn % len(MEDIA_EVIDENCE)]
            media_turn += 1
            lines += [f"  - kind: {kind}", *text_block("name", *name, indent="    ")]
            lines.append(f'    file: "{file}"')
            lines += text_block("description", *about, indent="    ")
            if transcript is not None:
                lines.append(f'    transcript: "{transcript}"')
            counts.evidence["media"] += 1
        else:
            lines += [
                "  - kind: document",
                *text_block("name", "Attestation de l'employeur", "Employer's certificate", indent="    "),
                *text_block(
                    "description", "Montrée seulement sur demande.", "Shown on request only.", indent="    "
                ),
                "    private: true",
            ]
            counts.evidence["private"] += 1
    return lines, media_turn


def write_endorsements(
    content: Path,
    rng: random.Random,
    issuers: list[Issuer],
    badges: dict[str, str],
    awards: list[Award],
    counts: Counts,
) -> None:
    """10 % of awards endorsed by another issuer; a fifth of the badges; a third of the issuers."""
    folder = content / "endorsements"
    folder.mkdir()
    slugs = [issuer.slug for issuer in issuers]

    def other_than(owner: str) -> str:
        return rng.choice([slug for slug in slugs if slug != owner])

    def one(doc_id: str, endorser: str, kind: str, subject: str, day: date) -> None:
        comment = rng.choice(COMMENTS)
        lines = [f"endorser: {endorser}", f"{kind}: {subject}", f'issued_on: "{day.isoformat()}"']
        write(folder / f"{doc_id}.yaml", lines + text_block("comment", *comment))
        counts.endorsements[kind] += 1

    for award in rng.sample(awards, round(len(awards) * ENDORSED)):
        day = later_day(rng, award.day, 120)
        one(f"{day.year}-award-{award.id}", other_than(award.issuer), "award", award.id, day)
    for slug in rng.sample(sorted(badges), len(badges) // 5):
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        one(f"{day.year}-badge-{slug}"[:64].rstrip("-"), other_than(badges[slug]), "badge", slug, day)
    for slug in rng.sample(slugs, len(slugs) // 3):
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        one(f"{day.year}-issuer-{slug}"[:64].rstrip("-"), other_than(slug), "issuer", slug, day)


def write_earners(content: Path, rng: random.Random, awards: list[Award], counts: Counts) -> None:
    """Portfolios of listed awards only, each award in one portfolio: ~5 % of all awards."""
    folder = content / "earners"
    folder.mkdir()
    listed = [award.id for award in awards if award.listed]
    shown = rng.sample(listed, min(len(listed), round(len(awards) * IN_PORTFOLIOS)))
    portfolios = min(MAX_PORTFOLIOS, max(1, len(shown) // 3)) if shown else 0
    for index in range(portfolios):
        part = shown[index::portfolios]
        name = rng.choice(FIRST_NAMES)
        lines = [f"name: {name}"]
        if rng.random() < 0.6:
            town, territory = rng.choice(TOWNS)
            lines.append(f"territory: {quoted(f'{town} ({territory})')}")
        lines += text_block("presentation", *rng.choice(PRESENTATIONS))
        lines += ["awards:", *(f"  - {award}" for award in part)]
        write(folder / f"{slugify(name)}-{index + 1}.yaml", lines)
        counts.earner_awards += len(part)
    counts.earners = portfolios


def copy_media(content: Path) -> None:
    (content / "media").mkdir()
    for file in sorted((EXAMPLE / "media").iterdir()):
        if file.is_file():
            shutil.copyfile(file, content / "media" / file.name)


def generate(folder: Path, awards: int, seed: int = 0) -> Path:
    """Write a registry of `awards` awards into `folder/content/` and return that path.

    The same (awards, seed) always gives the same files. `folder/synth.json` holds the
    counts of what was written (not content: badgegen never reads it).
    """
    content = folder / "content"
    content.mkdir(parents=True)  # refuses to write over an existing registry
    rng = random.Random(seed)
    counts = Counts()
    issuers = write_issuers(content, rng, counts)
    write_registry(content, issuers[0].slug)
    badges = write_badges(content, rng, issuers, counts)
    copy_media(content)
    (content / "awards").mkdir()
    made = write_awards(content, rng, badges, awards, counts)
    write_endorsements(content, rng, issuers, badges, made, counts)
    write_earners(content, rng, made, counts)
    (folder / "synth.json").write_text(json.dumps(asdict(counts), indent=1) + "\n", encoding="utf-8")
    return content


def touch_text(path: Path, key: str, note: str) -> None:
    """Add a line to the French text of `key` (a `key:` / `fr: |-` block as written here).

    The benchmark's "one file changed" edit, in place: the rest of the file stays as it is.
    """
    text = path.read_text(encoding="utf-8")
    head = f"{key}:\n  fr: |-\n"
    at = text.find(head)
    if at < 0 or (at > 0 and text[at - 1] != "\n"):
        raise ValueError(f"{path}: no '{key}:' text block to edit")
    cut = at + len(head)
    path.write_text(text[:cut] + f"    {note}\n" + text[cut:], encoding="utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="write a synthetic registry (bench/synth.py)")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--awards", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    print(generate(options.folder, options.awards, options.seed))
