"""Whole numbers: 2-5 pen digits side by side with natural gaps, drawn through the app
(issue bar: >= 95 % of numbers read exactly)."""

import argparse

import common
import numpy as np


def compose(digits, rng, canvas_size, brush):
    """Strokes of the digits written left to right at one height, gaps of 15-45 % of it."""
    from digitpad.drawing import Stroke

    height = canvas_size * rng.uniform(0.25, 0.4)
    placed, x = [], 0.0
    for digit in digits:
        points = np.concatenate(digit.strokes)
        low, high = points.min(axis=0), points.max(axis=0)
        scale = height * rng.uniform(0.9, 1.1) / max(high[1] - low[1], 1e-6)
        scale = min(scale, 1.5 * height / max(high[0] - low[0], 1e-6))  # a flat dash stays a dash
        middle_y = (low[1] + high[1]) / 2
        shift = np.array([x - low[0] * scale, canvas_size / 2 + rng.uniform(-0.06, 0.06) * height - middle_y * scale])
        placed.append([s * scale + shift for s in digit.strokes])
        x += (high[0] - low[0]) * scale + rng.uniform(0.15, 0.45) * height
    width = x - 0.3 * height
    fit = min(1.0, canvas_size * 0.92 / max(width, 1.0))
    offset = (canvas_size - width * fit) / 2
    centre = canvas_size / 2
    return [
        Stroke(tuple(map(tuple, np.column_stack([s[:, 0] * fit + offset, (s[:, 1] - centre) * fit + centre]))), brush)
        for strokes in placed for s in strokes
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--brush", type=float, default=None, help="brush diameter (default: the app's)")
    arguments = parser.parse_args()

    from digitpad import pen_digits
    from digitpad.replay import draw_strokes

    digits = pen_digits.load(common.PEN_DIGITS)
    app = common.new_app()
    brush = arguments.brush or app.settings.canvas.default_brush
    rng = np.random.default_rng(arguments.seed)
    by_length = {n: [] for n in range(2, 6)}
    for _ in range(arguments.count):
        length = int(rng.integers(2, 6))
        chosen = [digits[i] for i in rng.choice(len(digits), length, replace=False)]
        expected = "".join(str(d.label) for d in chosen)
        common.clear(app)
        draw_strokes(app, compose(chosen, rng, app.settings.canvas.canvas_size, brush))
        app.flush()
        by_length[length].append(app.result.text == expected)
    for length, right in by_length.items():
        print(f"{length} digits: {np.mean(right):.2%} of {len(right)}")
    everything = sum(by_length.values(), [])
    print(f"numbers read exactly: {np.mean(everything):.2%} of {len(everything)} (brush {brush:.0f})")
    app.close()


if __name__ == "__main__":
    main()
