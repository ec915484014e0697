"""Accuracy of the whole app on real pen digits replayed as mouse drags (issue bars: >= 98.5 %
overall, >= 97.5 % in each drawing condition)."""

import argparse
import time

import common
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from training import pen_digits
    from training.reports import write_error_grid

    digits = pen_digits.load(common.PEN_DIGITS)[: arguments.limit]
    app = common.new_app(arguments.set)
    common.OUT.mkdir(parents=True, exist_ok=True)
    print(f"{len(digits)} pen digits, canvas {app.canvas_rect.size}, model {app.recognizer.model.path.name}")
    overall = []
    for condition in pen_digits.CONDITIONS:
        started = time.perf_counter()
        right, wrong_images, wrong_labels, wrong_probabilities, split, unsure = [], [], [], [], 0, 0
        for digit in digits:
            result = common.read_pen_digit(app, digit, condition)
            right.append(result.text == str(digit.label))
            split += len(result.digits) != 1
            unsure += not result.sure
            if not right[-1] and result.digits:
                wrong_images.append(result.digits[0].image)
                wrong_labels.append(digit.label)
                wrong_probabilities.append(result.digits[0].probabilities)
        overall += right
        accuracy = np.mean(right)
        print(f"{condition.name:>10}: {accuracy:.2%}  ({len(right) - sum(right)} wrong, {split} not one digit, "
              f"{unsure} not sure, brush {condition.brush:.0f}, height {condition.height:.2f}) "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        if wrong_images:
            write_error_grid(common.OUT / f"pen_errors_{condition.name}.png", np.stack(wrong_images),
                             np.array(wrong_labels), np.array(wrong_probabilities),
                             f"pen errors ({condition.name})", limit=150)
    print(f"   overall: {np.mean(overall):.2%} of {len(overall)} drawings")
    app.close()


if __name__ == "__main__":
    main()
