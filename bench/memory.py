"""10,000 strokes drawn and cleared in one session: memory stays flat (issue bar: <= 20 MB growth)."""

import argparse
import resource
import sys

import common
import numpy as np


def rss_megabytes() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strokes", type=int, default=10_000)
    arguments = parser.parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("memory.py reads /proc: Linux only")

    from digitpad.drawing import Stroke
    from tests.replay import draw_strokes

    app = common.new_app()
    rng = np.random.default_rng(0)
    drawn, samples = 0, []
    while drawn < arguments.strokes:
        for _ in range(int(rng.integers(1, 4))):
            points = np.cumsum(rng.normal(0, 12, size=(int(rng.integers(5, 60)), 2)), axis=0) + rng.uniform(100, 460, 2)
            draw_strokes(app, [Stroke(tuple(map(tuple, np.clip(points, 0, 559))), float(rng.uniform(6, 48)))])
            drawn += 1
        app.flush()
        app.draw()
        common.clear(app)
        if drawn % 1000 < 3:
            samples.append((drawn, rss_megabytes()))
    app.flush()
    errors = app.worker.error
    baseline = samples[1][1] if len(samples) > 1 else samples[0][1]  # after warm-up
    print("strokes  RSS MB: " + ", ".join(f"{n}: {mb:.1f}" for n, mb in samples))
    print(f"{drawn} strokes drawn and cleared; growth after warm-up {rss_megabytes() - baseline:+.1f} MB; "
          f"recognition errors: {errors or 'none'}")
    app.close()


if __name__ == "__main__":
    main()
