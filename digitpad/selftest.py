"""digitpad --self-test: does this install read the bundled sample drawings right, and fast?"""

import json
import pathlib
import statistics
import sys
import time

from digitpad.drawing import Stroke
from digitpad.model import ModelError
from digitpad.resources import asset_path
from digitpad.settings import CanvasSettings

LATENCY_BAR_MS = 15.0  # median time from strokes to result per digit (the app's p99 bar, so a
# busy machine still passes while a broken or pathologically slow install does not)


def load_sample(path: pathlib.Path) -> tuple[list[Stroke], str]:
    """(strokes, expected text) of a sample drawing JSON."""
    document = json.loads(path.read_text())
    return [Stroke.from_json(stroke) for stroke in document["strokes"]], str(document["expected"])


def run_self_test(model_file=None) -> int:
    from digitpad.cli import load_recognizer

    started = time.perf_counter()
    try:
        recognizer = load_recognizer(model_file, with_strokes=True)
    except ModelError as error:
        print(f"self-test FAILED: {error}", file=sys.stderr)
        return 1
    print(f"models loaded in {(time.perf_counter() - started) * 1000:.0f} ms: {recognizer.model.path}, "
          f"{recognizer.strokes.path}")
    samples = sorted(asset_path("samples").glob("*.json"))
    if not samples:
        print(f"self-test FAILED: no sample drawings in {asset_path('samples')}", file=sys.stderr)
        return 1
    canvas = CanvasSettings().canvas_size
    right, timings = 0, []
    for path in samples:
        strokes, expected = load_sample(path)
        recognizer.recognise_strokes(strokes, canvas)  # warm up
        runs = []
        for _ in range(5):
            began = time.perf_counter()
            result = recognizer.recognise_strokes(strokes, canvas)
            runs.append((time.perf_counter() - began) * 1000 / max(1, len(result.digits)))
        timings.extend(runs)
        ok = result.text == expected
        right += ok
        print(f"{'ok  ' if ok else 'FAIL'} {path.name}: expected {expected}, read {result.text or '(nothing)'} "
              f"({result.confidence:.1%}), {statistics.median(runs):.2f} ms per digit")
    typical = statistics.median(timings)
    fast = typical <= LATENCY_BAR_MS
    print(f"{right}/{len(samples)} samples right; median {typical:.2f} ms per digit, slowest run {max(timings):.2f} ms "
          f"(bar: median <= {LATENCY_BAR_MS:.0f} ms)")
    if right == len(samples) and fast:
        print("self-test passed")
        return 0
    print("self-test FAILED", file=sys.stderr)
    return 1
