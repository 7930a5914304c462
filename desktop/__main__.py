"""`python -m desktop [PATH] [--screenshot OUT.png]`."""

import sys

from desktop.app import main

sys.exit(main())
