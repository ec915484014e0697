"""Export a trained classifier to the LiteRT file the app runs.

The LiteRT model's outputs: the probabilities (N, 10), the features (N, 256), the activations
of the last hidden layer, and the feature maps of each convolutional stage (the last
convolution before each pooling: (N, 28, 28, 48), (N, 14, 14, 96), (N, 7, 7, 192)). The app
adapts to its user from the features of the digits they teach (digitpad/adaptation.py) and
shows the maps in its "inside" view (digitpad/inside.py), without TensorFlow. The extra
outputs are tensors the network computes anyway: the probabilities and features are the same
numbers with or without them (tests/test_model.py).
"""

import pathlib

import keras


def feature_layer(model: keras.Model) -> keras.layers.Layer:
    """The hidden layer under the logits: the last Dense layer but one."""
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2:
        raise ValueError(f"model {model.name} has no hidden Dense layer under its logits")
    return dense[-2]


def map_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The last convolution of each stage: each Conv2D a MaxPooling2D comes after (in the
    model's layer order, which is the order the layers run in)."""
    layers, last_convolution = [], None
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            last_convolution = layer
        elif isinstance(layer, keras.layers.MaxPooling2D) and last_convolution is not None:
            layers.append(last_convolution)
            last_convolution = None
    return layers


def with_features(model: keras.Model) -> keras.Model:
    """The same weights, outputs [probabilities (N, 10), features (N, F), then the feature maps
    (N, H, W, C) of each convolutional stage, largest first (map_layers)]."""
    maps = [layer.output for layer in map_layers(model)]
    return keras.Model(model.inputs, [model.outputs[0], feature_layer(model).output, *maps],
                       name=f"{model.name}_features")


def export_lite(float_model: keras.Model, path: pathlib.Path) -> pathlib.Path:
    """Write float_model (float32 weights) as a LiteRT model with probabilities, features and
    feature maps (with_features)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(with_features(float_model))
    path = pathlib.Path(path)
    path.write_bytes(converter.convert())
    return path


REFERENCE_COUNT = 2000  # MNIST training digits whose features guard adaptation (digitpad/adaptation.py)


def write_reference(lite_path: pathlib.Path, images, labels, count: int = REFERENCE_COUNT, seed: int = 0):
    """Write the reference digits of a LiteRT model beside it (digitpad.reference.npz): the
    features of `count` images (N, 28, 28) uint8 picked at random, float16, their labels, the
    images themselves ((count, 28, 28) uint8, white ink on black: the inside view shows the
    nearest ones), and the model file's SHA-256 so the app never pairs them with another model."""
    import numpy as np

    from digitpad.adaptation import file_digest, reference_path
    from digitpad.model import DigitModel

    rows = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)), replace=False)
    features = DigitModel(lite_path).predict_with_features(images[rows].astype(np.float32) / 255.0)[1]
    if features is None:
        raise ValueError(f"{lite_path} has no features output (export it with export_lite)")
    path = reference_path(lite_path)
    np.savez_compressed(path, features=features.astype(np.float16), labels=np.asarray(labels)[rows].astype(np.uint8),
                        images=np.asarray(images)[rows].astype(np.uint8), model_sha256=file_digest(lite_path))
    return path


def main(argv=None) -> int:
    """python -m training.export MODEL.tflite [--keras MODEL.keras]: (re)write its reference
    digits from data/mnist; with --keras, first export that Keras model to MODEL.tflite (no
    training: the same weights, all of export_lite's outputs)."""
    import argparse

    from training.mnist import load_mnist

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("model", type=pathlib.Path)
    parser.add_argument("--keras", type=pathlib.Path, help="export this Keras model to MODEL first")
    parser.add_argument("--data-dir", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent / "data" / "mnist")
    arguments = parser.parse_args(argv)
    if arguments.keras is not None:
        print(f"wrote {export_lite(keras.models.load_model(arguments.keras), arguments.model)}")
    (images, labels), _ = load_mnist(arguments.data_dir)
    print(f"wrote {write_reference(arguments.model, images, labels)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
