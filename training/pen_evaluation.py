"""Accuracy of a LiteRT model on the pen digits, through digitpad's own preprocessing."""

import pathlib

import numpy as np

from digitpad.model import DigitModel
from digitpad.recognition import Recognizer
from digitpad.settings import CanvasSettings
from training import pen_digits


def evaluate_pen_digits(model_path: pathlib.Path, data_path: pathlib.Path, limit: int | None = None,
                        error_grid: pathlib.Path | None = None, conditions=None) -> dict:
    """Per-condition accuracy (a digit counts as right only if read as exactly that one digit),
    by the image model alone. `conditions`: names of pen_digits.CONDITIONS to draw under (None: all)."""
    chosen = [c for c in pen_digits.CONDITIONS if conditions is None or c.name in conditions]
    if not chosen:
        raise ValueError(f"no drawing condition named {conditions}; known: {[c.name for c in pen_digits.CONDITIONS]}")
    recognizer = Recognizer(DigitModel(model_path))
    canvas_size = CanvasSettings().canvas_size
    digits = pen_digits.load(data_path)[:limit]
    report = {"count": len(digits), "conditions": {}}
    all_right = []
    for condition in chosen:
        right, images, probabilities, labels = [], [], [], []
        for digit in digits:
            result = recognizer.recognise_strokes(pen_digits.to_strokes(digit, condition, canvas_size), canvas_size)
            right.append(result.text == str(digit.label))
            if condition.name == "normal" and result.text != str(digit.label) and result.digits:
                images.append(result.digits[0].image)
                probabilities.append(result.digits[0].probabilities)
                labels.append(digit.label)
        report["conditions"][condition.name] = round(float(np.mean(right)), 5)
        all_right.extend(right)
        if error_grid is not None and images:
            from training.reports import write_error_grid

            write_error_grid(error_grid, np.stack(images), np.array(labels), np.array(probabilities),
                             "pen-digit errors (normal)")
    report["accuracy"] = round(float(np.mean(all_right)), 5)
    return report
