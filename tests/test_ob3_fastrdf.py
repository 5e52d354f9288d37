"""The fast canonicaliser (badgegen/ob3/fastrdf.py) gives pyld's canonical N-Quads, byte for byte.

The corpus is every document that a build signs or publishes as OB 3.0, of the example
content (with a private folder: restricted credentials too) and of the minimal fixture:
credentials, endorsement credentials, status lists, DID documents, profiles, achievements,
each proof configuration, and every document the signer canonicalised while building.
Every one of them must take the fast path (no fallback) and give pyld's exact text. Then
generated variations of them (any text, duplicated anonymous objects that need RDFC-1.0's
N-degree hashing, optional parts removed) must agree too, and what the fast path does not
handle must go to pyld, which keeps refusing undefined terms.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ob3_support import build_signed_site
from test_restricted import make_private, prepare, run_build

from badgegen.ob3 import canon, fastrdf, proof
from badgegen.ob3.canon import Document

FIXTURE = Path(__file__).resolve().parent / "fixtures/minimal/content"


def _fast(document: Document) -> str:
    """The fast path alone: raises `fastrdf.Unsupported` rather than falling back."""
    return fastrdf.canonical_nquads(canon._converter().quads(document))


def _pyld(document: Document) -> str:
    return canon.canonicalize(document, engine="pyld")


def _published(folder: Path) -> Iterator[Document]:
    """Every JSON-LD document of a built site or delivery folder that names our contexts."""
    for path in sorted(folder.rglob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        if isinstance(document, dict) and any(
            url in json.dumps(document.get("@context")) for url in canon.CONTEXTS
        ):
            yield document


def _with_configs(documents: list[Document]) -> list[Document]:
    """Each document without its proof, each proof's configuration, and every embedded proof's too."""
    out: list[Document] = []
    for document in documents:
        out.append({key: value for key, value in document.items() if key != "proof"})
        for item in [document, *document.get("endorsement", [])]:
            if "proof" in item:
                config = {key: value for key, value in item["proof"].items() if key != "proofValue"}
                out.append({"@context": item["@context"], **config})
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    seen: list[Document] = []
    original = proof.canonicalize

    def recording(document: Document, **options: Any) -> str:
        seen.append(copy.deepcopy(document))
        return original(document, **options)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(proof, "canonicalize", recording)
        proof._config_hash.cache_clear()  # so the proof configurations are seen too
        mp.setenv("SOURCE_DATE_EPOCH", "1795953600")
        minimal = build_signed_site(tmp_path_factory.mktemp("minimal"), FIXTURE)
        root = tmp_path_factory.mktemp("example")
        _content, secret = prepare(root)  # the example, with a key, and a private folder
        make_private(root)
        code, _out, err = run_build(root, key=secret)
        assert code == 0, err
    published = [*_published(minimal.out), *_published(root / "site"), *_published(root / "delivery")]
    documents = _with_configs(published) + seen
    kinds = {json.dumps(d.get("type")) for d in documents}
    for kind in ("OpenBadgeCredential", "EndorsementCredential", "BitstringStatusListCredential"):
        assert any(kind in k for k in kinds), kind
    assert any(d.get("id", "").startswith("urn:uuid:") for d in published), "restricted credentials"
    assert any("DataIntegrityProof" in k for k in kinds) and len(seen) > 20
    return documents


def test_the_fast_path_gives_pyld_bytes_on_the_whole_corpus(corpus: list[Document]) -> None:
    assert len(corpus) > 100
    for document in corpus:
        assert _fast(document) == _pyld(document), json.dumps(document)[:300]


def test_signing_takes_the_fast_path(corpus: list[Document]) -> None:
    before = canon.FAST_PATH.copy()
    for document in corpus[:20]:
        canon.canonicalize(document)
    assert canon.FAST_PATH["fast"] - before["fast"] == 20
    assert canon.FAST_PATH["fallback"] == before["fallback"]


# --- generated variations --------------------------------------------------------------------

#: Any text, with what N-Quads escapes (quotes, backslashes, line breaks, tabs) and more.
TEXT = st.text(
    # (no lone surrogate: the content check refuses them, and no UTF-8 document holds one)
    alphabet=st.one_of(
        st.sampled_from('"\\\n\r\t\x0b\x0c\x7f é—✓𝄞 <>{}'), st.characters(exclude_categories=("Cs",))
    ),
    max_size=30,
)


def _strings(node: Any, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """Paths of the string values that are text (not ids, types, dates, contexts or IRIs)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "id", "type", "proof", "proofPurpose", "validFrom", "validUntil"):
                continue
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))
    elif isinstance(node, str) and not node.startswith(("http", "did:", "urn:", "data:")):
        yield path


def _set(node: Any, path: tuple[object, ...], value: object) -> None:
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_variations_of_the_documents_agree(corpus: list[Document], data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(corpus[:80])))
    paths = list(_strings(document))
    for path in data.draw(st.lists(st.sampled_from(paths), max_size=4)) if paths else []:
        _set(document, path, data.draw(TEXT))
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and data.draw(st.booleans()):
        # Anonymous objects that are exactly alike: RDFC-1.0 needs its N-degree hashes for them.
        for key in ("identifier", "evidence"):
            holder = subject if key in subject else document
            if isinstance(holder.get(key), list) and holder[key]:
                holder[key] = [*holder[key], copy.deepcopy(holder[key][0])]
    for key in ("narrative", "description", "validUntil", "endorsement"):
        if key in document and data.draw(st.booleans()):
            del document[key]
    assert _fast(document) == _pyld(document)


def test_identical_anonymous_objects_need_the_n_degree_hashes(
    corpus: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two identical blank nodes share a first-degree hash: pyld's URDNA2015 runs on our quads."""
    credential = copy.deepcopy(next(d for d in corpus if "OpenBadgeCredential" in d.get("type", [])))
    identifier = credential["credentialSubject"]["identifier"]
    identifier[0]["salt"] = 'a "quoted" \\n back\\slash\nnew line\ttab\r'  # escaped text, unescaped back
    identifier.append(copy.deepcopy(identifier[0]))
    calls: list[int] = []
    original = fastrdf._urdna2015

    def spy(quads: set[fastrdf.Quad]) -> str:
        calls.append(len(quads))
        return original(quads)

    monkeypatch.setattr(fastrdf, "_urdna2015", spy)
    assert _fast(credential) == _pyld(credential)
    assert calls, "the N-degree path was taken"


# --- what the fast path does not handle goes to pyld -------------------------------------------


def _credential(corpus: list[Document]) -> Document:
    return copy.deepcopy(next(d for d in corpus if "OpenBadgeCredential" in d.get("type", [])))


@pytest.mark.parametrize(
    "change",
    [
        "full-iri-key",  # a key that is an absolute IRI, not a term
        "value-object",  # {"@value": …, "@language": …}
        "inline-context",  # a context given as an object
        "float",  # a JSON number with a fraction
    ],
)
def test_what_the_fast_path_does_not_handle_is_canonicalised_by_pyld(
    corpus: list[Document], change: str
) -> None:
    document = _credential(corpus)
    subject = document["credentialSubject"]
    if change == "full-iri-key":
        subject["https://schema.org/name"] = "Camille"
    elif change == "value-object":
        document["name"] = {"@value": "Semer", "@language": "fr"}
    elif change == "inline-context":
        document["@context"] = [*document["@context"], {"rating": "https://example.org/rating"}]
        document["rating"] = "5"
    else:
        document["@context"] = [*document["@context"], {"score": "https://example.org/score"}]
        document["score"] = 4.5
    with pytest.raises(fastrdf.Unsupported):
        canon._converter().quads(document)
    before = canon.FAST_PATH["fallback"]
    assert canon.canonicalize(document) == _pyld(document)
    assert canon.FAST_PATH["fallback"] == before + 1


def test_undefined_terms_are_still_refused(corpus: list[Document]) -> None:
    document = _credential(corpus)
    for broken in (
        {**document, "tags": ["semis"]},
        {**document, "type": ["VerifiableCredential", "Assertion"]},
        {**document, "credentialSubject": {**document["credentialSubject"], "grade": "A"}},
        {**document, "issuer": {**document["issuer"], "id": "relative/issuer"}},
    ):
        with pytest.raises(canon.UndefinedTermError):
            canon.canonicalize(broken)
    with pytest.raises(canon.UnknownContextError):
        canon.canonicalize({**document, "@context": [canon.VC_V2, "https://example.org/other.json"]})


def test_a_document_is_signed_the_same_by_both_engines(corpus: list[Document]) -> None:
    from badgegen.ob3 import keys

    private = keys.private_key_from(keys.generate()[0])
    document = _credential(corpus)
    method = document["issuer"]["id"] + "#key-2026"
    fast = proof.sign(document, private, method)
    assert fast == proof.sign(document, private, method, engine="pyld")
    assert "created" not in fast["proof"]
    assert proof.verify(fast, private.public_key(), engine="pyld")
