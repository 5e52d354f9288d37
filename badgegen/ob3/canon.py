"""JSON-LD → RDF → canonical N-Quads (RDFC-1.0), over locally shipped contexts only.

Signing a credential signs its RDF graph, so what a JSON-LD context does not
define is silently dropped from what is signed, and strict verifiers (Digital
Bazaar's "safe mode") reject the document. Here an undefined term, or a type or
id that stays a relative IRI, is an error (`UndefinedTermError`): a bug of the
document builders, never a content problem.

The contexts come from `badgegen/contexts/` (sources and checksums in its
README.md): the build never fetches anything. Three engines give the same text:

- `"fast"` (the default): `badgegen.ob3.fastrdf`, pyld's processed contexts kept for
  the whole process and each document turned into RDF in one walk (about 10 times
  faster than pyld); whatever it does not handle — including every document with an
  undefined term — goes to the `"pyld"` engine, so its errors are pyld's;
- `"pyld"`: pyld's expansion, toRdf and URDNA2015 (RDFC-1.0 for these documents), the
  reference the fast engine is tested against (tests/test_ob3_fastrdf.py);
- `"oxigraph"`: pyld's expansion, then pyoxigraph's RDFC-1.0 (a test dependency only).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from badgegen.ob3 import fastrdf

CONTEXT_FOLDER = Path(__file__).resolve().parent.parent / "contexts"
#: Every context a document of ours may name: its URL and the file that answers for it.
CONTEXTS: dict[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
}
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

Engine = Literal["fast", "pyld", "oxigraph"]
Document = dict[str, Any]


class UndefinedTermError(ValueError):
    """A document uses a term no context defines (it would be dropped from the signature)."""


class UnknownContextError(ValueError):
    """A document names a context that is not shipped (nothing is ever fetched)."""


@cache
def shipped_context(url: str) -> Document:
    """The parsed context file shipped for `url`."""
    if url not in CONTEXTS:
        raise UnknownContextError(url)
    loaded: Document = json.loads((CONTEXT_FOLDER / CONTEXTS[url]).read_text("utf-8"))
    return loaded


def document_loader(extra: Mapping[str, Document] | None = None) -> Callable[..., Document]:
    """A pyld document loader answering from the shipped contexts (and `extra`), never the network."""
    more = dict(extra or {})

    def load(url: str, options: object = None) -> Document:
        document = more[url] if url in more else shipped_context(url)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def _pyld() -> Any:
    """pyld's `jsonld` module, imported when first needed: only a build that signs uses it,
    and importing it (with asyncio and lxml) took 0.07 s of every command's start."""
    from pyld import jsonld  # type: ignore[import-untyped]

    return jsonld


def _refuse_dropped(term: str) -> None:
    raise UndefinedTermError(f"the term {term!r} is not defined by the document's contexts")


def expand(document: Document, extra: Mapping[str, Document] | None = None) -> list[Any]:
    """The expanded form of `document`; every term, type and id must be defined and absolute."""
    jsonld = _pyld()
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    options = {"documentLoader": document_loader(extra), "base": None}
    try:
        expanded: list[Any] = processor.expand(document, options)
    except jsonld.JsonLdError as error:
        cause = error
        while cause.__cause__ is not None:
            cause = cause.__cause__
        if isinstance(cause, UndefinedTermError | UnknownContextError):
            raise cause from error
        raise
    _check_absolute(expanded)
    return expanded


def _check_absolute(node: Any) -> None:
    """Types and ids that stayed relative IRIs are dropped from RDF: refuse them too."""
    if isinstance(node, list):
        for item in node:
            _check_absolute(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@type", "@id") and "@value" not in node:
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, str) and ":" not in iri:
                        raise UndefinedTermError(f"{key} {iri!r} is not an absolute IRI (undefined term?)")
            elif key != "@value":
                _check_absolute(value)


#: How many documents each path canonicalised in this process ("fast", "fallback"): for the tests.
FAST_PATH: Counter[str] = Counter()


@cache
def _converter() -> fastrdf.Converter:
    from badgegen.ob3 import fastrdf

    return fastrdf.Converter(document_loader())


def canonicalize(
    document: Document, *, engine: Engine = "fast", extra: Mapping[str, Document] | None = None
) -> str:
    """The RDFC-1.0 canonical N-Quads of `document` (every line ends with a newline)."""
    from badgegen.ob3 import fastrdf

    jsonld = _pyld()
    if engine == "fast":
        if extra is None:
            try:
                fast = fastrdf.canonical_nquads(_converter().quads(document))
            except (fastrdf.Unsupported, jsonld.JsonLdError):
                pass  # pyld canonicalises it, or says what is wrong with it
            else:
                FAST_PATH["fast"] += 1
                return fast
        FAST_PATH["fallback"] += 1
        engine = "pyld"
    expanded = expand(document, extra)
    options = {"documentLoader": document_loader(extra), "base": None}
    dataset = jsonld.JsonLdProcessor().to_rdf(expanded, options)
    if engine == "pyld":
        from pyld.canon import URDNA2015  # type: ignore[import-untyped]

        canonical: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
        return canonical
    return _oxigraph(jsonld.JsonLdProcessor.to_nquads(dataset))


def _oxigraph(nquads: str) -> str:
    import pyoxigraph

    dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, pyoxigraph.RdfFormat.N_QUADS))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS) or b""
    lines = serialized.decode("utf-8").splitlines()
    return "".join(f"{line}\n" for line in sorted(set(lines)))
