#!/usr/bin/env python
"""Run the official 1EdTech Open Badges 2.0 validator (PyPI ``badgecheck``,
import name ``openbadges``) fully offline.

This script is executed BY THE VALIDATOR VENV'S PYTHON (see setup_venv.py),
never by the project's own interpreter:

    .venv-validator/bin/python tests/validator/run_ob_validator.py \
        http://127.0.0.1:8000/assertions/x.json  path/to/baked.png  ...

Each input is either an http(s) URL (normally a loopback URL of a test
server) or a path to a baked PNG/SVG file.  For every input one JSON object is
printed on its own line on stdout:

    {"input": ..., "valid": bool, "errorCount": n, "warningCount": n,
     "messages": [...], "recipientProfile": {...}?, "validationSubject": ...,
     "openBadgesVersion": ..., "blockedFetches": [...], "servedLocally": [...],
     "crashed": true?, "graph": [...]? (with --include-graph)}

Offline guarantees (installed before the validator is imported):
  * requests: every request goes through a patched HTTPAdapter.send.
    Loopback hosts (127.0.0.0/8, ::1, localhost) are fetched for real; known
    JSON-LD context URLs (https://w3id.org/openbadges/v2 and aliases, plus any
    given with --context URL=FILE) are answered from local files; anything
    else raises ConnectionError and is listed in "blockedFetches" and on
    stderr.
  * socket: getaddrinfo()/connect() refuse non-loopback targets (covers
    urllib-based loaders, e.g. PyLD's default one), so no DNS or TCP traffic
    can leave the machine even through code paths we did not anticipate.
  * proxy environment variables are removed (a proxy would be non-loopback).
  * requests-cache is never used for fetching (use_cache=False and no cache
    backend) and the run happens in a throw-away working directory, so no
    sqlite cache file is left behind.

Exit status: 0 when every input was processed (valid or not - the caller
decides); 2 on harness failure (bad arguments, missing context file, validator
not importable); 3 with --fail-on-blocked when a non-loopback fetch was refused.
A validator crash on a malformed input is reported as an invalid result with
"crashed": true, not as a harness failure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import ipaddress
import json
import os
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTEXT_FILE = REPO_ROOT / "badgegen" / "contexts" / "openbadges-v2.jsonld"

# https://w3id.org/openbadges/v2 redirects to openbadgespec.org/v2/context.json;
# all of these are answered with the same local file.
OB_V2_CONTEXT_ALIASES = (
    "https://w3id.org/openbadges/v2",
    "http://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
    "http://openbadgespec.org/v2/context.json",
)

PROXY_ENV_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy")

# url (normalised) -> bytes served locally
LOCAL_DOCUMENTS: dict[str, bytes] = {}
# every non-loopback fetch attempt (url or host) that was refused
BLOCKED: list[str] = []
# every remote URL that was answered from LOCAL_DOCUMENTS
SERVED_LOCALLY: list[str] = []


class OfflineViolation(ConnectionError):
    """Raised for any attempt to reach a non-loopback host."""


def _normalise_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}" + (
        f"?{parts.query}" if parts.query else ""
    )


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _block(what: str) -> OfflineViolation:
    BLOCKED.append(what)
    msg = f"OFFLINE HARNESS: refused non-loopback network access to {what}"
    print(msg, file=sys.stderr)
    return OfflineViolation(msg)


def install_socket_guard() -> None:
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h is not None and not is_loopback_host(str(h)):
            raise _block(f"host {h!r} (DNS lookup)")
        return real_getaddrinfo(host, *args, **kwargs)

    def _check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not is_loopback_host(str(host)):
                raise _block(f"address {address!r} (connect)")

    def guarded_connect(self, address):
        _check(self, address)
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        _check(self, address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = guarded_getaddrinfo
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex


def install_requests_guard() -> None:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.structures import CaseInsensitiveDict

    real_send = HTTPAdapter.send

    def guarded_send(self, request, *args, **kwargs):
        url = request.url
        parts = urlsplit(url)
        if is_loopback_host(parts.hostname):
            return real_send(self, request, *args, **kwargs)
        body = LOCAL_DOCUMENTS.get(_normalise_url(url))
        if body is not None:
            SERVED_LOCALLY.append(url)
            resp = requests.Response()
            resp.status_code = 200
            resp.reason = "OK (served locally by offline harness)"
            resp.headers = CaseInsensitiveDict(
                {
                    "Content-Type": "application/ld+json",
                    "Content-Length": str(len(body)),
                }
            )
            resp._content = body
            resp.encoding = "utf-8"
            resp.url = url
            resp.request = request
            resp.raw = io.BytesIO(body)
            resp.connection = self
            return resp
        raise requests.ConnectionError(str(_block(url)), request=request)

    HTTPAdapter.send = guarded_send


def install_pyld_guard() -> None:
    """PyLD's own (urllib-based) default loader must never go online either."""
    from openbadges.verifier.utils import CachableDocumentLoader
    from pyld import jsonld

    loader = CachableDocumentLoader(use_cache=False)
    jsonld.set_document_loader(loader)


def load_local_documents(context_file: Path, extra: list[str]) -> None:
    data = context_file.read_bytes()
    json.loads(data)  # fail early on a broken file
    for alias in OB_V2_CONTEXT_ALIASES:
        LOCAL_DOCUMENTS[_normalise_url(alias)] = data
    for item in extra:
        url, sep, path = item.partition("=")
        if not sep or not url or not path:
            raise ValueError(f"--context expects URL=FILE, got {item!r}")
        LOCAL_DOCUMENTS[_normalise_url(url)] = Path(path).read_bytes()


def _synthetic_result(inp: str, message: str, name: str) -> dict:
    """A report in the validator's shape for inputs the validator cannot take."""
    return {
        "input": inp,
        "valid": False,
        "errorCount": 1,
        "warningCount": 0,
        "messages": [
            {
                "name": name,
                "success": False,
                "result": message,
                "messageLevel": "ERROR",
            }
        ],
        "validationSubject": None,
        "openBadgesVersion": None,
        "blockedFetches": [],
        "servedLocally": [],
    }


def verify_one(inp: str, recipient: dict | None, include_graph: bool) -> dict:
    from openbadges import verify
    from openbadges_bakery import unbake

    options = {
        "use_cache": False,  # no requests-cache for JSON-LD document loading
        "cache_backend": None,  # no requests-cache for node/image fetching
        "include_original_json": False,
    }
    recipient_profile = dict(recipient) if recipient else None
    blocked_before = len(BLOCKED)
    served_before = len(SERVED_LOCALLY)
    parts = urlsplit(inp)
    try:
        if parts.scheme in ("http", "https"):
            report = verify(inp, recipient_profile, **options)
        else:
            path = Path(inp)
            with path.open("rb") as fh:
                # badgecheck's own "no metadata in file" path crashes on
                # Python 3 (it uses e.message), so check first.
                try:
                    embedded = unbake(fh)
                except Exception as exc:  # malformed image / SVG
                    embedded = None
                    reason = f"{type(exc).__name__}: {exc}"
                else:
                    reason = "no Open Badges metadata found in file"
                if not embedded:
                    return _synthetic_result(
                        inp, f"Could not unbake {path.name}: {reason}", "DETECT_INPUT_TYPE"
                    )
                fh.seek(0)
                report = verify(fh, recipient_profile, **options)
    except Exception:
        res = _synthetic_result(
            inp, "validator raised an exception:\n" + traceback.format_exc(), "VALIDATOR_CRASH"
        )
        res["crashed"] = True
        res["blockedFetches"] = BLOCKED[blocked_before:]
        res["servedLocally"] = sorted(set(SERVED_LOCALLY[served_before:]))
        return res

    rep = report["report"]
    out = {
        "input": inp,
        "valid": bool(rep.get("valid")),
        "errorCount": rep.get("errorCount", 0),
        "warningCount": rep.get("warningCount", 0),
        "messages": rep.get("messages", []),
        "validationSubject": rep.get("validationSubject"),
        "openBadgesVersion": rep.get("openBadgesVersion"),
        "blockedFetches": BLOCKED[blocked_before:],
        "servedLocally": sorted(set(SERVED_LOCALLY[served_before:])),
    }
    if "recipientProfile" in rep:
        out["recipientProfile"] = rep["recipientProfile"]
    if include_graph:
        out["graph"] = report.get("graph", [])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="assertion URL or baked PNG/SVG path")
    parser.add_argument(
        "--recipient-identifier",
        metavar="IDENTIFIER",
        help="plain recipient identifier (e.g. an email) to check against the (hashed) assertion recipient",
    )
    parser.add_argument(
        "--recipient-type",
        default="email",
        choices=["email", "url", "telephone", "id"],
        help="identifier type of --recipient-identifier (default: email)",
    )
    parser.add_argument(
        "--context-file",
        type=Path,
        default=DEFAULT_CONTEXT_FILE,
        help="local copy of https://w3id.org/openbadges/v2",
    )
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="serve another remote JSON-LD document from a local file",
    )
    parser.add_argument(
        "--fail-on-blocked",
        action="store_true",
        help="exit with status 3 if any non-loopback fetch was refused (results are still printed)",
    )
    parser.add_argument(
        "--include-graph", action="store_true", help="add the validator's compacted node graph to each result"
    )
    args = parser.parse_args(argv)

    for var in list(os.environ):
        if var.lower() in PROXY_ENV_VARS:
            del os.environ[var]
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "*"

    try:
        load_local_documents(args.context_file, args.context)
    except (OSError, ValueError) as exc:
        print(f"harness error: cannot load local JSON-LD documents: {exc}", file=sys.stderr)
        return 2

    # Resolve file inputs before leaving the caller's working directory.
    inputs = []
    for inp in args.inputs:
        if urlsplit(inp).scheme in ("http", "https"):
            inputs.append(inp)
        else:
            p = Path(inp)
            if not p.is_file():
                print(f"harness error: no such file: {inp}", file=sys.stderr)
                return 2
            inputs.append(str(p.resolve()))

    recipient = None
    if args.recipient_identifier:
        recipient = {args.recipient_type: args.recipient_identifier}

    real_stdout = sys.stdout
    with tempfile.TemporaryDirectory(prefix="ob-validator-") as workdir:
        old_cwd = Path.cwd()
        os.chdir(workdir)  # anything that still writes a cache file writes it here
        try:
            install_socket_guard()
            try:
                install_requests_guard()
                import openbadges  # noqa: F401  (import after the guards)

                install_pyld_guard()
            except Exception:
                print("harness error: validator not importable:\n" + traceback.format_exc(), file=sys.stderr)
                return 2
            for original, inp in zip(args.inputs, inputs, strict=True):
                # keep stdout clean JSON-lines: any chatter goes to stderr
                with contextlib.redirect_stdout(sys.stderr):
                    result = verify_one(inp, recipient, args.include_graph)
                result["input"] = original
                real_stdout.write(json.dumps(result, default=str) + "\n")
                real_stdout.flush()
        finally:
            os.chdir(old_cwd)
    if args.fail_on_blocked and BLOCKED:
        print(f"harness: {len(BLOCKED)} non-loopback fetch(es) refused: {BLOCKED}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
