"""digitpad: draw digits with the mouse and see them recognised live."""

__version__ = "0.1.0"

import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on stdout (the CLI prints results)
