"""Entry point of ``python -m critical_edition``: the command line of cli.py."""

from __future__ import annotations

import sys

from critical_edition.cli.main import main

sys.exit(main())
