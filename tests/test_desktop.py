"""The window's class on a real X server: desktops group and name the window by it."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from digitpad.desktop import CLASS_VARIABLES, WINDOW_CLASS, name_the_window
from tests.conftest import REPO


def test_a_class_the_user_set_is_kept(monkeypatch):
    monkeypatch.setenv("SDL_VIDEO_X11_WMCLASS", "mine")
    monkeypatch.delenv("SDL_VIDEO_WAYLAND_WMCLASS", raising=False)
    name_the_window()
    assert os.environ["SDL_VIDEO_X11_WMCLASS"] == "mine" and os.environ["SDL_VIDEO_WAYLAND_WMCLASS"] == WINDOW_CLASS


def start_x_server():
    """An Xvfb on a display number it picks itself (-displayfd): (process, ":N")."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.skip("Xvfb did not start")
    return server, f":{number}"


def window_ids(environment, title):
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=environment, capture_output=True, text=True, timeout=10)
    return [line.split()[0] for line in tree.stdout.splitlines() if f'"{title}"' in line]


@pytest.mark.slow
@pytest.mark.skipif(not all(map(shutil.which, ("Xvfb", "xwininfo", "xprop"))), reason="needs Xvfb, xwininfo, xprop")
def test_python_m_digitpad_opens_a_window_of_class_digitpad(tmp_path):
    server, display = start_x_server()
    unset = ("SDL_VIDEODRIVER", *CLASS_VARIABLES)  # the tests' dummy driver; what the tests' App set
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(DISPLAY=display, DIGITPAD_HOME=str(tmp_path / "home"))
    app = subprocess.Popen([sys.executable, "-m", "digitpad"], cwd=REPO, env=environment,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (ids := window_ids(environment, "digitpad")) and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.2)
        assert ids, f"no digitpad window appeared: {app.stderr.read() if app.poll() is not None else ''}"
        classes = subprocess.run(["xprop", "-id", ids[0], "WM_CLASS"], env=environment, capture_output=True,
                                 text=True, timeout=10).stdout
        assert classes.strip() == 'WM_CLASS(STRING) = "digitpad", "digitpad"'
    finally:
        app.terminate()
        app.wait(timeout=20)
        server.terminate()
        server.wait(timeout=10)
