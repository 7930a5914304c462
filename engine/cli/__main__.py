"""`python -m engine.cli …`, the same as the `recscope` console script."""

import sys

from engine.cli.main import main

sys.exit(main())
