"""A private X server for the tests of the real window, and X clients that cope with this
machine's X connections: about one in eight fails here (xdpyinfo alone, against a long-running
Xvfb), so each client is tried up to three times."""

import os
import pathlib
import subprocess
import time

import pytest


def start_x_server(log: pathlib.Path):
    """An Xvfb on a display number it picks itself (-displayfd), answering: (process, ":N")."""
    read_end, write_end = os.pipe()
    with log.open("wb") as errors:
        server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24",
                                   "-nolisten", "tcp"], pass_fds=(write_end,), stderr=errors)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = f":{pipe.readline().strip()}"
    deadline = time.monotonic() + 30
    while server.poll() is None and time.monotonic() < deadline:
        answer = subprocess.run(["xwininfo", "-root"], env={**os.environ, "DISPLAY": display},
                                capture_output=True, timeout=10)
        if answer.returncode == 0:
            return server, display
        time.sleep(0.2)
    server.kill()
    pytest.fail(f"Xvfb on {display} did not answer: {log.read_text(errors='replace')}")


def x_client(command, environment, check: bool = False) -> str:
    """The output of an X client program, tried up to three times when it fails (a client that
    cannot connect has done nothing yet); with check, an error if all three fail."""
    for _ in range(3):
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=10)
        if completed.returncode == 0:
            break
    if check and completed.returncode != 0:
        raise AssertionError(f"{command} failed: {completed.stderr}")
    return completed.stdout


def window_ids(environment, title):
    tree = x_client(["xwininfo", "-root", "-tree"], environment)
    return [line.split()[0] for line in tree.splitlines() if f'"{title}"' in line]


def open_window(command, environment, cwd) -> tuple[subprocess.Popen, list[str]]:
    """Start the window program and wait for its window titled digitpad: (process, window ids,
    [] if none came). A start that found no display is tried again, twice at most."""
    for _ in range(3):
        app = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
        deadline = time.monotonic() + 60
        while app.poll() is None and time.monotonic() < deadline:
            if ids := window_ids(environment, "digitpad"):
                return app, ids
            time.sleep(0.2)
        if app.poll() is None or "no display found" not in app.stderr.read():
            return app, []
    return app, []
