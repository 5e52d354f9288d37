"""JSON-LD → canonical N-Quads for badgegen's own documents, with the contexts processed once.

Why: pyld processes the shipped contexts again for every document (its caches are
keyed by active contexts it makes anew each time), so canonicalising one credential
cost 5–7 ms, most of it context processing. Here:

- the active contexts are **pyld's own** (`JsonLdProcessor._process_context`, so
  `@protected`, property- and type-scoped contexts and the non-propagation of
  type-scoped contexts are exactly pyld's), memoised per (active context, local
  context): the VC 2.0 and OB 3.0 contexts are processed once per process;
- each document is walked once, following the steps of pyld's expansion (`_expand`,
  `_prepare_nested_context`, `_expand_object`, `_expand_value`) and of its RDF
  conversion (`_object_to_rdf`), and RDF triples are emitted directly, as a set (pyld's
  node map merges identical values the same way);
- RDFC-1.0 issues canonical blank node labels from the first-degree hashes when they
  are all different (the spec's step 5 then issues every label, in hash order); when
  two blank nodes share a hash (two identical anonymous objects), pyld's URDNA2015
  runs on the same triples. Literals are escaped as pyld escapes them.

Only the JSON-LD that badgegen's documents use is handled: node objects whose keys are
terms of the active context (or `@context`, and aliases of `@id` and `@type`), values
that are strings, booleans, integers, node objects or arrays of them, terms typed `@id`,
`@vocab`, a datatype or nothing, with no container but `@set`. Anything else — another
keyword, a compact IRI or undefined term as a key, `@list`/`@graph`/`@language`
containers, `@json`, `@reverse`, floats, a default language, a relative IRI, a blank node
identifier, a context given inline — raises `Unsupported`, and `badgegen.ob3.canon`
canonicalises that document with pyld instead, which is also what reports an undefined
term (`UndefinedTermError`). tests/test_ob3_fastrdf.py checks that both give the same
bytes on every signed document of the example and of the tests' fixtures, on generated
variations of them, and that the fallback is taken where it should be.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from pyld.canon import URDNA2015  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]
from pyld.resolved_context import ResolvedContext  # type: ignore[import-untyped]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
#: pyld's test for an absolute IRI (`jsonld._is_absolute_iri`); blank node ids are refused apart.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")

#: Subject, predicate, object, graph as N-Quads terms: "<iri>", "_:b0", a literal '"text"^^<datatype>';
#: the graph is "" for the default graph.
Quad = tuple[str, str, str, str]


class Unsupported(Exception):
    """The document uses JSON-LD this converter does not handle: canonicalise it with pyld."""


def _escape(value: str) -> str:
    """A literal's text as pyld's N-Quads serialiser writes it (`pyld.nquads.escape`)."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


def _literal(value: str, datatype: str) -> str:
    text = '"' + _escape(value) + '"'
    return text if datatype == XSD_STRING else f"{text}^^<{datatype}>"


def _iri(value: Any) -> str:
    """`<value>` for an absolute IRI; anything else (relative, blank node, not a string) is not handled."""
    if not isinstance(value, str) or value.startswith("_:") or not _ABSOLUTE.match(value):
        raise Unsupported(f"not an absolute IRI: {value!r}")
    return f"<{value}>"


class _Context:
    """One of pyld's active contexts, with what has been computed from it so far."""

    __slots__ = ("children", "mappings", "raw", "vocab")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.mappings: dict[str, Any] = raw["mappings"]
        if any(key in raw for key in ("@vocab", "@base", "@language", "@direction")):
            raise Unsupported("a context with a default vocabulary, base, language or direction")
        self.children: dict[tuple[object, ...], _Context] = {}
        self.vocab: dict[str, Any] = {}  # key or type → pyld's vocabulary-relative expansion


class _Resolver(ContextResolver):  # type: ignore[misc]
    """pyld's context resolver, but a scoped context (a dict of a term definition) is known by its
    identity: pyld would serialise it canonically (JCS) each time to find it in its cache."""

    def __init__(self, document_loader: Callable[..., Any]) -> None:
        super().__init__({}, document_loader)
        self._by_id: dict[int, tuple[object, Any]] = {}

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        if isinstance(context, dict) and "@context" not in context:
            found = self._by_id.get(id(context))
            if found is None or found[0] is not context:
                found = self._by_id[id(context)] = (context, ResolvedContext(context))
            return [found[1]]
        return super().resolve(active_ctx, context, base, cycles)


class Converter:
    """Turns documents into RDF quads, keeping every active context it meets for the next ones."""

    def __init__(self, document_loader: Callable[..., Any]) -> None:
        self._processor = jsonld.JsonLdProcessor()
        self._options: dict[str, Any] = {
            "base": None,
            "documentLoader": document_loader,
            "contextResolver": _Resolver(document_loader),
            "processingMode": "json-ld-1.1",
            "isFrame": False,
            "keepFreeFloatingNodes": False,
        }
        self._wrapped: dict[int, _Context] = {}
        #: The local contexts of term definitions, used as cache keys by id (kept alive here).
        self._scoped: dict[int, object] = {}
        self._root = self._wrap(self._processor._get_initial_context(self._options))
        self._blank = 0

    # --- contexts -------------------------------------------------------------------------

    def _wrap(self, raw: dict[str, Any]) -> _Context:
        found = self._wrapped.get(id(raw))
        if found is None or found.raw is not raw:
            found = self._wrapped[id(raw)] = _Context(raw)
        return found

    def _process(
        self, ctx: _Context, local: Any, *, propagate: bool = True, override: bool = False
    ) -> _Context:
        """pyld's `_process_context(ctx, local)`, computed once for each pair."""
        if isinstance(local, str):
            key: tuple[object, ...] = ("url", local, propagate, override)
        elif isinstance(local, list) and all(isinstance(item, str) for item in local):
            key = ("urls", tuple(local), propagate, override)
        elif isinstance(local, dict) and self._scoped.get(id(local)) is local:
            key = ("scoped", id(local), propagate, override)
        else:
            raise Unsupported("an inline context")
        child = ctx.children.get(key)
        if child is None:
            raw = self._processor._process_context(
                ctx.raw, local, self._options, override_protected=override, propagate=propagate
            )
            child = ctx.children[key] = self._wrap(raw)
        return child

    def _scoped_context(self, ctx: _Context, term: str | None) -> Any:
        """The local context of `term`'s definition (None when it has none), usable as a cache key."""
        if term is None:
            return None
        mapping = ctx.mappings.get(term)
        if mapping is None or mapping.get("@context") is None:
            return None
        local = mapping["@context"]
        if isinstance(local, dict):
            self._scoped.setdefault(id(local), local)
        return local

    def _previous(self, ctx: _Context) -> _Context | None:
        previous = ctx.raw.get("previousContext")
        return None if previous is None else self._wrap(previous)

    def _vocab(self, ctx: _Context, value: str) -> Any:
        """pyld's `_expand_iri(ctx, value, vocab=True)` (no base), memoised."""
        if value not in ctx.vocab:
            ctx.vocab[value] = self._processor._expand_iri(ctx.raw, value, vocab=True, base=None)
        return ctx.vocab[value]

    # --- documents ------------------------------------------------------------------------

    def quads(self, document: dict[str, Any]) -> set[Quad]:
        """The RDF quads of `document` (blank nodes `_:b0`, `_:b1`…), as pyld's toRdf gives them."""
        if not isinstance(document, dict):
            raise Unsupported("not a JSON object")
        self._blank = 0
        out: set[Quad] = set()
        self._node(self._root, None, document, out, "")
        return out

    def _new_blank(self) -> str:
        self._blank += 1
        return f"_:b{self._blank - 1}"

    def _node(
        self, ctx: _Context, active_property: str | None, element: dict[str, Any], out: set[Quad], graph: str
    ) -> str:
        """The subject of node object `element` (pyld `_expand` for an object), its quads added to `out`."""
        property_scoped = self._scoped_context(ctx, active_property)
        # A type-scoped context is reverted on entering a node object (not for a node reference).
        type_scoped: _Context | None = ctx if self._previous(ctx) is not None else None
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = self._vocab(type_scoped, key)
                if expanded == "@value":
                    raise Unsupported("a value object")
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            ctx = self._previous(ctx) or ctx
        if property_scoped is not None:
            ctx = self._process(ctx, property_scoped, override=True)
        # pyld `_prepare_nested_context`: the node's own context, then its types' scoped contexts.
        if "@context" in element:
            ctx = self._process(ctx, element["@context"])
        type_scoped = ctx
        type_key: str | None = None
        for key in sorted(element):
            if self._vocab(ctx, key) != "@type":
                continue
            type_key = type_key or key
            names = element[key] if isinstance(element[key], list) else [element[key]]
            for name in sorted(n for n in names if isinstance(n, str)):
                scoped = self._scoped_context(type_scoped, name)
                if scoped is not None and scoped is not False:
                    ctx = self._process(ctx, scoped, propagate=False)
        # pyld `_expand_object`.
        if type_key is not None:
            first = element[type_key][0] if isinstance(element[type_key], list) else element[type_key]
            if isinstance(first, str) and self._vocab(ctx, first) == "@json":
                raise Unsupported("@json")
        subject: str | None = None
        types: list[str] = []
        edges: list[tuple[str, str, Any, _Context, bool]] = []
        seen_keywords: set[str] = set()
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = self._vocab(ctx, key)
            if expanded == "@id" or expanded == "@type":
                if expanded in seen_keywords:
                    raise Unsupported("colliding keywords")
                seen_keywords.add(expanded)
                if expanded == "@id":
                    if not isinstance(value, str):
                        raise Unsupported("@id is not a string")
                    subject = _iri(self._processor._expand_iri(ctx.raw, value, base=None))
                else:
                    names = value if isinstance(value, list) else [value]
                    for name in names:
                        if not isinstance(name, str):
                            raise Unsupported("@type is not a string")
                        types.append(_iri(self._vocab(type_scoped, name)))
                continue
            if not isinstance(expanded, str) or expanded.startswith(("@", "_:")):
                raise Unsupported(f"the key {key!r}")  # undefined terms too: pyld reports them
            in_graph = "@graph" in _check_term(ctx.mappings.get(key), key).get("@container", ())
            term_ctx = ctx
            scoped = self._scoped_context(ctx, key)
            if scoped is not None:
                term_ctx = self._process(ctx, scoped, override=True)
            edges.append((key, _iri(expanded), value, term_ctx, in_graph))
        if subject is None:
            subject = self._new_blank()
        # (pyld drops a top-level object that is empty or has only an @id: no quad here either.)
        for name in types:
            out.add((subject, RDF_TYPE, name, graph))
        for key, predicate, value, term_ctx, in_graph in edges:
            for item in value if isinstance(value, list) else [value]:
                if in_graph:  # `@container: @graph` (a proof): the node goes in a graph named by a blank node
                    if not isinstance(item, dict):
                        raise Unsupported("a graph container's value that is not an object")
                    name = self._new_blank()
                    self._node(term_ctx, key, item, out, name)
                    out.add((subject, predicate, name, graph))
                    continue
                obj = self._value(term_ctx, key, item, out, graph)
                if obj is not None:
                    out.add((subject, predicate, obj, graph))
        return subject

    def _value(self, ctx: _Context, key: str, value: Any, out: set[Quad], graph: str) -> str | None:
        """The RDF object of one value of `key` (pyld `_expand` of the value, then `_object_to_rdf`).

        `ctx` is the term's context (the node's, with the term's scoped context applied):
        pyld expands the value in it, so the term is checked again there.
        """
        if value is None:
            return None  # dropped by pyld's expansion
        mapping = _check_term(ctx.mappings.get(key), key)
        if isinstance(value, dict):
            return self._node(ctx, key, value, out, graph)
        if isinstance(value, list):
            raise Unsupported("an array in an array")
        # pyld `_expand_value`, then `_object_to_rdf`.
        coerce = mapping.get("@type")
        if coerce in ("@id", "@vocab"):
            if not isinstance(value, str):
                raise Unsupported("a non-string value of an @id or @vocab term")
            if coerce == "@id":
                return _iri(self._processor._expand_iri(ctx.raw, value, base=None))
            return _iri(self._processor._expand_iri(ctx.raw, value, vocab=True, base=None))
        if coerce is not None and (
            not isinstance(coerce, str) or coerce.startswith("@") or coerce == XSD_DOUBLE
        ):
            raise Unsupported(f"the datatype {coerce!r}")
        if isinstance(value, bool):
            return _literal("true" if value else "false", coerce or XSD_BOOLEAN)
        if isinstance(value, int):
            if abs(value) >= 10**21:
                raise Unsupported("a huge integer")
            return _literal(str(value), coerce or XSD_INTEGER)
        if isinstance(value, str):
            return _literal(value, coerce or XSD_STRING)
        raise Unsupported(f"the value {value!r}")


def _check_term(mapping: Any, key: str) -> dict[str, Any]:
    """A term definition this converter handles (else `Unsupported`)."""
    if (
        not isinstance(mapping, dict)
        or not isinstance(mapping.get("@id"), str)
        or mapping["@id"].startswith(("@", "_:"))
        or mapping.get("reverse")
        or any(mapping.get(k) is not None for k in ("@language", "@direction", "@nest", "@index"))
        or not set(mapping.get("@container") or ()) <= {"@set", "@graph"}
        or mapping.get("@type") in ("@json", "@none")
    ):
        raise Unsupported(f"the term {key!r}")
    return mapping


# --- RDFC-1.0 ----------------------------------------------------------------------------------


def _line(quad: Quad, labels: dict[str, str] | None = None, reference: str | None = None) -> str:
    subject, predicate, obj, graph = quad
    if reference is not None:  # Hash First Degree Quads: the reference node is _:a, others _:z
        subject, obj, graph = (
            ("_:a" if term == reference else "_:z") if term.startswith("_:") else term
            for term in (subject, obj, graph)
        )
    elif labels is not None:
        subject, obj, graph = labels.get(subject, subject), labels.get(obj, obj), labels.get(graph, graph)
    return f"{subject} {predicate} {obj} {graph} .\n" if graph else f"{subject} {predicate} {obj} .\n"


def canonical_nquads(quads: set[Quad]) -> str:
    """RDFC-1.0 canonical N-Quads of the quads (pyld's URDNA2015 output, byte for byte)."""
    by_blank: dict[str, list[Quad]] = {}
    for quad in quads:
        for term in (quad[0], quad[2], quad[3]):  # as pyld: a quad is listed once per position
            if term.startswith("_:"):
                by_blank.setdefault(term, []).append(quad)
    hashes = {
        node: hashlib.sha256(
            "".join(sorted(_line(q, reference=node) for q in node_quads)).encode()
        ).hexdigest()
        for node, node_quads in by_blank.items()
    }
    if len(set(hashes.values())) < len(hashes):  # needs the Hash N-Degree Quads algorithm
        return _urdna2015(quads)
    labels = {node: f"_:c14n{i}" for i, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted(_line(q, labels) for q in quads))


def _term(text: str) -> dict[str, str]:
    if text.startswith("<"):
        return {"type": "IRI", "value": text[1:-1]}
    if text.startswith("_:"):
        return {"type": "blank node", "value": text}
    body, _, datatype = text[1:].rpartition('"')
    value = _ESCAPED.sub(lambda match: _UNESCAPE[match.group(1)], body)
    return {"type": "literal", "value": value, "datatype": datatype[3:-1] if datatype else XSD_STRING}


_ESCAPED = re.compile(r'\\([\\tnr"])')
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", '"': '"'}


def _urdna2015(quads: set[Quad]) -> str:
    dataset: dict[str, list[dict[str, Any]]] = {}
    for subject, predicate, obj, graph in quads:
        name = "@default" if not graph else graph if graph.startswith("_:") else graph[1:-1]
        triple = {"subject": _term(subject), "predicate": _term(predicate), "object": _term(obj)}
        dataset.setdefault(name, []).append(triple)
    canonical: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return canonical
