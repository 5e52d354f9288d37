"""An equivalent Hugo site for a badgegen registry, to time Hugo on the same content (issue 6).

Issue 6 sets the target "cold full build ≤ 0.4 × Hugo when both run side by side" and quotes
Hugo 0.111 figures; this writes the Hugo side of that comparison so it can be measured on the
same machine, from the same synthetic registry (bench/synth.py), instead of quoted:

    .venv/bin/python bench/hugo_site.py CONTENT_DIR OUT_DIR     # then: cd OUT_DIR && hugo

`convert(content, out)` reads the registry's YAML (PyYAML) and writes a Hugo project: the
fixed part (hugo.json aside) is copied from bench/hugo/ (layouts), the rest is made here.
The conversion is *not* what is timed: only `hugo` building the project is. So the work is
split as a Hugo user would split it: content files hold each document's own data (one
Markdown file per document per language, JSON front matter), and the joins are Hugo's —
an award finds its badge class through a taxonomy (`badges`, whose term pages are the
badge pages and list their awards), the badge's issuer and the endorsements with
`site.GetPage`. Only two small indexes are precomputed, because badgegen's loader makes
them too and Hugo has no cheap way to: the ids of the endorsements of each award, badge
and issuer, and the portfolio that shows an award.

What Hugo writes, per award (compare with a badgegen site, `find site -type f`):

- an HTML page in French (`/assertions/<id>/`) and in English (`/en/assertions/<id>/`),
  with the sections and words of badgegen's award page (templates/award.html): badge name,
  family and description, issuer, date, expiry, status with its reason, narrative (the
  page's Markdown body), evidence, endorsements, the verification and sharing blocks. The
  words come from badgegen.i18n, so the pages weigh about the same as badgegen's;
- the hosted Open Badges 2.0 assertion, as an output format of the French page
  (`/assertions/<id>/data.json`; badgegen writes `/assertions/<id>.json`): same fields;
- a copy of the badge image: Hugo cannot bake (insert the assertion into the PNG or SVG),
  so the French page publishes `resources.Copy` of its badge's image, an asset prepared
  once per badge class, to `/assertions/<id>.png` (and `.svg` when the badge is an SVG),
  as badgegen writes a baked PNG (and SVG) per unrevoked award. The assets are the bytes
  badgegen's image preparation makes (badgegen.images.prepare_image: cleaned and optimised
  PNG, SVG plus its PNG rendering), so the files differ from badgegen's only by the baked
  assertion (under 1 KB each).

Per badge class: a page per language listing its listed awards, and its BadgeClass JSON
per language; per issuer: a page per language, its Issuer JSON and revocation list; per
endorsement its JSON; per portfolio a page per language; the home page, catalogue and
organisations list, search and verifier pages (their text only), sitemap, robots.txt, 404.

Not reproduced: the portfolios' print pages, the search index (badgegen runs Pagefind over
the listed pages, a separate indexer Hugo sites add the same way), OB 3.0 signed
credentials (unsigned builds only), badgegen's checks (validation, published-address
ledger) and its relative links (Hugo writes root-relative ones).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from badgegen.i18n import UI
from badgegen.images import prepare_image

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SKELETON = BENCH / "hugo"
TEMPLATES = REPO / "templates"
FAMILIES = ("savoir-faire", "savoir-etre", "engagement")
GENRES = {"photo": "Photo", "video": "Video", "audio": "Podcast", "document": "Document", "text": "Testimony"}
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Ccircle cx='12' "
    "cy='12' r='12' fill='%23123f7a'/%3E%3Cpath fill='%23fff' d='M12 4.5l2.2 4.5 4.9.7-3.5 3.4.8 4.9-4.4-2.3"
    "-4.4 2.3.8-4.9-3.5-3.4 4.9-.7z'/%3E%3C/svg%3E"
)

Doc = dict[str, Any]


def load(path: Path) -> Doc:
    """One YAML document, with libyaml's parser when PyYAML has it (50 000 files to read)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        found = yaml.load(stream, Loader=loader)  # a safe loader: C or pure Python
    return found if isinstance(found, dict) else {}


def text(value: Any, lang: str) -> str:
    """A registry text in `lang`: a plain string, or a {fr, en} mapping (first language if missing)."""
    if isinstance(value, dict):
        chosen = value.get(lang, next(iter(value.values()), ""))
        return str(chosen)
    return "" if value is None else str(value)


def write_page(path: Path, front: Doc, body: str = "") -> None:
    """A content file: JSON front matter (fast to write, and Hugo reads it), then Markdown."""
    path.write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body.strip() + "\n", encoding="utf-8")


class Registry:
    """The registry's documents, as read from `content/`, and the indexes Hugo cannot make cheaply."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.site = load(content / "registry.yaml")
        self.languages: list[str] = list(self.site.get("languages") or ["fr"])
        self.issuers = {p.stem: load(p) for p in sorted((content / "issuers").glob("*.yaml"))}
        self.badges = {p.stem: load(p) for p in sorted((content / "badges").glob("*.yaml"))}
        self.awards = {p.stem: load(p) for p in sorted((content / "awards").glob("*/*.yaml"))}
        self.endorsements = {p.stem: load(p) for p in sorted((content / "endorsements").glob("*.yaml"))}
        self.earners = {p.stem: load(p) for p in sorted((content / "earners").glob("*.yaml"))}
        self.endorsed: dict[tuple[str, str], list[str]] = defaultdict(list)
        for key, doc in self.endorsements.items():
            for kind in ("award", "badge", "issuer"):
                if kind in doc:
                    self.endorsed[kind, str(doc[kind])].append(key)
        self.earner_of = {
            str(award): key for key, doc in self.earners.items() for award in doc.get("awards", [])
        }


def messages(lang_index: int) -> dict[str, str]:
    """badgegen's interface words for Hugo's `T`: ids with `_` for `.`, `{x}` as `{{ .x }}`."""
    words = {
        key.replace(".", "_"): re.sub(r"\{(\w+)\}", r"{{ .\1 }}", pair[lang_index])
        for key, pair in UI.items()
    }
    words["colon"] = " :" if lang_index == 0 else ":"  # badgegen's cmdutil.colon: « : » in French
    return words


def icons() -> dict[str, str]:
    """The inner SVG of each icon of badgegen's templates/_icons.html, for the `icon.html` partial."""
    source = (TEMPLATES / "_icons.html").read_text(encoding="utf-8")
    return dict(re.findall(r'name == "(\w+)" %\}(.*?)\n', source))


def write_config(registry: Registry, out: Path) -> None:
    """hugo.json: languages (the first at the root, the others under /<lang>/), a taxonomy, two JSON formats."""
    site = registry.site
    first = registry.languages[0]
    languages = {
        lang: {
            "weight": index + 1,
            "languageName": lang,
            "title": text(site.get("name"), lang),
            "params": {"tagline": text(site.get("tagline"), lang)},
        }
        for index, lang in enumerate(registry.languages)
    }
    json_format = {"mediaType": "application/json", "isPlainText": True, "notAlternative": True}
    config = {
        "baseURL": site.get("base_url", "https://example.org/"),
        "defaultContentLanguage": first,
        "defaultContentLanguageInSubdir": False,
        "languages": languages,
        "timeZone": site.get("timezone", "UTC"),
        "disableKinds": ["RSS"],
        "enableRobotsTXT": True,
        "taxonomies": {"badge": "badges"},
        "outputFormats": {
            "data": {**json_format, "baseName": "data"},
            "revocations": {**json_format, "baseName": "revocations"},
        },
        "outputs": {"home": ["HTML"], "section": ["HTML"], "taxonomy": ["HTML"], "term": ["HTML", "data"]},
        "params": {
            "contact": site.get("contact", {}),
            "favicon": FAVICON,
            "icons": icons(),
            "genres": GENRES,
            "families": list(FAMILIES),
            "firstLanguage": first,
        },
    }
    (out / "hugo.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "i18n").mkdir()
    for index, lang in enumerate(registry.languages):
        words = messages(min(index, 1))  # badgegen has French and English words
        (out / "i18n" / f"{lang}.json").write_text(
            json.dumps(words, ensure_ascii=False, indent=1), encoding="utf-8"
        )


def write_images(registry: Registry, out: Path) -> dict[str, str]:
    """Each badge's prepared image as an asset, `<slug>.png` (+ `<slug>.svg`); slug → published name.

    Prepared as badgegen prepares them, so the per-award copies weigh what badgegen's baked
    images weigh, less the baked assertion.
    """
    assets = out / "assets" / "badges"
    assets.mkdir(parents=True)
    names = {}
    for slug, badge in registry.badges.items():
        source = str(badge["image"])
        image = prepare_image(source, (registry.content / "badges" / source).read_bytes())
        (assets / f"{slug}.png").write_bytes(image.png)
        names[slug] = f"{slug}.png"
        if image.format == "svg":
            (assets / f"{slug}.svg").write_bytes(image.data)
            names[slug] = f"{slug}.svg"
    return names


def logo_name(slug: str, source: str) -> str:
    """Where an issuer's logo is published: /issuers/<slug>-logo.<ext> (next to its page's folder)."""
    return f"{slug}-logo{Path(source).suffix}"


def write_static(registry: Registry, out: Path) -> None:
    """Copied once by Hugo: badgegen's CSS and scripts, the evidence media, the issuers' logos."""
    static = out / "static"
    shutil.copytree(TEMPLATES / "static", static / "static")
    shutil.copytree(registry.content / "media", static / "media")
    (static / "issuers").mkdir()
    for slug, issuer in registry.issuers.items():
        if issuer.get("image"):
            name = str(issuer["image"])
            shutil.copyfile(registry.content / "issuers" / name, static / "issuers" / logo_name(slug, name))


def section(out: Path, name: str, titles: dict[str, str], render: bool = True) -> Path:
    """content/<name>/ with its _index pages (not rendered when badgegen has no such page)."""
    folder = out / "content" / name
    folder.mkdir(parents=True)
    for lang, title in titles.items():
        front: Doc = {"title": title} if render else {"title": title, "_build": {"render": "never"}}
        write_page(folder / f"_index.{lang}.md", front)
    return folder


def write_home_and_tools(registry: Registry, out: Path) -> None:
    """The home page (the registry's description as its body) and the search and verifier pages."""
    content = out / "content"
    for lang in registry.languages:
        write_page(
            content / f"_index.{lang}.md",
            {"title": text(registry.site.get("name"), lang)},
            text(registry.site.get("description"), lang),
        )
        index = min(registry.languages.index(lang), 1)
        for page, script, title, lead in (
            ("verifier", "verifier.js", "verifier.title", "verifier.lead"),
            ("recherche", "search.js", "search.title", "search.intro"),
        ):
            write_page(
                content / f"{page}.{lang}.md",
                {"title": UI[title][index], "script": script},
                UI[lead][index],
            )


def write_issuers(registry: Registry, out: Path) -> None:
    first = registry.languages[0]
    titles = {lang: UI["issuers.title"][min(i, 1)] for i, lang in enumerate(registry.languages)}
    folder = section(out, "issuers", titles)
    for slug, issuer in registry.issuers.items():
        for lang in registry.languages:
            front: Doc = {
                "title": issuer["name"],
                "issuer_kind": issuer.get("kind", ""),
                "website": issuer.get("url", ""),
                "email": issuer.get("email", ""),
                "outputs": ["HTML", "data", "revocations"] if lang == first else ["HTML"],
            }
            if issuer.get("territory"):
                front["territory"] = issuer["territory"]
            if issuer.get("image"):
                front["image"] = logo_name(slug, str(issuer["image"]))
            if registry.endorsed.get(("issuer", slug)):
                front["endorsements"] = registry.endorsed["issuer", slug]
            write_page(folder / f"{slug}.{lang}.md", front, text(issuer.get("description"), lang))


def write_badges(registry: Registry, out: Path, images: dict[str, str]) -> None:
    """The taxonomy's term pages: content/badges/<slug>/_index.<lang>.md carry the badge class."""
    titles = {lang: UI["catalogue.title"][min(i, 1)] for i, lang in enumerate(registry.languages)}
    folder = section(out, "badges", titles)
    for slug, badge in registry.badges.items():
        (folder / slug).mkdir()
        for lang in registry.languages:
            front: Doc = {
                "title": text(badge.get("name"), lang),
                "key": slug,
                "description": text(badge.get("description"), lang),
                "criteria": text(badge.get("criteria"), lang),
                "issuer": badge["issuer"],
                "image": images[slug],
                "family": badge.get("family", ""),
                "tags": badge.get("tags", []),
                "alignments": badge.get("alignments", []),
            }
            for optional in ("validity_months", "self_declared"):
                if badge.get(optional):
                    front[optional] = badge[optional]
            if registry.endorsed.get(("badge", slug)):
                front["endorsements"] = registry.endorsed["badge", slug]
            write_page(folder / slug / f"_index.{lang}.md", front)


def evidence(items: list[Doc], lang: str) -> list[Doc]:
    """An award's evidence in one language (texts chosen, the rest as written)."""
    found = []
    for item in items:
        piece: Doc = {
            key: text(item[key], lang) for key in ("name", "description", "narrative") if key in item
        }
        piece.update(
            {key: item[key] for key in ("kind", "url", "file", "transcript", "private") if key in item}
        )
        found.append(piece)
    return found


def award_front(registry: Registry, key: str, award: Doc, lang: str) -> Doc:
    """An award page's front matter: its own data, the badge as a taxonomy term, two small indexes."""
    front: Doc = {
        "title": key,
        "date": str(award["issued_on"]),
        "badges": [award["badge"]],
        "recipient": award["recipient"],
        "listed": bool(award.get("listed", False)),
        "outputs": ["HTML", "data"] if lang == registry.languages[0] else ["HTML"],
    }
    if award.get("expires"):
        front["expires"] = str(award["expires"])
    if award.get("revoked"):
        revoked = award["revoked"]
        front["revoked"] = {
            "on": str(revoked.get("on", revoked.get(True, ""))),
            "reason": revoked.get("reason", ""),
        }
    if award.get("evidence"):
        front["evidence"] = evidence(award["evidence"], lang)
    if registry.endorsed.get(("award", key)):
        front["endorsements"] = registry.endorsed["award", key]
    if key in registry.earner_of:
        front["earner"] = registry.earner_of[key]
    return front


def write_awards(registry: Registry, out: Path) -> None:
    """Two pages per award (one per language); badgegen has no /assertions/ index page."""
    folder = section(out, "assertions", dict.fromkeys(registry.languages, "assertions"), render=False)
    for key, award in registry.awards.items():
        for lang in registry.languages:
            front = award_front(registry, key, award, lang)
            write_page(folder / f"{key}.{lang}.md", front, text(award.get("narrative"), lang))


def write_endorsements(registry: Registry, out: Path) -> None:
    """Endorsements: JSON only, in the first language; the others exist for `GetPage` only."""
    first = registry.languages[0]
    folder = section(out, "endorsements", dict.fromkeys(registry.languages, "endorsements"), render=False)
    for key, doc in registry.endorsements.items():
        for lang in registry.languages:
            front: Doc = {
                "title": key,
                "date": str(doc["issued_on"]),
                "endorser": doc["endorser"],
                "comment": text(doc.get("comment"), lang),
            }
            front.update({kind: doc[kind] for kind in ("award", "badge", "issuer") if kind in doc})
            if lang == first:
                front.update(outputs=["data"], _build={"list": "never"})
            else:
                front["_build"] = {"render": "never", "list": "never"}
            write_page(folder / f"{key}.{lang}.md", front)


def write_earners(registry: Registry, out: Path) -> None:
    """Portfolios: a page per language (noindex, out of the sitemap as badgegen's)."""
    folder = section(out, "personnes", dict.fromkeys(registry.languages, "personnes"), render=False)
    for key, doc in registry.earners.items():
        for lang in registry.languages:
            front: Doc = {
                "title": doc.get("name", key),
                "name": doc.get("name", key),
                "awards": [str(award) for award in doc.get("awards", [])],
                "listed": False,
            }
            if doc.get("territory"):
                front["territory"] = doc["territory"]
            write_page(folder / f"{key}.{lang}.md", front, text(doc.get("presentation"), lang))


def convert(content: Path, out: Path) -> Registry:
    """Write the Hugo project equivalent to the registry in `content` into `out` (a new folder)."""
    registry = Registry(content)
    out.mkdir(parents=True)
    shutil.copytree(SKELETON / "layouts", out / "layouts")
    (out / "content").mkdir()
    write_config(registry, out)
    write_static(registry, out)
    images = write_images(registry, out)
    write_home_and_tools(registry, out)
    write_issuers(registry, out)
    write_badges(registry, out, images)
    write_awards(registry, out)
    write_endorsements(registry, out)
    write_earners(registry, out)
    return registry


def main() -> None:
    parser = argparse.ArgumentParser(description="write a Hugo site equivalent to a badgegen registry")
    parser.add_argument("content", type=Path, help="the registry's content/ folder")
    parser.add_argument("out", type=Path, help="the Hugo project to write (must not exist)")
    options = parser.parse_args()
    registry = convert(options.content, options.out)
    print(
        f"{options.out}: {len(registry.awards)} awards, {len(registry.badges)} badges, languages {registry.languages}"
    )


if __name__ == "__main__":
    main()
