"""The bundled model: MNIST test accuracy with the app's runtime, one-image inference time,
and training figures from model/metrics.json (bars: >= 99.65 %, <= 1 ms median, <= 20 min)."""

import argparse
import json
import pathlib
import time

import common
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=pathlib.Path, help="time this LiteRT file instead of the bundled one "
                        "(e.g. an older export, to compare)")
    arguments = parser.parse_args()
    from digitpad.model import DigitModel
    from digitpad.resources import model_path
    from training.mnist import TEST_IMAGES, TEST_LABELS, load_split

    mnist = common.REPO / "data" / "mnist"
    images, labels = load_split(mnist / TEST_IMAGES, mnist / TEST_LABELS)
    path = arguments.model or model_path()
    model = DigitModel(path)
    inputs = images.astype(np.float32) / 255
    predicted = model.predict(inputs).argmax(axis=1)
    errors = int((predicted != labels).sum())
    print(f"MNIST test accuracy (LiteRT, {path.name}): {1 - errors / len(labels):.2%} "
          f"({errors} errors of {len(labels)})")
    timings = []
    for image in inputs[:2000]:
        began = time.perf_counter()
        model.predict(image)
        timings.append(time.perf_counter() - began)
    timings = np.array(timings[100:]) * 1000
    print(f"one 28x28 image: median {np.median(timings):.3f} ms, p99 {np.percentile(timings, 99):.3f} ms")
    metrics = json.loads((common.REPO / "model" / "metrics.json").read_text())
    stages = ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in metrics.get("stage_seconds", {}).items())
    print(f"training: {metrics['training_seconds'] / 60:.1f} min ({stages}), {metrics['epochs_run']} image-model "
          f"epochs ({metrics['precision']}, {metrics['machine']}); {metrics['parameters']:,} parameters")
    if "pen_digits" in metrics:
        print(f"pen digits in metrics.json: {metrics['pen_digits']['accuracy']:.2%}")


if __name__ == "__main__":
    main()
