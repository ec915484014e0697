"""The window's class on a real X server: desktops group and name the window by it."""

import os
import shutil
import sys

import pytest

from digitpad.desktop import CLASS_VARIABLES, WINDOW_CLASS, name_the_window
from tests.conftest import REPO
from tests.xserver import open_window, start_x_server, x_client


def test_a_class_the_user_set_is_kept(monkeypatch):
    monkeypatch.setenv("SDL_VIDEO_X11_WMCLASS", "mine")
    monkeypatch.delenv("SDL_VIDEO_WAYLAND_WMCLASS", raising=False)
    name_the_window()
    assert os.environ["SDL_VIDEO_X11_WMCLASS"] == "mine" and os.environ["SDL_VIDEO_WAYLAND_WMCLASS"] == WINDOW_CLASS


@pytest.mark.slow
@pytest.mark.skipif(not all(map(shutil.which, ("Xvfb", "xwininfo", "xprop"))), reason="needs Xvfb, xwininfo, xprop")
def test_python_m_digitpad_opens_a_window_of_class_digitpad(tmp_path):
    server, display = start_x_server(tmp_path / "xvfb.log")
    unset = ("SDL_VIDEODRIVER", *CLASS_VARIABLES)  # the tests' dummy driver; what the tests' App set
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(DISPLAY=display, DIGITPAD_HOME=str(tmp_path / "home"))
    app = None
    try:
        app, ids = open_window([sys.executable, "-m", "digitpad"], environment, REPO)
        assert ids, f"no digitpad window appeared on {display} (exit status {app.poll()})"
        classes = x_client(["xprop", "-id", ids[0], "WM_CLASS"], environment)
        assert classes.strip() == 'WM_CLASS(STRING) = "digitpad", "digitpad"'
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=20)
        server.terminate()
        server.wait(timeout=10)
