"""An exponential moving average of the weights, chosen on the validation split.

Averaging the weights over the last few thousand steps (Polyak averaging) smooths out the
noise of the final steps and usually generalises a little better than the raw weights.
Keras optimizers can keep such an average (`use_ema=True`), but they only expose it by
overwriting the model at the end of `fit`, so it cannot be scored epoch by epoch; this
callback keeps its own copy with the public weight API instead.
"""

import keras
import numpy as np


class WeightAverage(keras.callbacks.Callback):
    """Tracks the average each step; after each epoch scores it on the validation split and
    adds `val_average_loss` / `val_average_accuracy` to the logs. At the end of training the
    model holds whichever weights scored the lowest validation loss: an average, or the raw
    weights of some epoch (better in very short runs, where the average lags behind)."""

    def __init__(self, validation_images, validation_labels, decay: float = 0.999, start_epoch: int = 0,
                 every: int = 4):
        super().__init__()
        if not 0.0 < decay < 1.0:
            raise ValueError(f"decay must be between 0 and 1, got {decay}")
        self.validation_images = validation_images  # (N, 28, 28, 1) float32 in [0, 1]
        self.validation_labels = validation_labels  # (N,) int
        self.decay = decay  # weight of the old average, per training step
        self.every = every  # steps between updates of the average (copying weights costs time)
        self.start_epoch = start_epoch  # epochs before averaging begins (early weights are poor)
        self.average = None  # list of float32 arrays, like model.get_weights()
        self.best = None  # (validation loss, kind, weights) of the best weights so far
        self.history = {"val_average_loss": [], "val_average_accuracy": []}
        self._epoch = 0
        self._updates = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._epoch < self.start_epoch or batch % self.every:
            return
        weights = self.model.get_weights()
        if self.average is None:
            self.average = [np.asarray(weight, np.float32).copy() for weight in weights]
            return
        # Warm-up as in TensorFlow's ExponentialMovingAverage(num_updates=...): a short run
        # averages over the steps it has, not towards its random initial weights.
        self._updates += 1
        decay = min(self.decay ** self.every, (1.0 + self._updates) / (10.0 + self._updates))
        for average, weight in zip(self.average, weights, strict=True):
            average *= decay
            average += (1.0 - decay) * weight

    def on_epoch_end(self, epoch, logs=None):
        if logs and "val_loss" in logs:
            self._consider(float(logs["val_loss"]), "raw", self.model.get_weights())
        if self.average is None:
            return
        current = self.model.get_weights()
        self.model.set_weights(self.average)
        probabilities = self.model.predict(self.validation_images, batch_size=512, verbose=0)
        self.model.set_weights(current)
        picked = probabilities[np.arange(len(self.validation_labels)), self.validation_labels]
        loss = float(-np.log(np.clip(picked, 1e-7, 1.0)).mean())
        accuracy = float((probabilities.argmax(axis=1) == self.validation_labels).mean())
        self.history["val_average_loss"].append(loss)
        self.history["val_average_accuracy"].append(accuracy)
        if logs is not None:
            logs.update(val_average_loss=loss, val_average_accuracy=accuracy)
        print(f" - val_average_loss: {loss:.4f} - val_average_accuracy: {accuracy:.4f}", flush=True)
        self._consider(loss, "moving average", self.average)

    def _consider(self, loss, kind, weights):
        if self.best is None or loss < self.best[0]:
            self.best = (loss, kind, [np.array(weight, np.float32) for weight in weights])

    @property
    def chosen(self) -> str:
        """Which weights training returned: "moving average" or "raw"."""
        return self.best[1] if self.best else "raw"

    def on_train_end(self, logs=None):
        if self.best is not None:
            self.model.set_weights(self.best[2])
