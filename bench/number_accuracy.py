"""Whole numbers: 2-5 pen digits side by side with natural gaps, drawn through the app
(issue bar: >= 95 % of numbers read exactly); --tight: touching or overlapping a little.

--late-strokes P: with probability P, a digit of several strokes has its last stroke (the bar
of a 7, a 4's stem, a 5's flag) drawn after the whole number instead, in the order of the
digits; --right-to-left writes the digits from the last to the first. Both only change the
order of the strokes, never the drawing, so every variant draws the same numbers."""

import argparse

import common
import numpy as np


def reorder(per_digit, rng, late=0.0, right_to_left=False):
    """The strokes of compose_digits in the order written: digits left to right (or right to
    left), and with probability `late` each digit of several strokes leaves its last stroke
    for after the whole number. rng draws one number per digit, whatever the options."""
    draws = [rng.uniform() for _ in per_digit]
    order = per_digit[::-1] if right_to_left else per_digit
    draws = draws[::-1] if right_to_left else draws
    strokes, later = [], []
    for digit, draw in zip(order, draws, strict=True):
        if len(digit) > 1 and draw < late:
            strokes += digit[:-1]
            later.append(digit[-1])
        else:
            strokes += digit
    return strokes + later


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
    parser.add_argument("--late-strokes", type=float, default=0.0, metavar="P",
                        help="probability that a digit's last stroke is drawn after the whole number")
    parser.add_argument("--right-to-left", action="store_true", help="write the digits last to first")
    parser.add_argument("--tight", action="store_true", help="digits touching or overlapping a little "
                        "(training/number_layout.TIGHT) instead of natural gaps")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from tests.replay import draw_strokes
    from training import pen_digits
    from training.number_layout import NATURAL, TIGHT, compose_digits

    digits = pen_digits.load(common.PEN_DIGITS)
    app = common.new_app(arguments.set)
    brush = arguments.brush or app.settings.canvas.default_brush
    rng = np.random.default_rng(arguments.seed)
    order_rng = np.random.default_rng([arguments.seed, 1])  # the numbers drawn do not depend on it
    by_length = {n: [] for n in range(2, 6)}
    failures, reordered, read_right = [], [], []
    for _ in range(arguments.count):
        length = int(rng.integers(2, 6))
        chosen = [digits[i] for i in rng.choice(len(digits), length, replace=False)]
        expected = "".join(str(d.label) for d in chosen)
        common.clear(app)
        layout = TIGHT if arguments.tight else NATURAL
        per_digit = compose_digits(chosen, rng, app.settings.canvas.canvas_size, brush, layout)
        strokes = reorder(per_digit, order_rng, arguments.late_strokes, arguments.right_to_left)
        written_in_order = [id(stroke) for digit in per_digit for stroke in digit]
        reordered.append([id(stroke) for stroke in strokes] != written_in_order)
        draw_strokes(app, strokes)
        app.flush()
        read_right.append(app.result.text == expected)
        by_length[length].append(read_right[-1])
        if not read_right[-1]:
            failures.append((strokes, expected, app.result.text))
    for length, right in by_length.items():
        print(f"{length} digits: {np.mean(right):.2%} of {len(right)}")
    print(f"numbers read exactly: {np.mean(read_right):.2%} of {len(read_right)} (brush {brush:.0f})")
    if any(reordered):
        right = [r for r, moved in zip(read_right, reordered, strict=True) if moved]
        print(f"  of which not written stroke by stroke left to right: {np.mean(right):.2%} of {len(right)}")
    if failures:
        variant = (f"_late{arguments.late_strokes:g}" if arguments.late_strokes else "") + (
            "_rtl" if arguments.right_to_left else "") + ("_tight" if arguments.tight else "")
        path = common.OUT / f"number_errors_brush{brush:.0f}{variant}.png"
        write_failures(path, failures[:60], app.settings.canvas.canvas_size)
        print(f"failures drawn in {path}")
    app.close()


if __name__ == "__main__":
    main()
