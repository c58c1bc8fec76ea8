"""``python -m dispatch.cli``: the ``dispatch`` command."""

import sys

from dispatch.cli import main

sys.exit(main())
