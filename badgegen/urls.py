"""Every published path, in one place.

These paths are promises: once published they must answer forever, so they are
built here only, from validated ids, and never from free text. Page paths are
folders (`badges/x/` → `badges/x/index.html`) so URLs stay clean on any static
host; JSON and images carry their extension because static hosts type files by it.
"""

from __future__ import annotations

from badgegen.model import Award, BadgeClass, Earner, Endorsement, Issuer


def issuer_json(issuer: Issuer) -> str:
    return f"issuers/{issuer.slug}.json"


def issuer_revocations(issuer: Issuer) -> str:
    """The issuer's OB 2.0 RevocationList, beside its page (issuers/<slug>/index.html)."""
    return f"issuers/{issuer.slug}/revocations.json"


def issuer_image(issuer: Issuer) -> str:
    assert issuer.image is not None
    return f"issuers/{issuer.slug}.{issuer.image.format}"


def badge_json(badge: BadgeClass) -> str:
    return f"badges/{badge.slug}.json"


def badge_json_in(badge: BadgeClass, lang: str) -> str:
    """The BadgeClass document in `lang`: French at badges/, a translation under en/badges/."""
    return badge_json(badge) if lang == "fr" else f"{lang}/badges/{badge.slug}.json"


def badge_image(badge: BadgeClass) -> str:
    return f"badges/{badge.slug}.{badge.image.format}"


def badge_png(badge: BadgeClass) -> str:
    """The badge as a PNG, for share previews (Open Graph): its image, or the drawing of its SVG."""
    return f"badges/{badge.slug}.png"


def assertion_json(award: Award) -> str:
    return f"assertions/{award.id}.json"


def assertion_png(award: Award) -> str:
    return f"assertions/{award.id}.png"


def assertion_svg(award: Award) -> str:
    return f"assertions/{award.id}.svg"


def endorsement_json(endorsement: Endorsement) -> str:
    return f"endorsements/{endorsement.id}.json"


# --- Open Badges 3.0 (published only when the build signs: see badgegen/ob3/) -----------------


def credential_json(award: Award) -> str:
    """The signed OpenBadgeCredential of an award (its `id`)."""
    return f"assertions/{award.id}.credential.json"


def credential_png(award: Award) -> str:
    """The badge's PNG baked with the signed credential (iTXt `openbadgecredential`)."""
    return f"assertions/{award.id}.credential.png"


def credential_svg(award: Award) -> str:
    """For SVG badges: the SVG baked with the signed credential (`<openbadges:credential>`)."""
    return f"assertions/{award.id}.credential.svg"


def achievement_json(badge: BadgeClass) -> str:
    """The OB 3.0 Achievement of a badge class (its `id`, `related` to the OB 2.0 BadgeClass)."""
    return f"badges/{badge.slug}.achievement.json"


def did_document(issuer: Issuer) -> str:
    """The issuer's did:web DID document: did:web:<host>[:<path>]:issuers:<slug> resolves here."""
    return f"issuers/{issuer.slug}/did.json"


def issuer_profile(issuer: Issuer) -> str:
    """The issuer's OB 3.0 Profile (its `id` is the DID)."""
    return f"issuers/{issuer.slug}/profile.json"


def status_list(issuer: Issuer) -> str:
    """The issuer's signed revocation list (BitstringStatusListCredential) of its credentials."""
    return f"issuers/{issuer.slug}/status/revocation.json"


def endorsement_credential_json(endorsement: Endorsement) -> str:
    """The signed EndorsementCredential of an endorsement."""
    return f"endorsements/{endorsement.id}.credential.json"


def media(name: str) -> str:
    return f"media/{name}"


def sitemap() -> str:
    return "sitemap.xml"


def sitemap_part(number: int) -> str:
    """A part of a sitemap too large for one file (`render.sitemaps`). At the site's root, as
    `sitemap.xml`: a sitemap may only list the addresses under its own folder."""
    return f"sitemap-{number}.xml"


def robots() -> str:
    return "robots.txt"


def page(lang: str, path: str = "") -> str:
    """A page's folder path in `lang` (French at the root, English under en/)."""
    prefix = "" if lang == "fr" else f"{lang}/"
    return f"{prefix}{path}"


def issuer_page(issuer: Issuer, lang: str) -> str:
    return page(lang, f"issuers/{issuer.slug}/")


def badge_page(badge: BadgeClass, lang: str) -> str:
    return page(lang, f"badges/{badge.slug}/")


def award_page(award: Award, lang: str) -> str:
    return page(lang, f"assertions/{award.id}/")


def catalogue_page(lang: str) -> str:
    return page(lang, "badges/")


def issuers_page(lang: str) -> str:
    return page(lang, "issuers/")


def verifier_page(lang: str) -> str:
    """The page where anyone checks a badge image or address in the browser (/verifier/)."""
    return page(lang, "verifier/")


def search_page(lang: str) -> str:
    """The search page (/recherche/, /en/recherche/): a GET form, `?q=` and filters in the address."""
    return page(lang, "recherche/")


#: Pagefind's search bundle (index, fragments, its JavaScript and WebAssembly), written by the build.
SEARCH_BUNDLE = "pagefind/"


def earner_page(earner: Earner, lang: str) -> str:
    """A portfolio (only with its person's consent): never listed, shared by the person as a link."""
    return page(lang, f"personnes/{earner.slug}/")


def earner_print_page(earner: Earner, lang: str) -> str:
    """The portfolio on one A4 page, with a QR code per badge pointing to its award page."""
    return page(lang, f"personnes/{earner.slug}/imprimer/")
