"""did:web identities of the issuers, and their DID documents.

did:web maps a DID to an HTTPS address: `did:web:<host>[%3A<port>]:<path>:…` is
resolved at `https://<host>[:<port>]/<path>/…/did.json`. Each issuer gets
`did:web:<host>[:<base path…>]:issuers:<slug>`, whose document is published at
`<base_url>issuers/<slug>/did.json` (`urls.did_document`): it lists every public
key of registry.yaml as a Multikey verification method, all under
`assertionMethod` (retired keys too, so what they signed still verifies), and
`alsoKnownAs` the issuer's OB 2.0 Profile.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from badgegen import urls
from badgegen.model import Issuer, Registry
from badgegen.ob3.canon import DID_V1, MULTIKEY_V1, Document


def did_web(base_url: str, *segments: str) -> str:
    """The did:web DID of the address `base_url` + `segments` joined by `/`."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.port is not None:
        host += f"%3A{parts.port}"
    path = [segment for segment in parts.path.split("/") if segment] + list(segments)
    return ":".join(["did:web", host, *(quote(segment, safe="-._~%") for segment in path)])


def did_url(did: str) -> str:
    """Where a did:web DID document is published (the did:web resolution rule)."""
    host, *path = did.removeprefix("did:web:").split(":")
    host = host.replace("%3A", ":").replace("%3a", ":")
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/" + "/".join(path) + "/did.json"


def issuer_did(registry: Registry, issuer: Issuer) -> str:
    return did_web(registry.site.base_url, "issuers", issuer.slug)


def verification_method(registry: Registry, issuer: Issuer, key_id: str) -> str:
    return f"{issuer_did(registry, issuer)}#{key_id}"


def did_document(registry: Registry, issuer: Issuer) -> Document:
    """The issuer's DID document: every key of the registry, each one usable for assertions."""
    did = issuer_did(registry, issuer)
    methods = [
        {
            "id": f"{did}#{key.id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key,
        }
        for key in registry.site.signing_keys
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "alsoKnownAs": [registry.site.base_url + urls.issuer_json(issuer)],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
