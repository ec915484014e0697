"""digitpad: draw digits with the mouse and see them recognised live."""

__version__ = "0.1.0"
