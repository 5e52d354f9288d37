"""How long signing one Open Badges 3.0 credential takes, for each canonicalisation engine.

Signs every award credential of the example content (content/), then many copies of them
(each copy a different credential: its own id, recipient hash, salt and narrative), with:

- `pyld`: pyld's expansion, toRdf and URDNA2015 (the reference);
- `pyld+oxigraph`: pyld's expansion and toRdf, then pyoxigraph's RDFC-1.0;
- `pyld-cached`: pyld with the shipped contexts kept in its shared resolved-context cache
  (the loader tags them "static"), so that it does not fetch and parse them for each document;
- `oxigraph-jsonld`: pyoxigraph's own JSON-LD parser (contexts given inline, since it cannot
  be given a document loader), then its RDFC-1.0: no check of undefined terms;
- `fast`: badgegen.ob3.fastrdf (pyld's processed contexts kept for the process, one walk per
  document), the engine badgegen uses.

Signing is what `badgegen.ob3.proof.sign` does: the canonical proof configuration's hash
(computed once per engine, as the signer caches it), the document's canonical form, SHA-256,
Ed25519. "cold" is a fresh process signing the example's credentials (context processing
included, imports not); "warm" is the same process going on with the copies. Each engine
also checks that its canonical forms are pyld's, byte for byte.

    .venv/bin/python bench/sign_speed.py [--copies 1000] [--engines fast,pyld] [--json out.json]

A benchmark, not a test: nothing here asserts a time (the machine's 2 cores are shared).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("pyld", "pyld+oxigraph", "pyld-cached", "oxigraph-jsonld", "fast")
Document = dict[str, Any]


# --- the documents ----------------------------------------------------------------------------


def example_credentials() -> list[Document]:
    """The unsigned OpenBadgeCredential of every award of content/ (as the build makes them)."""
    from badgegen.model import Issuer
    from badgegen.ob3 import keys, publish, status
    from badgegen.pipeline import BuildConfig, check

    class Recorder(publish.Signer):
        documents: list[Document]

        def sign(self, document: Document, issuer: Issuer) -> Document:
            self.documents.append(copy.deepcopy(document))
            return super().sign(document, issuer)  # (endorsements are embedded signed)

    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(REPO / "content", content)
        secret, public = keys.generate()
        registry_file = content / "registry.yaml"
        text = registry_file.read_text("utf-8").rstrip("\n")
        registry_file.write_text(
            f"{text}\nsigning_keys:\n  - id: key-2026\n    public_key: {public}\n", "utf-8"
        )
        os.environ[keys.ENV_KEY] = secret
        os.environ.pop(keys.ENV_KEY_FILE, None)
        report = check(BuildConfig(content=content, base_url="https://registre.example.org/iae/"))
        assert report.registry is not None and report.signing is not None
        recorder = Recorder(report.registry, report.signing)
        recorder.documents = []
        for _ in publish.outputs(recorder, status.allocate({}, report.registry.awards)):
            pass
    return [d for d in recorder.documents if "OpenBadgeCredential" in d["type"]]


def copies(credentials: list[Document], count: int) -> list[Document]:
    """`count` different credentials made from the example's (id, recipient, narrative changed)."""
    out = []
    for number in range(count):
        document = copy.deepcopy(credentials[number % len(credentials)])
        document["id"] = document["id"].replace(".credential.json", f"-{number}.credential.json")
        identity = document["credentialSubject"]["identifier"][0]
        identity["salt"] = hashlib.md5(f"salt {number}".encode()).hexdigest()
        identity["identityHash"] = "sha256$" + hashlib.sha256(f"person {number}".encode()).hexdigest()
        narrative = document["credentialSubject"].get("narrative", "")
        document["credentialSubject"]["narrative"] = f"{narrative} (copie {number})".strip()
        out.append(document)
    return out


# --- the engines ------------------------------------------------------------------------------


def canonicaliser(engine: str) -> Callable[[Document], str]:
    from badgegen.ob3 import canon

    if engine in ("pyld", "fast"):
        return lambda document: canon.canonicalize(document, engine=engine)  # type: ignore[arg-type]
    if engine == "pyld+oxigraph":
        return lambda document: canon.canonicalize(document, engine="oxigraph")
    if engine == "pyld-cached":
        return _pyld_cached()
    if engine == "oxigraph-jsonld":
        return _oxigraph_jsonld()
    raise SystemExit(f"unknown engine {engine!r}")


def _pyld_cached() -> Callable[[Document], str]:
    from pyld import jsonld  # type: ignore[import-untyped]
    from pyld.canon import URDNA2015  # type: ignore[import-untyped]

    from badgegen.ob3 import canon

    plain = canon.document_loader()

    def loader(url: str, options: object = None) -> Document:
        return {**plain(url, options), "tag": "static"}  # kept in pyld's shared cache

    def run(document: Document) -> str:
        options = {"documentLoader": loader, "base": None}
        processor = jsonld.JsonLdProcessor(on_property_dropped=canon._refuse_dropped)
        expanded = processor.expand(document, options)
        canon._check_absolute(expanded)
        dataset = jsonld.JsonLdProcessor().to_rdf(expanded, options)
        result: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
        return result

    return run


def _oxigraph_jsonld() -> Callable[[Document], str]:
    import pyoxigraph

    from badgegen.ob3 import canon

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: inline(value) for key, value in node.items()}
        if "@context" in node:
            contexts = node["@context"] if isinstance(node["@context"], list) else [node["@context"]]
            out["@context"] = [
                canon.shipped_context(c)["@context"] if isinstance(c, str) else c for c in contexts
            ]
        return out

    def run(document: Document) -> str:
        text = json.dumps(inline(document))
        dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, pyoxigraph.RdfFormat.JSON_LD))
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
        serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS) or b""
        return "".join(f"{line}\n" for line in sorted(set(serialized.decode("utf-8").splitlines())))

    return run


def measure(engine: str, example: list[Document], scaled: list[Document]) -> dict[str, Any]:
    """Sign the example's credentials (cold), then the copies (warm); check against pyld."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from badgegen.ob3 import canon, multibase, proof

    key = Ed25519PrivateKey.generate()
    canonicalise = canonicaliser(engine)
    method = "did:web:registre.example.org:iae:issuers:x#key-2026"
    config_hashes: dict[str, bytes] = {}

    def sign(document: Document) -> str:
        config = {"@context": document["@context"], **proof.proof_configuration(document, method)}
        cache_key = json.dumps(config, sort_keys=True)
        if cache_key not in config_hashes:  # once per issuer and context, as proof.hash_data caches it
            config_hashes[cache_key] = hashlib.sha256(canonicalise(config).encode()).digest()
        digest = hashlib.sha256(canonicalise(document).encode()).digest()
        return multibase.encode_base58btc(key.sign(config_hashes[cache_key] + digest))

    started = time.perf_counter()
    sign(example[0])
    first = time.perf_counter() - started
    for document in example[1:]:
        sign(document)
    cold = time.perf_counter() - started
    times = []
    for document in scaled:
        started = time.perf_counter()
        sign(document)
        times.append(time.perf_counter() - started)
    same = all(canonicalise(d) == canon.canonicalize(d, engine="pyld") for d in example + scaled[:50])
    return {
        "engine": engine,
        "first_ms": first * 1000,
        "cold_ms_per_credential": cold * 1000 / len(example),
        "warm_ms_per_credential": statistics.mean(times) * 1000,
        "warm_median_ms": statistics.median(times) * 1000,
        "credentials": len(example),
        "copies": len(scaled),
        "same_as_pyld": same,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=1000, help="credentials signed warm (default 1000)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # one engine, in a fresh process
    args = parser.parse_args(argv)
    if args.child is not None:
        job = json.loads(args.child.read_text("utf-8"))
        result = measure(job["engine"], job["example"], copies(job["example"], job["copies"]))
        print(json.dumps(result))
        return 0
    example = example_credentials()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for engine in args.engines.split(","):
            job = Path(folder) / f"{engine}.json"
            job.write_text(json.dumps({"engine": engine, "example": example, "copies": args.copies}), "utf-8")
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(job)],
                capture_output=True,
                text=True,
                check=False,
                cwd=REPO,
            )
            if run.returncode != 0:
                print(f"{engine}: failed\n{run.stderr}", file=sys.stderr)
                continue
            results.append(json.loads(run.stdout.splitlines()[-1]))
    print(f"{len(example)} award credentials of content/, then {args.copies} copies; ms per credential")
    print(f"{'engine':<16} {'first':>8} {'cold':>8} {'warm':>8} {'median':>8}  same bytes as pyld")
    for r in results:
        print(
            f"{r['engine']:<16} {r['first_ms']:8.2f} {r['cold_ms_per_credential']:8.2f} "
            f"{r['warm_ms_per_credential']:8.2f} {r['warm_median_ms']:8.2f}  {r['same_as_pyld']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
