"""CPU an idle window uses (issue 22 bar: <= 3 % of a core with nothing happening for 10 s).

Starts the real window under the current DISPLAY (e.g. an Xvfb: `Xvfb :12 -screen 0
1280x800x24 & DISPLAY=:12 python bench/idle.py`), waits until it has loaded its model, then
reads the process's CPU time (all its threads, user + system, from /proc: Linux only) over
--seconds of nothing happening. By default it runs `python -m digitpad` from this checkout;
--source runs another checkout's (e.g. an older commit's, from `git archive`), --program a
built one (dist/digitpad/digitpad).
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import common

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # units of /proc/<pid>/stat's CPU times


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all threads, in seconds."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def one_run(command, cwd, settle: float, seconds: float) -> float:
    """Percent of one core the window used over `seconds`, measured `settle` seconds after start."""
    environment = {key: value for key, value in os.environ.items() if key != "SDL_VIDEODRIVER"}
    environment["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-idle-")
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(settle)
        if process.poll() is not None:
            raise SystemExit(f"the window exited ({process.returncode}): {process.stderr.read().decode()}")
        began_cpu, began = cpu_seconds(process.pid), time.perf_counter()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(process.pid) - began_cpu, time.perf_counter() - began
    finally:
        process.terminate()
        process.wait(timeout=20)
    return 100 * used / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long nothing happens (measured)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after start before measuring")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", type=pathlib.Path, default=common.REPO, help="checkout to run from")
    parser.add_argument("--program", type=pathlib.Path, help="a built window program instead")
    arguments = parser.parse_args()
    if "DISPLAY" not in os.environ:
        raise SystemExit("no DISPLAY: start an X server (e.g. Xvfb :12 -screen 0 1280x800x24 &) and set DISPLAY")
    if arguments.program:
        command, cwd, what = [str(arguments.program.resolve())], tempfile.gettempdir(), str(arguments.program)
    else:
        command, cwd = [sys.executable, "-m", "digitpad"], arguments.source
        what = f"python -m digitpad in {arguments.source}"
    figures = [one_run(command, cwd, arguments.settle, arguments.seconds) for _ in range(arguments.runs)]
    shown = " / ".join(f"{figure:.2f}" for figure in figures)
    print(f"{what}: idle for {arguments.seconds:.0f} s, CPU {shown} % of a core (max {max(figures):.2f} %)")


if __name__ == "__main__":
    main()
