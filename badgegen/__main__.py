"""`python -m badgegen`."""

from badgegen.cli import main

raise SystemExit(main())
