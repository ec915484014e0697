"""Whole numbers: 2-5 pen digits side by side with natural gaps, drawn through the app
(issue bar: >= 95 % of numbers read exactly)."""

import argparse

import common
import numpy as np


def compose(digits, rng, canvas_size, brush):
    """Strokes of the digits written left to right at one height, the ink of neighbours
    15-45 % of that height apart (the gap a reader sees, brush included); the number is made
    smaller until it fits 92 % of the canvas width."""
    from digitpad.drawing import Stroke

    boxes = [(np.concatenate(d.strokes).min(axis=0), np.concatenate(d.strokes).max(axis=0)) for d in digits]
    sizes = [rng.uniform(0.9, 1.1) for _ in digits]
    gaps = [rng.uniform(0.15, 0.45) for _ in digits[1:]]
    jitter = [rng.uniform(-0.06, 0.06) for _ in digits]
    height = canvas_size * rng.uniform(0.25, 0.4)
    while True:
        scales = [min(height * size / max(high[1] - low[1], 1e-6), 1.5 * height / max(high[0] - low[0], 1e-6))
                  for size, (low, high) in zip(sizes, boxes, strict=True)]
        widths = [(high[0] - low[0]) * scale for scale, (low, high) in zip(scales, boxes, strict=True)]
        total = sum(widths) + sum(gap * height + brush for gap in gaps)
        if total <= 0.92 * canvas_size or height < 20:
            break
        height *= 0.95
    strokes, x = [], (canvas_size - total) / 2
    for index, (digit, scale, (low, high)) in enumerate(zip(digits, scales, boxes, strict=True)):
        middle_y = (low[1] + high[1]) / 2
        shift = np.array([x - low[0] * scale, canvas_size / 2 + jitter[index] * height - middle_y * scale])
        strokes += [Stroke(tuple(map(tuple, s * scale + shift)), brush) for s in digit.strokes]
        if index < len(gaps):
            x += widths[index] + gaps[index] * height + brush
    return strokes


def write_failures(path, failures, canvas_size, side=200, columns=5):
    """A grid of the failed drawings, each titled "expected > read"."""
    import cv2

    from digitpad.ink import render_mask

    tiles = []
    for strokes, expected, read in failures:
        drawn = render_mask(strokes, (canvas_size, canvas_size)) * 255
        tile = cv2.resize(drawn, (side, side), interpolation=cv2.INTER_AREA)
        tile = cv2.copyMakeBorder(tile, 24, 2, 2, 2, cv2.BORDER_CONSTANT, value=90)
        cv2.putText(tile, f"{expected} > {read or '-'}", (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 255, 1, cv2.LINE_AA)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)]
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.vstack(rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--brush", type=float, default=None, help="brush diameter (default: the app's)")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from digitpad import pen_digits
    from digitpad.replay import draw_strokes

    digits = pen_digits.load(common.PEN_DIGITS)
    app = common.new_app(arguments.set)
    brush = arguments.brush or app.settings.canvas.default_brush
    rng = np.random.default_rng(arguments.seed)
    by_length = {n: [] for n in range(2, 6)}
    failures = []
    for _ in range(arguments.count):
        length = int(rng.integers(2, 6))
        chosen = [digits[i] for i in rng.choice(len(digits), length, replace=False)]
        expected = "".join(str(d.label) for d in chosen)
        common.clear(app)
        strokes = compose(chosen, rng, app.settings.canvas.canvas_size, brush)
        draw_strokes(app, strokes)
        app.flush()
        by_length[length].append(app.result.text == expected)
        if not by_length[length][-1]:
            failures.append((strokes, expected, app.result.text))
    for length, right in by_length.items():
        print(f"{length} digits: {np.mean(right):.2%} of {len(right)}")
    everything = sum(by_length.values(), [])
    print(f"numbers read exactly: {np.mean(everything):.2%} of {len(everything)} (brush {brush:.0f})")
    if failures:
        path = common.OUT / f"number_errors_brush{brush:.0f}.png"
        write_failures(path, failures[:60], app.settings.canvas.canvas_size)
        print(f"failures drawn in {path}")
    app.close()


if __name__ == "__main__":
    main()
