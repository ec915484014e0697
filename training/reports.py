"""Figures and figures-as-numbers for a trained model: metrics, curves, confusion, errors."""

import importlib.metadata
import pathlib

import numpy as np


def classification_metrics(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy, log loss and per-digit precision/recall from (N, 10) probabilities."""
    predicted = probabilities.argmax(axis=1)
    picked = probabilities[np.arange(len(labels)), labels]
    confusion = confusion_matrix(predicted, labels)
    per_digit = {}
    for digit in range(10):
        true_positive = confusion[digit, digit]
        per_digit[str(digit)] = {
            "precision": round(float(true_positive / max(1, confusion[:, digit].sum())), 5),
            "recall": round(float(true_positive / max(1, confusion[digit].sum())), 5),
        }
    return {
        "test_accuracy": float((predicted == labels).mean()),
        "test_loss": float(-np.log(np.clip(picked, 1e-7, 1.0)).mean()),
        "test_errors": int((predicted != labels).sum()),
        "test_count": int(len(labels)),
        "per_digit": per_digit,
    }


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(10, 10) int counts; row = true digit, column = predicted digit."""
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (labels.astype(int), predicted.astype(int)), 1)
    return matrix


def library_versions() -> dict:
    versions = {}
    for name in ("tensorflow-cpu", "tensorflow", "keras", "numpy", "opencv-python-headless", "ai-edge-litert"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def write_figures(report_dir: pathlib.Path, history: dict, probabilities, test_split) -> None:
    """training_curves.png, confusion_matrix.png, misclassified.png under report_dir."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report_dir.mkdir(parents=True, exist_ok=True)
    images, labels = test_split
    predicted = probabilities.argmax(axis=1)

    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    epochs = np.arange(1, len(history["loss"]) + 1)
    loss_axes.plot(epochs, history["loss"], label="train (augmented)")
    loss_axes.plot(epochs, history["val_loss"], label="validation")
    loss_axes.set(xlabel="epoch", ylabel="loss", yscale="log", title="Loss")
    accuracy_axes.plot(epochs, history["accuracy"], label="train (augmented)")
    accuracy_axes.plot(epochs, history["val_accuracy"], label="validation")
    averaged = history.get("val_average_loss", [])
    if averaged:  # the weight average is scored from a later epoch on
        averaged_epochs = epochs[len(epochs) - len(averaged):]
        loss_axes.plot(averaged_epochs, averaged, label="validation, weight average")
        accuracy_axes.plot(averaged_epochs, history["val_average_accuracy"], label="validation, weight average")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="Accuracy", ylim=(0.97, 1.0))
    for axes in (loss_axes, accuracy_axes):
        axes.legend()
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(report_dir / "training_curves.png", dpi=100)
    plt.close(figure)

    confusion = confusion_matrix(predicted, labels)
    figure, axes = plt.subplots(figsize=(6, 5.5))
    shown = np.log1p(confusion)
    axes.imshow(shown, cmap="Blues")
    for row in range(10):
        for column in range(10):
            if confusion[row, column]:
                colour = "white" if shown[row, column] > shown.max() / 2 else "black"
                axes.text(column, row, confusion[row, column], ha="center", va="center", fontsize=8, color=colour)
    axes.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true",
             title=f"MNIST test confusion ({int((predicted != labels).sum())} errors)")
    figure.tight_layout()
    figure.savefig(report_dir / "confusion_matrix.png", dpi=100)
    plt.close(figure)

    write_error_grid(report_dir / "misclassified.png", images, labels, probabilities, "MNIST test errors")


def write_error_grid(path, images, labels, probabilities, title, limit=100) -> None:
    """A grid of misclassified images captioned 'true>predicted (confidence)'."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)[:limit]
    columns = 10
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    figure, axes_grid = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.25 + 0.4), squeeze=False)
    for axes in axes_grid.flat:
        axes.axis("off")
    for axes, row in zip(axes_grid.flat, wrong, strict=False):
        axes.imshow(images[row], cmap="gray")
        axes.set_title(f"{labels[row]}>{predicted[row]} ({probabilities[row].max():.2f})", fontsize=7)
    figure.suptitle(f"{title}: {len(np.flatnonzero(predicted != labels))} (true>predicted)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
