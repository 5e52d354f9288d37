"""The words of the interface, in French (first) and English.

Plain, short sentences: many readers are not at ease with reading. Templates
call `t("key")`; a test checks that every key used by a template exists here
in both languages.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

UI: dict[str, tuple[str, str]] = {
    "skip": ("Aller au contenu", "Skip to content"),
    "nav.home": ("Accueil", "Home"),
    "nav.badges": ("Les badges", "Badges"),
    "nav.issuers": ("Les organisations", "Organisations"),
    "nav.main": ("Menu principal", "Main menu"),
    "lang.switch": ("English", "Français"),
    "lang.switch.label": ("Read this page in English", "Lire cette page en français"),
    "footer.contact": ("Contact", "Contact"),
    "footer.about": (
        "Ce registre publie des Open Badges : des images qui prouvent une compétence.",
        "This registry publishes Open Badges: pictures that prove a skill.",
    ),
    "footer.standard": ("Conforme à Open Badges 2.0", "Follows Open Badges 2.0"),
    "home.what.title": ("Un badge, c'est quoi ?", "What is a badge?"),
    "home.what.1": (
        "Un badge montre une chose que vous savez faire.",
        "A badge shows something you can do.",
    ),
    "home.what.2": (
        "Il est donné par une structure qui vous a vu faire.",
        "It is given by an organisation that saw you do it.",
    ),
    "home.what.3": (
        "Vous pouvez le montrer à un employeur. Il peut vérifier qu'il est vrai.",
        "You can show it to an employer. They can check it is real.",
    ),
    "home.families": ("Trois familles de badges", "Three families of badges"),
    "home.see_badges": ("Voir tous les badges", "See all badges"),
    "home.recent": ("Derniers badges attribués", "Latest badges awarded"),
    "home.recent.none": ("Aucun badge public pour l'instant.", "No public badge yet."),
    "home.counts": (
        "{badges} badges, {issuers} organisations, {awards} badges attribués.",
        "{badges} badges, {issuers} organisations, {awards} badges awarded.",
    ),
    "family.savoir-faire": ("Savoir-faire", "Know-how"),
    "family.savoir-etre": ("Savoir-être", "Soft skills"),
    "family.engagement": ("Engagement", "Commitment"),
    "family.savoir-faire.about": ("Ce que je sais faire de mes mains et de ma tête.", "What I can do."),
    "family.savoir-etre.about": ("Comment je travaille avec les autres.", "How I work with others."),
    "family.engagement.about": ("Ce à quoi je participe.", "What I take part in."),
    "catalogue.title": ("Les badges", "Badges"),
    "catalogue.intro": (
        "Chaque badge décrit une compétence. Choisissez un badge pour en savoir plus.",
        "Each badge describes a skill. Choose a badge to learn more.",
    ),
    "badge.issued_by": ("Donné par", "Given by"),
    "badge.family": ("Famille", "Family"),
    "badge.criteria": ("Pour obtenir ce badge", "To earn this badge"),
    "badge.criteria.none": ("Les critères ne sont pas encore écrits.", "The criteria are not written yet."),
    "badge.self_declared": ("Badge déclaratif", "Self-declared badge"),
    "badge.self_declared.about": (
        "La personne déclare elle-même cette compétence. Personne ne l'a vérifiée.",
        "The person declares this skill themselves. No one checked it.",
    ),
    "badge.alignments": ("Métiers et compétences liés", "Related jobs and skills"),
    "badge.tags": ("Mots-clés", "Keywords"),
    "badge.validity": ("Valable {months} mois", "Valid for {months} months"),
    "badge.holders": ("Personnes qui ont ce badge", "People who hold this badge"),
    "badge.holders.none": (
        "Aucune personne n'a choisi de montrer ce badge ici.",
        "No one has chosen to show this badge here.",
    ),
    "badge.holders.note": (
        "Seules les personnes qui l'ont accepté apparaissent ici.",
        "Only people who agreed appear here.",
    ),
    "badge.awarded_on": ("Attribué le {date}", "Awarded on {date}"),
    "endorsements.title": ("Recommandations", "Endorsements"),
    "endorsements.by": ("{name} recommande", "{name} endorses"),
    "endorsements.on": ("le {date}", "on {date}"),
    "issuers.title": ("Les organisations", "Organisations"),
    "issuers.intro": (
        "Ces organisations donnent ou recommandent des badges.",
        "These organisations give or endorse badges.",
    ),
    "issuer.kind.association": ("Association", "Association"),
    "issuer.kind.federation": ("Fédération", "Federation"),
    "issuer.kind.structure-insertion": ("Structure d'insertion", "Work integration organisation"),
    "issuer.kind.entreprise": ("Entreprise", "Company"),
    "issuer.kind.collectivite": ("Collectivité", "Local authority"),
    "issuer.kind.organisme-formation": ("Organisme de formation", "Training organisation"),
    "issuer.website": ("Site web", "Website"),
    "issuer.email": ("E-mail", "E-mail"),
    "issuer.territory": ("Territoire", "Area"),
    "issuer.badges": ("Badges donnés", "Badges given"),
    "issuer.badges.none": ("Cette organisation ne donne pas de badge.", "This organisation gives no badge."),
    "award.title": ("Badge « {name} »", "Badge “{name}”"),
    "award.status": ("État du badge", "Badge status"),
    "award.status.valid": ("Valide", "Valid"),
    "award.status.valid.about": (
        "Ce badge est valide. Il a bien été donné par {issuer}.",
        "This badge is valid. It was given by {issuer}.",
    ),
    "award.status.expired": ("Expiré", "Expired"),
    "award.status.expired.about": (
        "Ce badge était valable jusqu'au {date}. Il a bien été donné, mais il n'est plus à jour.",
        "This badge was valid until {date}. It was really given, but it is out of date.",
    ),
    "award.status.revoked": ("Révoqué", "Revoked"),
    "award.status.revoked.about": (
        "Ce badge a été retiré le {date}. Il ne compte plus. Raison : {reason}",
        "This badge was withdrawn on {date}. It no longer counts. Reason: {reason}",
    ),
    "award.issued_on": ("Date", "Date"),
    "award.expires": ("Valable jusqu'au", "Valid until"),
    "award.issuer": ("Donné par", "Given by"),
    "award.narrative": ("Ce que la personne a fait", "What the person did"),
    "award.evidence": ("Preuves", "Evidence"),
    "award.evidence.open": ("Ouvrir", "Open"),
    "award.evidence.transcript": ("Transcription", "Transcript"),
    "award.evidence.external": ("(site externe)", "(external site)"),
    "award.evidence.private": (
        "Preuve privée : montrée seulement sur demande.",
        "Private evidence: shown only on request.",
    ),
    "award.evidence.kind.photo": ("Photo", "Photo"),
    "award.evidence.kind.video": ("Vidéo", "Video"),
    "award.evidence.kind.audio": ("Podcast", "Podcast"),
    "award.evidence.kind.document": ("Document", "Document"),
    "award.evidence.kind.text": ("Témoignage", "Testimony"),
    "award.see_badge": ("Voir le badge et ses critères", "See the badge and its criteria"),
    "award.verify": ("Vérifier ce badge", "Verify this badge"),
    "award.verify.1": (
        "Ce badge suit la norme Open Badges 2.0. Un outil de vérification peut le contrôler.",
        "This badge follows the Open Badges 2.0 standard. A verification tool can check it.",
    ),
    "award.verify.2": (
        "Donnez à l'outil l'adresse ci-dessous, ou l'image du badge.",
        "Give the tool the address below, or the badge picture.",
    ),
    "award.verify.3": (
        "Le nom de la personne n'est pas écrit ici. L'outil peut vérifier son adresse e-mail, qui est cachée.",
        "The person's name is not written here. The tool can check their e-mail address, which is hidden.",
    ),
    "award.json": ("Données du badge (JSON)", "Badge data (JSON)"),
    "award.image": ("Image du badge à télécharger", "Download the badge picture"),
    "award.image.revoked": (
        "L'image de ce badge n'est plus proposée, car il a été retiré.",
        "The picture of this badge is no longer offered, as it was withdrawn.",
    ),
    "award.private": (
        "Cette page n'est pas listée : seules les personnes qui ont le lien la voient.",
        "This page is not listed: only people with the link see it.",
    ),
    "notfound.title": ("Page introuvable", "Page not found"),
    "notfound.text": (
        "Cette page n'existe pas. Vérifiez l'adresse, ou revenez à l'accueil.",
        "This page does not exist. Check the address, or go back home.",
    ),
    "data.json": ("Données (JSON)", "Data (JSON)"),
    "issuer.revocations": ("Badges retirés (JSON)", "Withdrawn badges (JSON)"),
}

_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def translate(key: str, lang: str, **params: object) -> str:
    """The UI text `key` in `lang`, with `{fields}` filled from `params`."""
    fr, en = UI[key]
    text = fr if lang == "fr" else en
    return text.format(**params) if params else text


def format_date(moment: datetime, lang: str, zone: str) -> str:
    """A date as people write it: « 14 mars 2026 », “14 March 2026”."""
    local = moment.astimezone(ZoneInfo(zone))
    months = _MONTHS_FR if lang == "fr" else _MONTHS_EN
    day = "1er" if lang == "fr" and local.day == 1 else str(local.day)
    return f"{day} {months[local.month - 1]} {local.year}"
