"""Cold start of the built program: process start to first frame and to model ready
(issue bars: one-folder <= 1 s to first frame, <= 1.5 s to model ready; one-file <= 3 s).

The app prints "first frame" and "model ready" when DIGITPAD_STARTUP_PROBE=1, then quits.
The page cache is dropped before the first run of each program when this runs as root on
Linux (that run is reported apart, as "cold"); medians are over the warm runs.
"""

import argparse
import os
import pathlib
import subprocess
import tempfile
import time

import common
import numpy as np


def drop_page_cache() -> bool:
    try:
        os.sync()
        pathlib.Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def one_start(program: pathlib.Path) -> tuple[float, float]:
    environment = {"HOME": tempfile.mkdtemp(), "PATH": "/usr/bin:/bin",
                   "SDL_VIDEODRIVER": os.environ.get("SDL_VIDEODRIVER", "dummy"),
                   "DIGITPAD_STARTUP_PROBE": "1"}
    if "DISPLAY" in os.environ:
        environment["DISPLAY"] = os.environ["DISPLAY"]
    began = time.perf_counter()
    process = subprocess.Popen([str(program)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=environment, cwd=environment["HOME"])
    first_frame = ready = float("nan")
    for line in process.stdout:
        if "first frame" in line:
            first_frame = time.perf_counter() - began
        elif "model ready" in line:
            ready = time.perf_counter() - began
    process.wait(timeout=60)
    return first_frame, ready


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dist", type=pathlib.Path, default=common.REPO / "dist")
    arguments = parser.parse_args()
    programs = [arguments.dist / "digitpad" / "digitpad", *sorted(arguments.dist.glob("digitpad-onefile-*"))]
    for program in programs:
        if not program.is_file():
            print(f"{program}: not built (pyinstaller build_exe.spec)")
            continue
        cold = drop_page_cache()
        runs = [one_start(program) for _ in range(arguments.runs)]
        first, *warm = runs
        frames, readies = np.array([r[0] for r in warm]), np.array([r[1] for r in warm])
        label = "cold (page cache dropped)" if cold else "first run (cache not dropped: not root?)"
        print(f"{program.name}: {label}: first frame {first[0]:.2f} s, model ready {first[1]:.2f} s; "
              f"warm median of {len(warm)}: first frame {np.median(frames):.2f} s, "
              f"model ready {np.median(readies):.2f} s")
    sizes = arguments.dist
    folder = sizes / "digitpad"
    if folder.is_dir():
        total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
        print(f"one-folder bundle: {total / 1e6:.1f} MB")
    for program in sizes.glob("digitpad-onefile-*"):
        print(f"{program.name}: {program.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
