"""Mix samples taught in the app into the training data for `train_model.py --finetune DIR`."""

import pathlib

import numpy as np

from digitpad.storage import load_samples

MNIST_SHARE = 20_000  # MNIST images kept beside the taught samples, so the model does not forget
MIN_REPEATS, MAX_REPEATS = 1, 50  # taught samples are repeated to weigh about a fifth of the mix


def mix_in_taught_samples(folder: pathlib.Path, images, labels, rows, seed: int):
    """Append the taught samples of folder/<digit>/*.png to the training data.

    Returns (images, labels, rows) where rows select a random MNIST subset plus the (repeated)
    samples; raises ValueError when the folder holds none.
    """
    taught_images, taught_labels = load_samples(folder)
    if len(taught_labels) == 0:
        raise ValueError(f"{folder}: no taught samples (expected <digit>/*.png, as digitpad saves them)")
    rng = np.random.default_rng(seed)
    kept = rng.choice(rows, size=min(MNIST_SHARE, len(rows)), replace=False)
    repeats = int(np.clip(MNIST_SHARE / 4 / len(taught_labels), MIN_REPEATS, MAX_REPEATS))
    first_new = len(images)
    images = np.concatenate([images, taught_images])
    labels = np.concatenate([labels, taught_labels])
    new_rows = np.tile(np.arange(first_new, len(images)), repeats)
    print(f"fine-tuning on {len(taught_labels)} taught samples (x{repeats}) and {len(kept)} MNIST images")
    return images, labels, np.concatenate([kept, new_rows])
