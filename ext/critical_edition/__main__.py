"""Entry point of ``python -m critical_edition``: the command line of cli.py."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
