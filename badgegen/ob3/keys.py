"""The registry's signing key: made once by `badgegen keys generate`, never in the repository.

The private key reaches the build through the environment only:

- `BADGEGEN_SIGNING_KEY`: the secret itself, as a Multikey (`z3u2…`), for example a
  GitHub Actions secret of an environment that only `main` may use;
- `BADGEGEN_SIGNING_KEY_FILE`: the path of a file holding it, outside the repository.

The public keys are in registry.yaml (`signing_keys`), old ones kept with
`retired: true` so what they signed still verifies. The key that signs is the one
whose public key matches the private key given; a private key that matches none,
or a retired one, stops the build. Without a private key the build publishes
everything else and says that OB 3.0 was skipped.

One key signs for every issuer of the registry: the registry holds the issuers'
keys for them (they list it in their DID documents), as it already vouches for
their hosted OB 2.0 badges. See docs/ob3.md.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from badgegen.errors import BadgegenError
from badgegen.model import Site
from badgegen.ob3 import multibase

if TYPE_CHECKING:  # (cryptography is imported when a key is used: most builds have none)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ENV_KEY = "BADGEGEN_SIGNING_KEY"
ENV_KEY_FILE = "BADGEGEN_SIGNING_KEY_FILE"


@dataclass(frozen=True)
class SigningKey:
    """The private key of this build, and which key of registry.yaml it is."""

    id: str  # its name in registry.yaml's signing_keys
    private: Ed25519PrivateKey
    public_key: str  # z6Mk…

    def __repr__(self) -> str:  # never print the secret, even in a traceback
        return f"SigningKey(id={self.id!r}, public_key={self.public_key!r})"


class SigningKeyError(BadgegenError):
    """The signing key given to the build cannot be used (exit 2: nothing is published)."""

    exit_code: ClassVar[int] = 2

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en

    def format_message(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def generate() -> tuple[str, str]:
    """A new key pair: (secret Multikey `z3u2…`, public Multikey `z6Mk…`)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return secret_of(private), public_key_of(private)


def secret_of(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase.encode_secret_key(seed)


def public_key_of(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return multibase.encode_public_key(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def private_key_from(secret: str) -> Ed25519PrivateKey:
    """The key of a `z3u2…` Multikey secret; ValueError when it is not one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(multibase.decode_secret_key(secret.strip()))


def repository_root(content: Path) -> Path:
    """The git work tree holding `content` (the content folder itself when there is none)."""
    start = content.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def read_secret(content: Path, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(the secret text, where it came from), or None when no key is given."""
    env = os.environ if environ is None else environ
    value, file = env.get(ENV_KEY, "").strip(), env.get(ENV_KEY_FILE, "").strip()
    if value and file:
        raise SigningKeyError(
            f"{ENV_KEY} et {ENV_KEY_FILE} sont tous deux définies : gardez-en une seule.",
            f"both {ENV_KEY} and {ENV_KEY_FILE} are set: keep only one.",
        )
    if value:
        return value, ENV_KEY
    if not file:
        return None
    path = Path(file).expanduser().resolve()
    root = repository_root(content)
    if path.is_relative_to(root) or path.is_relative_to(content.resolve()):
        raise SigningKeyError(
            f"le fichier de la clé privée ({ENV_KEY_FILE}) est dans le dépôt ({root}) : "
            "déplacez-le ailleurs (par exemple ~/.config/badgegen/), et tenez la clé pour divulguée "
            "si elle a été commitée (voir docs/ob3.md).",
            f"the private key file ({ENV_KEY_FILE}) is inside the repository ({root}): move it "
            "elsewhere (for example ~/.config/badgegen/), and treat the key as leaked if it was "
            "committed (see docs/ob3.md).",
        )
    try:
        return path.read_text("utf-8").strip(), f"{ENV_KEY_FILE} ({path})"
    except (OSError, UnicodeDecodeError) as error:
        raise SigningKeyError(
            f"le fichier de la clé privée ({ENV_KEY_FILE} = {path}) ne peut pas être lu : {error}.",
            f"the private key file ({ENV_KEY_FILE} = {path}) cannot be read: {error}.",
        ) from None


def load(site: Site, content: Path, environ: Mapping[str, str] | None = None) -> SigningKey | None:
    """The key that signs this build, checked against registry.yaml; None when none is given."""
    found = read_secret(content, environ)
    if found is None:
        return None
    secret, source = found
    try:
        private = private_key_from(secret)
    except ValueError:
        raise SigningKeyError(
            f"{source} ne contient pas une clé privée Ed25519 au format Multikey (z3u2…, 48 caractères) : "
            "copiez-la telle que « badgegen keys generate » l'a affichée.",
            f"{source} does not hold an Ed25519 private key as a Multikey (z3u2…, 48 characters): "
            "copy it as 'badgegen keys generate' printed it.",
        ) from None
    public = public_key_of(private)
    match = next((key for key in site.signing_keys if key.public_key == public), None)
    if match is None:
        line = f"signing_keys:\n  - id: key-{datetime.now(UTC).year}\n    public_key: {public}"
        raise SigningKeyError(
            f"la clé privée donnée ({source}) ne correspond à aucune clé publique de registry.yaml "
            f"(signing_keys). Si c'est la nouvelle clé du registre, ajoutez à content/registry.yaml :\n{line}",
            f"the private key given ({source}) matches no public key of registry.yaml (signing_keys). "
            f"If it is the registry's new key, add to content/registry.yaml:\n{line}",
        )
    if match.retired:
        raise SigningKeyError(
            f"la clé privée donnée ({source}) est la clé « {match.id} », retirée (retired: true) dans "
            "registry.yaml : donnez la clé en service.",
            f"the private key given ({source}) is the key '{match.id}', retired (retired: true) in "
            "registry.yaml: give the key in service.",
        )
    return SigningKey(match.id, private, public)


# --- `badgegen keys generate` ---------------------------------------------------------------


def register(commands: Any) -> None:
    from badgegen.cli import add_lang_option  # here: cli imports this module

    about = "clés de signature Open Badges 3.0"
    keys = commands.add_parser("keys", help=about, description=about)
    sub = keys.add_subparsers(dest="keys_command", required=True)
    about = "créer une paire de clés Ed25519 et dire où ranger chacune"
    generate_parser = sub.add_parser("generate", help=about, description=about)
    generate_parser.add_argument(
        "--id", default=f"key-{datetime.now(UTC).year}", help="name of the key in registry.yaml (key-YEAR)"
    )
    add_lang_option(generate_parser)
    generate_parser.set_defaults(run=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    secret, public = generate()
    print(instructions(secret, public, args.id, args.lang))
    return 0


def instructions(secret: str, public: str, key_id: str, lang: str) -> str:
    """What `keys generate` prints: the two keys, and exactly where each one goes."""
    entry = f"signing_keys:\n  - id: {key_id}\n    public_key: {public}"
    if lang == "fr":
        return f"""\
Nouvelle paire de clés Ed25519 pour signer les justificatifs Open Badges 3.0.

1. CLÉ PRIVÉE (secrète). Ne l'écrivez jamais dans le dépôt, un ticket ou un courriel :

    {secret}

   Rangez-la à un seul de ces endroits :
   - sur GitHub : Settings → Environments → New environment, nom « signature », règle
     « Deployment branches : main » seulement ; puis Add environment secret, nom {ENV_KEY},
     valeur : la clé ci-dessus ;
   - sur un ordinateur : dans la variable d'environnement {ENV_KEY}, ou dans un fichier hors
     du dépôt, lisible par vous seul, dont le chemin va dans {ENV_KEY_FILE} :
         mkdir -p ~/.config/badgegen && (umask 077; cat > ~/.config/badgegen/signing-key)
         (collez la clé, Entrée, Ctrl+D)
         export {ENV_KEY_FILE}=~/.config/badgegen/signing-key
   Puis fermez ce terminal (la clé est dans son historique d'affichage).

2. CLÉ PUBLIQUE. Ajoutez à content/registry.yaml, dans une demande de fusion :

{entry}

   S'il y a déjà des clés, ajoutez seulement l'élément « - id: … » à la liste, et marquez
   l'ancienne clé « retired: true » (ne la supprimez pas : ce qu'elle a signé doit rester
   vérifiable). Voir docs/ob3.md."""
    return f"""\
A new Ed25519 key pair to sign the Open Badges 3.0 credentials.

1. PRIVATE KEY (secret). Never write it in the repository, an issue or an e-mail:

    {secret}

   Keep it in one of these places only:
   - on GitHub: Settings → Environments → New environment, name 'signature', rule
     'Deployment branches: main' only; then Add environment secret, name {ENV_KEY},
     value: the key above;
   - on a computer: in the environment variable {ENV_KEY}, or in a file outside the
     repository, readable by you only, whose path goes in {ENV_KEY_FILE}:
         mkdir -p ~/.config/badgegen && (umask 077; cat > ~/.config/badgegen/signing-key)
         (paste the key, Enter, Ctrl+D)
         export {ENV_KEY_FILE}=~/.config/badgegen/signing-key
   Then close this terminal (the key is in its scrollback).

2. PUBLIC KEY. Add to content/registry.yaml, in a pull request:

{entry}

   If there are keys already, add only the '- id: …' item to the list, and mark the old
   key 'retired: true' (do not delete it: what it signed must stay verifiable). See docs/ob3.md."""
