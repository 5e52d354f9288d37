"""Regenerate docs/errors.md from the message catalogue: `python scripts/make_errors_doc.py`."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from badgegen.messages import errors_markdown  # noqa: E402 - after making the package importable

target = REPO / "docs/errors.md"
target.write_text(errors_markdown(), "utf-8")
print(f"wrote {target}")
