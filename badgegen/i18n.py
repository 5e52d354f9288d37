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
    "nav.verify": ("Vérifier un badge", "Verify a badge"),
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
    # Verifying and sharing (templates/verifier.html, templates/static/verifier.js and copy.js,
    # badgegen/share.py). Words used by the scripts start with "verifier.js.".
    "award.verify.tool": ("Vérifier ce badge maintenant", "Verify this badge now"),
    "award.verify.link": ("Lien de vérification", "Verification link"),
    "award.verify.copy": ("Copier", "Copy"),
    "award.verify.copied": ("Lien copié.", "Link copied."),
    "award.verify.copy_failed": (
        "La copie n'a pas marché : sélectionnez le lien, puis copiez-le.",
        "Copying did not work: select the link, then copy it.",
    ),
    "award.share": ("Partager ce badge", "Share this badge"),
    "award.share.about": (
        "Vous avez reçu ce badge ? Montrez-le sur votre profil LinkedIn. Le lien de vérification y sera écrit.",
        "Did you receive this badge? Show it on your LinkedIn profile. The verification link will be on it.",
    ),
    "award.share.linkedin": ("Ajouter à mon profil LinkedIn", "Add to my LinkedIn profile"),
    "share.award.valid": (
        "Badge donné par {issuer} le {date}. Vérifiable en ligne.",
        "Badge given by {issuer} on {date}. Can be verified online.",
    ),
    "share.award.expired": (
        "Badge donné par {issuer} le {date}, valable jusqu'au {expires}.",
        "Badge given by {issuer} on {date}, valid until {expires}.",
    ),
    "share.award.revoked": (
        "Ce badge a été retiré par {issuer}. Il ne compte plus.",
        "This badge was withdrawn by {issuer}. It no longer counts.",
    ),
    "verifier.title": ("Vérifier un badge", "Verify a badge"),
    "verifier.lead": (
        "Une personne vous montre un badge ? Vérifiez ici qu'il est vrai et à jour.",
        "Someone shows you a badge? Check here that it is real and up to date.",
    ),
    "verifier.nojs": (
        "Cette page a besoin de JavaScript pour lire un badge, et JavaScript est coupé. Vous pouvez vérifier autrement :",
        "This page needs JavaScript to read a badge, and JavaScript is turned off. You can check another way:",
    ),
    "verifier.nojs.1": (
        "Ouvrez l'adresse du badge : elle finit par « .json ». Si elle s'ouvre sur ce site, le badge existe. "
        "Si vous y lisez « revoked », le badge a été retiré.",
        "Open the badge's address: it ends with “.json”. If it opens on this site, the badge exists. "
        "If you read “revoked” there, the badge was withdrawn.",
    ),
    "verifier.nojs.2": (
        "Ou donnez l'image ou l'adresse du badge au vérificateur officiel d'Open Badges :",
        "Or give the badge's picture or address to the official Open Badges verifier:",
    ),
    "verifier.official": (
        "vérificateur Open Badges de 1EdTech (site externe)",
        "1EdTech Open Badges verifier (external site)",
    ),
    "verifier.step1": ("1. Donnez le badge", "1. Give the badge"),
    "verifier.file": ("Image du badge (PNG ou SVG)", "Badge picture (PNG or SVG)"),
    "verifier.file.hint": (
        "Choisissez le fichier, ou glissez-le dans ce cadre. Le badge est vérifié tout de suite.",
        "Choose the file, or drag it into this box. The badge is checked at once.",
    ),
    "verifier.url": ("Ou bien, l'adresse du badge", "Or the badge's address"),
    "verifier.url.hint": (
        "Elle est écrite sur la page du badge, sous « Vérifier ce badge ».",
        "It is written on the badge's page, under “Verify this badge”.",
    ),
    "verifier.check": ("Vérifier", "Verify"),
    "verifier.step2": (
        "2. Facultatif : l'adresse e-mail de la personne",
        "2. Optional: the person's e-mail address",
    ),
    "verifier.email": ("Adresse e-mail de la personne", "The person's e-mail address"),
    "verifier.email.check": ("Comparer l'adresse", "Compare the address"),
    "verifier.email.private": (
        "L'adresse reste sur votre ordinateur : rien n'est envoyé. La page la compare avec l'empreinte cachée dans le badge.",
        "The address stays on your computer: nothing is sent. The page compares it with the fingerprint hidden in the badge.",
    ),
    "verifier.result": ("Résultat", "Result"),
    "verifier.result.empty": ("Aucun badge vérifié pour l'instant.", "No badge checked yet."),
    "verifier.how": ("Comment ça marche ?", "How does it work?"),
    "verifier.how.1": (
        "Un badge est une image qui contient des informations : qui l'a donné, à qui, et quand.",
        "A badge is a picture that holds information: who gave it, to whom, and when.",
    ),
    "verifier.how.2": (
        "La page lit ces informations. Puis elle les compare avec le badge publié dans ce registre. "
        "Si elles sont différentes, le badge est faux.",
        "The page reads this information. Then it compares it with the badge published in this registry. "
        "If they differ, the badge is fake.",
    ),
    "verifier.how.3": (
        "Les badges d'autres registres ne sont pas vérifiés ici : la page ne contacte aucun autre site.",
        "Badges from other registries are not checked here: the page contacts no other site.",
    ),
    "verifier.js.busy": ("Vérification en cours…", "Checking…"),
    "verifier.js.word.valid": ("Valide", "Valid"),
    "verifier.js.word.expired": ("Expiré", "Expired"),
    "verifier.js.word.revoked": ("Révoqué", "Revoked"),
    "verifier.js.word.invalid": ("Invalide", "Invalid"),
    "verifier.js.word.elsewhere": ("Émis ailleurs", "Issued elsewhere"),
    "verifier.js.word.none": ("Pas de badge", "No badge"),
    "verifier.js.word.error": ("Vérification impossible", "Cannot verify"),
    "verifier.js.valid": (
        "Ce badge est valide. Il a bien été donné par {issuer} le {date}.",
        "This badge is valid. It was given by {issuer} on {date}.",
    ),
    "verifier.js.expired": (
        "Ce badge a bien été donné par {issuer}, mais il n'est plus à jour : il était valable jusqu'au {date}.",
        "This badge was really given by {issuer}, but it is out of date: it was valid until {date}.",
    ),
    "verifier.js.revoked": (
        "Ce badge a été retiré par l'organisation qui l'a donné. Il ne compte plus.",
        "This badge was withdrawn by the organisation that gave it. It no longer counts.",
    ),
    "verifier.js.reason": ("Raison : {reason}", "Reason: {reason}"),
    "verifier.js.tampered": (
        "Ce badge est falsifié : l'image ne correspond pas au badge publié dans ce registre.",
        "This badge is forged: the picture does not match the badge published in this registry.",
    ),
    "verifier.js.differs": ("Ce qui est différent : {what}.", "What differs: {what}."),
    "verifier.js.diff.id": ("l'adresse du badge", "the badge's address"),
    "verifier.js.diff.badge": ("le badge", "the badge"),
    "verifier.js.diff.recipient": ("la personne", "the person"),
    "verifier.js.missing": (
        "Ce badge n'existe pas dans ce registre : son adresse ne répond pas. Il est faux, ou l'adresse est mal écrite.",
        "This badge does not exist in this registry: its address does not answer. It is fake, or the address is mistyped.",
    ),
    "verifier.js.not_assertion": (
        "Cette adresse est sur ce registre, mais ce n'est pas celle d'un badge donné à une personne.",
        "This address is on this registry, but it is not the address of a badge given to someone.",
    ),
    "verifier.js.unreadable": (
        "Les informations de ce badge sont abîmées : impossible de les lire.",
        "The information in this badge is damaged: it cannot be read.",
    ),
    "verifier.js.incomplete": (
        "Le badge publié est incomplet : il ne peut pas être vérifié.",
        "The published badge is incomplete: it cannot be verified.",
    ),
    "verifier.js.elsewhere": (
        "Ce badge a été émis ailleurs ({host}). Cette page vérifie seulement les badges de ce registre, "
        "et elle ne contacte aucun autre site.",
        "This badge was issued elsewhere ({host}). This page only verifies the badges of this registry, "
        "and it contacts no other site.",
    ),
    "verifier.js.elsewhere.how": (
        "Vérifiez-le auprès de {host}, ou avec le vérificateur officiel d'Open Badges :",
        "Check it with {host}, or with the official Open Badges verifier:",
    ),
    "verifier.js.unknown_host": ("adresse inconnue", "unknown address"),
    "verifier.js.none": (
        "Ce fichier ne contient pas de badge. Demandez à la personne l'image téléchargée sur la page de son badge, "
        "ou l'adresse de son badge.",
        "This file holds no badge. Ask the person for the picture downloaded from their badge's page, "
        "or for their badge's address.",
    ),
    "verifier.js.not_image": (
        "Ce fichier n'est pas une image PNG ou SVG.",
        "This file is not a PNG or SVG picture.",
    ),
    "verifier.js.too_big": (
        "Ce fichier est trop gros pour être un badge.",
        "This file is too big to be a badge.",
    ),
    "verifier.js.bad_url": (
        "Cette adresse n'est pas valable. Copiez l'adresse entière : elle commence par https://",
        "This address is not valid. Copy the whole address: it starts with https://",
    ),
    "verifier.js.empty_url": ("Collez d'abord l'adresse du badge.", "Paste the badge's address first."),
    "verifier.js.error": (
        "Le registre n'a pas répondu. Vérifiez votre connexion, puis réessayez.",
        "The registry did not answer. Check your connection, then try again.",
    ),
    "verifier.js.no_inflate": (
        "Ce navigateur ne sait pas lire ce badge (données compressées). Essayez avec un autre navigateur.",
        "This browser cannot read this badge (compressed data). Try another browser.",
    ),
    "verifier.js.date_note": (
        "Attention : la date écrite dans l'image n'est pas celle du registre. C'est le registre qui compte.",
        "Note: the date written in the picture is not the registry's. The registry is what counts.",
    ),
    "verifier.js.fact.badge": ("Badge", "Badge"),
    "verifier.js.fact.issuer": ("Donné par", "Given by"),
    "verifier.js.fact.issued": ("Date", "Date"),
    "verifier.js.fact.expires": ("Valable jusqu'au", "Valid until"),
    "verifier.js.fact.address": ("Adresse", "Address"),
    "verifier.js.open_page": ("Voir la page de ce badge", "See this badge's page"),
    "verifier.js.email.first": (
        "Vérifiez d'abord un badge, puis comparez l'adresse.",
        "Verify a badge first, then compare the address.",
    ),
    "verifier.js.email.empty": (
        "Écrivez l'adresse e-mail de la personne.",
        "Type the person's e-mail address.",
    ),
    "verifier.js.email.match": ("L'adresse correspond", "The address matches"),
    "verifier.js.email.match.about": (
        "Ce badge a bien été donné à cette adresse e-mail.",
        "This badge was given to this e-mail address.",
    ),
    "verifier.js.email.mismatch": ("L'adresse ne correspond pas", "The address does not match"),
    "verifier.js.email.mismatch.about": (
        "Ce badge n'a pas été donné à cette adresse. Vérifiez qu'elle est bien écrite, "
        "ou demandez à la personne l'adresse qu'elle a donnée.",
        "This badge was not given to this address. Check it is typed correctly, "
        "or ask the person which address they gave.",
    ),
    "verifier.js.email.none": (
        "Ce badge ne contient pas d'adresse e-mail à comparer.",
        "This badge holds no e-mail address to compare.",
    ),
    "verifier.js.email.unsupported": (
        "Cette empreinte ({kind}) ne peut pas être vérifiée ici.",
        "This fingerprint ({kind}) cannot be checked here.",
    ),
    "verifier.js.email.unverified": (
        "Attention : cette comparaison vaut seulement pour l'image. Le badge lui-même n'est pas vérifié ici.",
        "Note: this comparison only holds for the picture. The badge itself is not verified here.",
    ),
    "award.json": ("Données du badge (JSON)", "Badge data (JSON)"),
    "award.ob3": (
        "Justificatif signé Open Badges 3.0, que la personne garde et qui se vérifie sans ce site :",
        "Signed Open Badges 3.0 credential, which the person keeps and which verifies without this site:",
    ),
    "award.ob3.json": ("justificatif signé (JSON)", "signed credential (JSON)"),
    "award.ob3.image": ("image avec le justificatif signé", "picture holding the signed credential"),
    "award.image": ("Image du badge à télécharger", "Download the badge picture"),
    "award.image.revoked": (
        "L'image de ce badge n'est plus proposée, car il a été retiré.",
        "The picture of this badge is no longer offered, as it was withdrawn.",
    ),
    "award.private": (
        "Cette page n'est pas listée : seules les personnes qui ont le lien la voient.",
        "This page is not listed: only people with the link see it.",
    ),
    # Portfolios (templates/earner.html, earner_print.html), published only with the person's consent.
    "earner.see_all": ("Voir tous les badges de {name}", "See all of {name}'s badges"),
    "earner.title": ("Les badges de {name}", "{name}'s badges"),
    "earner.intro": (
        "{name} a choisi de montrer ces badges. Chaque badge dit ce que {name} sait faire, et qui l'a vu.",
        "{name} chose to show these badges. Each badge says what {name} can do, and who saw it.",
    ),
    "earner.territory": ("Territoire", "Area"),
    "earner.count": ("Nombre de badges", "Number of badges"),
    "earner.print": ("Imprimer (une page A4)", "Print (one A4 page)"),
    "earner.print.about": (
        "Une page à joindre à un CV. Chaque badge a un code QR : on le scanne pour vérifier le badge.",
        "One page to add to a CV. Each badge has a QR code: scan it to check the badge.",
    ),
    "earner.share": ("Partager cette page", "Share this page"),
    "earner.share.about": (
        "Pour montrer ces badges à un employeur, envoyez-lui cette adresse :",
        "To show these badges to an employer, send them this address:",
    ),
    "earner.consent": (
        "{name} a accepté que cette page soit publiée. Elle n'apparaît dans aucune liste du site.",
        "{name} agreed to publish this page. It appears in no list on this site.",
    ),
    "earner.open": ("Voir et vérifier ce badge", "See and verify this badge"),
    "print.title": ("Les badges de {name} : version à imprimer", "{name}'s badges: printable version"),
    "print.how": (
        "Cette page tient sur une feuille A4. Appuyez sur « Imprimer », ou utilisez le menu de votre navigateur (Ctrl+P).",
        "This page fits on one A4 sheet. Press “Print”, or use your browser's menu (Ctrl+P).",
    ),
    "print.button": ("Imprimer", "Print"),
    "print.back": ("Retour aux badges de {name}", "Back to {name}'s badges"),
    "print.qr": ("Code QR : vérifier le badge « {name} »", "QR code: verify the badge “{name}”"),
    "print.scan": ("Scannez pour vérifier", "Scan to verify"),
    "print.footer": (
        "Chaque code QR ouvre la page du badge sur le site « {site} ». Elle dit si le badge est valide.",
        "Each QR code opens the badge's page on the “{site}” website. It says whether the badge is valid.",
    ),
    "print.online": ("Tous les badges de {name} en ligne", "All of {name}'s badges online"),
    "notfound.title": ("Page introuvable", "Page not found"),
    "notfound.text": (
        "Cette page n'existe pas. Vérifiez l'adresse, ou revenez à l'accueil.",
        "This page does not exist. Check the address, or go back home.",
    ),
    "data.json": ("Données (JSON)", "Data (JSON)"),
    "issuer.revocations": ("Badges retirés (JSON)", "Withdrawn badges (JSON)"),
    # The search (templates/search.html, templates/static/search.js, badgegen/search.py).
    "search.top": (
        "Rechercher un badge, une compétence, une organisation",
        "Search badges, skills, organisations",
    ),
    "search.title": ("Rechercher", "Search"),
    "search.intro": (
        "Cherchez un badge, une compétence ou une organisation. Tapez un mot, par exemple « semer » ou « ponctuel ».",
        "Look for a badge, a skill or an organisation. Type a word, for example “sow” or “punctual”.",
    ),
    "search.words": ("Mot ou compétence", "Word or skill"),
    "search.submit": ("Chercher", "Search"),
    "search.filters": ("Affiner la recherche (facultatif)", "Narrow the search (optional)"),
    "search.kind": ("Chercher parmi", "Look among"),
    "search.kind.any": ("Tout", "Everything"),
    "search.kind.badge": ("Badge", "Badge"),
    "search.kind.award": ("Badge attribué", "Awarded badge"),
    "search.kind.issuer": ("Organisation", "Organisation"),
    "search.kind.badge.plural": ("Les badges", "Badges"),
    "search.kind.award.plural": ("Les badges attribués", "Awarded badges"),
    "search.kind.issuer.plural": ("Les organisations", "Organisations"),
    "search.family": ("Famille de compétence", "Skill family"),
    "search.family.any": ("Toutes les familles", "All families"),
    "search.code": ("Métier (code ROME ou ESCO)", "Job (ROME or ESCO code)"),
    "search.code.any": ("Tous les métiers", "All jobs"),
    "search.territory": ("Territoire", "Area"),
    "search.territory.any": ("Tous les territoires", "All areas"),
    "search.structure": ("Structure", "Organisation"),
    "search.structure.any": ("Toutes les structures", "All organisations"),
    "search.year": ("Année d'attribution", "Year awarded"),
    "search.year.any": ("Toutes les années", "All years"),
    "search.nojs": (
        "La recherche a besoin de JavaScript, qui est coupé dans ce navigateur. Vous pouvez tout voir autrement :",
        "Search needs JavaScript, which is turned off in this browser. You can see everything another way:",
    ),
    "search.nojs.catalogue": ("parcourir tous les badges", "browse all badges"),
    "search.nojs.issuers": ("voir toutes les organisations", "see all organisations"),
    "search.error": (
        "La recherche ne marche pas ici pour l'instant. Parcourez plutôt le catalogue des badges.",
        "Search does not work here for now. Browse the catalogue of badges instead.",
    ),
    "search.status.ask": ("Tapez un mot ou choisissez un filtre.", "Type a word or choose a filter."),
    "search.status.none": (
        "Aucun résultat. Essayez un autre mot, ou enlevez un filtre.",
        "No results. Try another word, or remove a filter.",
    ),
    "search.status.one": ("1 résultat.", "1 result."),
    "search.status.many": ("{count} résultats.", "{count} results."),
    "search.more": ("Voir plus de résultats", "Show more results"),
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
