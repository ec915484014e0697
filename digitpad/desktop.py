"""How the window names itself to the desktop, so that desktops group and label it as digitpad."""

import os

WINDOW_CLASS = "digitpad"  # X11 WM_CLASS and Wayland app id (SDL takes the program's file name otherwise:
# "__main__.py" from `python -m digitpad`, "digitpad-onefile-0.1.0" for the one-file build)
# SDL reads these when its display is initialised: X11, Wayland, and SDL's own newer name for both
CLASS_VARIABLES = ("SDL_VIDEO_X11_WMCLASS", "SDL_VIDEO_WAYLAND_WMCLASS", "SDL_APP_ID")


def name_the_window() -> None:
    """Set the window class before pygame.display.init(); a class the user set is kept."""
    for variable in CLASS_VARIABLES:
        os.environ.setdefault(variable, WINDOW_CLASS)
