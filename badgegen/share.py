"""Sharing and verifying, as the pages offer them.

- Link previews: the Open Graph and Twitter card `<meta>` tags of badge and award
  pages, read by the sites a link is pasted into (title, text, a PNG picture, the
  page's address). All addresses are absolute, as those sites require.
- LinkedIn's "Add to profile" form, filled in from an award: a plain link, no
  LinkedIn script is loaded.
- What the verifier page (`templates/verifier.html`, `static/verifier.js`) needs
  to know: the registry's address, where its pages are, its time zone and the
  words of the script, passed in a JSON data block (never an executable script).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from badgegen import urls
from badgegen.i18n import UI, format_date, translate
from badgegen.model import Award, BadgeClass, Registry

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
#: The official Open Badges 2.0 verifier of 1EdTech, named to visitors (never fetched).
OFFICIAL_VERIFIER = "https://openbadgesvalidator.imsglobal.org/"
#: Open Graph locales of the page languages.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_SCRIPT_WORDS = "verifier.js."


@dataclass(frozen=True)
class Preview:
    """What a page says about itself to link previews (Open Graph, Twitter card)."""

    site_name: str
    title: str
    description: str
    url: str  # the page's own absolute address
    image: str  # absolute address of a PNG
    image_alt: str
    locale: str
    alternate_locales: tuple[str, ...]


@dataclass(frozen=True)
class Share:
    """The sharing helpers of one page language, as templates call them (`share.…`)."""

    registry: Registry
    lang: str
    link: Callable[[str], str]

    def _preview(self, title: str, description: str, path: str, badge: BadgeClass) -> Preview:
        site = self.registry.site
        return Preview(
            site_name=site.name.get(self.lang),
            title=title,
            description=description,
            url=site.base_url + path,
            image=site.base_url + urls.badge_png(badge),
            image_alt=badge.name.get(self.lang),
            locale=LOCALES.get(self.lang, self.lang),
            alternate_locales=tuple(
                LOCALES.get(other, other) for other in site.languages if other != self.lang
            ),
        )

    def badge_preview(self, badge: BadgeClass) -> Preview:
        name = badge.name.get(self.lang)
        return self._preview(name, badge.description.get(self.lang), urls.badge_page(badge, self.lang), badge)

    def award_preview(self, award: Award) -> Preview:
        badge, lang = award.badge, self.lang
        state = self.registry.status(award)
        fields = {"issuer": badge.issuer.name, "date": self._date(award.issued_on)}
        if award.expires is not None:
            fields["expires"] = self._date(award.expires)
        description = translate(f"share.award.{state}", lang, **fields)
        title = translate("award.title", lang, name=badge.name.get(lang))
        return self._preview(title, description, urls.award_page(award, lang), badge)

    def _date(self, moment: datetime) -> str:
        return format_date(moment, self.lang, self.registry.site.timezone)

    def linkedin_url(self, award: Award) -> str:
        """LinkedIn's "Add licence or certification" form, filled in from `award`.

        Months and years are those of the registry's time zone; the certificate's
        address is the award page in the page's language, its id the award id.
        """
        zone = ZoneInfo(self.registry.site.timezone)
        issued = award.issued_on.astimezone(zone)
        params: dict[str, str] = {
            "startTask": "CERTIFICATION_NAME",
            "name": award.badge.name.get(self.lang),
            "organizationName": award.badge.issuer.name,
            "issueYear": str(issued.year),
            "issueMonth": str(issued.month),
        }
        if award.expires is not None:
            expires = award.expires.astimezone(zone)
            params["expirationYear"] = str(expires.year)
            params["expirationMonth"] = str(expires.month)
        query = _query(params.items())
        cert_url = _quoted(self.registry.site.base_url) + _quoted_path(urls.award_page(award, self.lang))
        query += f"&certUrl={cert_url}&certId={_quoted_path(award.id)}"
        return LINKEDIN_ADD_TO_PROFILE + "?" + query

    def assertion_url(self, award: Award) -> str:
        """The hosted assertion's address: what a verifier is given."""
        return self.registry.site.base_url + urls.assertion_json(award)

    def verifier_link(self, award: Award) -> str:
        """The verifier page, set to check `award` as soon as it opens (`?url=`)."""
        address = _quoted(self.registry.site.base_url) + _quoted_path(urls.assertion_json(award))
        return self.link(urls.verifier_page(self.lang)) + "?url=" + address

    def verifier_data(self) -> dict[str, Any]:
        """The verifier script's settings and words, for the page's JSON data block."""
        site = self.registry.site
        return {
            "lang": self.lang,
            "base": site.base_url,  # assertions whose address starts here are this registry's
            "root": self.link(""),  # where the site's files are, relative to the page
            "pages": self.link(urls.page(self.lang)),  # where this language's pages are
            "timezone": site.timezone,
            "verifier": OFFICIAL_VERIFIER,
            "words": {
                key.removeprefix(_SCRIPT_WORDS): translate(key, self.lang)
                for key in UI
                if key.startswith(_SCRIPT_WORDS)
            },
        }


def _query(params: Iterable[tuple[str, str]]) -> str:
    """`urlencode(params, quote_via=quote)`, its values' encodings remembered (`_quoted`)."""
    return "&".join(f"{_quoted(key)}={_quoted(value)}" for key, value in params)


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """`text` percent-encoded as `urlencode(..., quote_via=quote)` encodes a value.

    Remembered: every award page of a badge encodes the same badge and issuer names and
    the same base address (`quote` goes byte by byte in Python: it cost more than the
    rest of the sharing links).
    """
    return quote(text, safe="")


def _quoted_path(path: str) -> str:
    """`_quoted(path)`, one part between slashes at a time (encoding goes byte by byte, so
    the parts' encodings joined by that of « / » are the whole's): the parts (a few
    folders, one award's id) repeat, whole paths do not."""
    return "%2F".join(_quoted(part) for part in path.split("/"))
