"""Build the registry: `python build.py` is `badgegen build` (see README)."""

from badgegen.cli import main

raise SystemExit(main())
