"""Pictures of handwritten digits on paper: phone photos and clean scans, read by `predict`'s
path (Recognizer.recognise_picture). Issue bar: >= 97 % of phone-style photos read exactly,
clean scans as well as before.

The pictures are made here, deterministically (seeded), from MNIST's TEST digits only (never a
training image): one digit, or a number of 2-4, written as a pen would (sharp edges, a random
stroke weight). Each is rendered twice:

- a phone photo: grey or tinted paper, a black or blue pen, uneven light (a gradient across
  the sheet, a vignette, sometimes the soft shadow of the phone), exposure off, a slight tilt,
  camera blur, sensor noise, JPEG compression;
- a clean scan: dark ink on white, a little blur, PNG ("USPS-style").

A second set (issue 22, --side-lit N) holds numbers of 3-4 digits, each rendered twice too: a
photo under a lamp to one side (the paper's light from about 230 on the lamp's side to about 70
on the far side, the soft shadow of a hand or the phone over part of it, blur, noise, JPEG), and
a clean scan of the same ink. Bar: the photos read exactly within 2 points of their scans.

Printed: accuracy (whole picture read exactly) of the global Otsu threshold digitpad used
before issue 13 ("old") and of preprocess.image_to_mask ("new"), on all four sets.
"""

import argparse
import itertools
import time

import common
import cv2
import numpy as np

from training.mnist import TEST_IMAGES, TEST_LABELS, load_split


# ----------------------------------------------------------------------------- ink
def digit_ink(image, height, rng):
    """An MNIST digit (28, 28) uint8, white on black -> pen ink (h, w) float32 coverage in
    [0, 1], `height` pixels tall: upscaled, and MNIST's soft edges made a pen's sharp ones
    around a random level (a finer or bolder pen)."""
    rows, columns = np.nonzero(image)
    crop = image[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1].astype(np.float32) / 255.0
    crop = cv2.copyMakeBorder(crop, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0.0)
    scale = height / (crop.shape[0] - 4)
    big = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    level = rng.uniform(0.3, 0.6)
    edge = 0.5 / max(scale, 1.0)  # a ramp about two pixels wide at the new size
    return np.clip((big - level) / (4 * edge) + 0.5, 0.0, 1.0)


def number_ink(images, height, rng):
    """Several digits' ink side by side, 15-45 % of the height apart, each a little higher
    or lower: (h, w) float32."""
    inks = [digit_ink(image, height * rng.uniform(0.92, 1.08), rng) for image in images]
    tallest = max(ink.shape[0] for ink in inks)
    slack = int(0.12 * height)
    canvas_height = tallest + 2 * slack
    gaps = [int(rng.uniform(0.15, 0.45) * height) for _ in inks[1:]] + [0]
    canvas = np.zeros((canvas_height, sum(ink.shape[1] for ink in inks) + sum(gaps)), np.float32)
    x = 0
    for ink, gap in zip(inks, gaps, strict=True):
        top = (canvas_height - ink.shape[0]) // 2 + int(rng.integers(-slack, slack + 1))
        region = canvas[top : top + ink.shape[0], x : x + ink.shape[1]]
        np.maximum(region, ink, out=region)
        x += ink.shape[1] + gap
    return canvas


def with_margins(ink, height, rng):
    """The ink on a sheet: mostly 0.3-1 x its height of paper on each side; one picture in
    ten cropped tight to the ink (0.03-0.15), one in five far from it (1-2.5: a phone held
    back, the digits small in the frame)."""
    low, high = [(0.03, 0.15), (0.3, 1.0), (1.0, 2.5)][rng.choice(3, p=[0.1, 0.7, 0.2])]
    top, bottom, left, right = (int(rng.uniform(low, high) * height) for _ in range(4))
    return cv2.copyMakeBorder(ink, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0.0)


# ----------------------------------------------------------------------------- cameras
def written(ink, paper, rng, black_share, black):
    """Ink coverage (H, W) float32 on paper of reflectance `paper` (3,) BGR -> reflectance (H, W, 3):
    a black or pencil-grey pen (reflectance in the range `black`) black_share of the time, else a
    blue ballpoint."""
    if rng.random() < black_share:
        pen = np.full(3, rng.uniform(*black))  # black or pencil-grey
    else:
        pen = np.array([0.45, 0.2, 0.1]) * rng.uniform(0.5, 1.0)  # blue ballpoint
    return paper * (1.0 - ink[..., None]) + pen * ink[..., None]


def camera(photo, height, rng, blur, noise, quality):
    """Light reaching the sensor (H, W, 3) float32 -> the photo, (H, W, 3) uint8 BGR: blurred
    (focus, shake; sigma in the range `blur`, for a digit `height` pixels tall), sensor noise (its
    sigma in `noise`), then JPEG-compressed at a quality in `quality` and decoded."""
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(*blur) * max(1.0, height / 150))
    photo += rng.normal(0.0, rng.uniform(*noise), photo.shape).astype(np.float32)
    ok, encoded = cv2.imencode(".jpg", np.clip(photo, 0, 255).astype(np.uint8),
                               [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(*quality))])
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def phone_photo(ink, height, rng):
    """Ink coverage (H, W) float32 -> a phone photo of it, (H, W, 3) uint8 BGR, JPEG-decoded."""
    rows, columns = ink.shape
    paper = rng.uniform(0.72, 0.95) * (1.0 + rng.uniform(-0.08, 0.08, 3))  # reflectance, BGR
    reflectance = written(ink, paper, rng, black_share=0.5, black=(0.06, 0.2))
    y, x = np.mgrid[-1.0 : 1.0 : rows * 1j, -1.0 : 1.0 : columns * 1j].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    along = (np.cos(angle) * x + np.sin(angle) * y + np.sqrt(2)) / (2 * np.sqrt(2))  # 0..1 across the sheet
    light = 1.0 - rng.uniform(0.2, 0.55) * along  # gradient
    centre = rng.uniform(-0.4, 0.4, 2)
    light *= 1.0 - rng.uniform(0.1, 0.4) * ((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / 2.0  # vignette
    if rng.random() < 0.3:  # the soft shadow of the phone over part of the sheet
        angle = rng.uniform(0, 2 * np.pi)
        side = np.cos(angle) * x + np.sin(angle) * y - rng.uniform(0.2, 0.9)
        light *= 1.0 - rng.uniform(0.2, 0.45) / (1.0 + np.exp(-side / rng.uniform(0.05, 0.25)))
    photo = reflectance * (light * rng.uniform(0.75, 1.1) * 255.0)[..., None]
    tilt = cv2.getRotationMatrix2D((columns / 2, rows / 2), rng.uniform(-4, 4), 1.0)
    photo = cv2.warpAffine(photo.astype(np.float32), tilt, (columns, rows), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
    return camera(photo, height, rng, blur=(0.4, 1.2), noise=(2.0, 7.0), quality=(55, 91))


def side_lit_photo(ink, height, rng):
    """Ink coverage (H, W) float32 -> a photo of it under a lamp to one side, (H, W, 3) uint8
    BGR, JPEG-decoded: the paper's brightness runs from about 70 on the far side to about 230
    on the lamp's (a steep gradient, mostly along the line of digits), and the soft shadow of
    a hand or the phone falls over a part of it."""
    rows, columns = ink.shape
    paper = rng.uniform(0.85, 0.97) * (1.0 + rng.uniform(-0.05, 0.05, 3))  # reflectance, BGR
    reflectance = written(ink, paper, rng, black_share=0.6, black=(0.05, 0.18))
    y, x = np.mgrid[-1.0 : 1.0 : rows * 1j, -1.0 : 1.0 : columns * 1j].astype(np.float32)
    angle = rng.choice([0.0, np.pi]) + rng.uniform(-0.5, 0.5)  # the lamp to the left or the right
    along = np.clip((np.cos(angle) * x + np.sin(angle) * y + 1.0) / 2.0, 0.0, 1.0)  # 0 lamp .. 1 far side
    bright, dim = rng.uniform(225, 240), rng.uniform(65, 80)
    light = (bright - (bright - dim) * along ** rng.uniform(0.7, 1.4)) / 255.0  # paper 230 .. 70
    angle = rng.uniform(0, 2 * np.pi)  # the shadow: a soft edge across the sheet, darkening one side of it
    side = np.cos(angle) * x + np.sin(angle) * y - rng.uniform(0.0, 0.8)
    light *= 1.0 - rng.uniform(0.25, 0.45) / (1.0 + np.exp(-side / rng.uniform(0.05, 0.2)))
    photo = reflectance * (light * 255.0 / paper.mean())[..., None]
    return camera(photo.astype(np.float32), height, rng, blur=(0.4, 1.0), noise=(2.0, 5.0), quality=(60, 91))


def clean_scan(ink, rng):
    """Ink coverage (H, W) float32 -> a clean scan, (H, W) uint8: dark ink on white, a little blur."""
    scan = 255.0 - 230.0 * cv2.GaussianBlur(ink, (0, 0), rng.uniform(0.5, 1.0))
    return np.clip(scan, 0, 255).astype(np.uint8)


def make_pictures(count, seed, number_share=0.3):
    """Yields (expected text, phone photo, clean scan) from MNIST test digits, reproducibly."""
    images, labels = load_split(common.REPO / "data" / "mnist" / TEST_IMAGES,
                                common.REPO / "data" / "mnist" / TEST_LABELS)
    rng = np.random.default_rng(seed)
    for _ in range(count):
        length = int(rng.integers(2, 5)) if rng.random() < number_share else 1
        chosen = rng.choice(len(images), length, replace=False)
        height = rng.uniform(50, 260)
        ink = with_margins(number_ink(images[chosen], height, rng), height, rng)
        expected = "".join(str(int(labels[i])) for i in chosen)
        yield expected, phone_photo(ink, height, rng), clean_scan(ink, rng)


def make_side_lit_numbers(count, seed):
    """Yields (expected text, side-lit photo, clean scan) of numbers of 3-4 MNIST test digits,
    reproducibly: the same ink photographed under a lamp to one side, and scanned."""
    images, labels = load_split(common.REPO / "data" / "mnist" / TEST_IMAGES,
                                common.REPO / "data" / "mnist" / TEST_LABELS)
    rng = np.random.default_rng(seed + 1_000_003)  # not the digits of make_pictures
    for _ in range(count):
        chosen = rng.choice(len(images), int(rng.integers(3, 5)), replace=False)
        height = rng.uniform(60, 240)
        ink = with_margins(number_ink(images[chosen], height, rng), height, rng)
        expected = "".join(str(int(labels[i])) for i in chosen)
        yield expected, side_lit_photo(ink, height, rng), clean_scan(ink, rng)


# ----------------------------------------------------------------------------- the old method
def otsu_mask(image):
    """image_to_mask as it was before issue 13: the border's colour decides the polarity and
    Otsu's global threshold splits ink from background. (H, W[, C]) uint8 -> (H, W) uint8 0/1."""
    if image.ndim == 3:
        image = cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    gray = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 127:
        gray = 255 - gray
    if int(gray.max()) - int(gray.min()) < 32:
        return np.zeros(gray.shape, np.uint8)
    _, mask = cv2.threshold(cv2.GaussianBlur(gray, (3, 3), 0), 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(count, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(2, int(0.0002 * mask.size))
    return keep[labels]


# ----------------------------------------------------------------------------- main
def write_failures(path, failures, side=160, columns=6):
    """A grid of misread pictures, each titled "expected > read"."""
    tiles = []
    for picture, expected, read in failures:
        tile = picture if picture.ndim == 3 else cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR)
        scale = side / max(tile.shape[:2])
        tile = cv2.resize(tile, (max(1, round(tile.shape[1] * scale)), max(1, round(tile.shape[0] * scale))),
                          interpolation=cv2.INTER_AREA)
        tile = cv2.copyMakeBorder(tile, 22, side - tile.shape[0] + 2, 2, side - tile.shape[1] + 2,
                                  cv2.BORDER_CONSTANT, value=(90, 90, 90))
        cv2.putText(tile, f"{expected} > {read or '-'}", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.vstack([np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="pictures per set")
    parser.add_argument("--side-lit", type=int, default=400, metavar="N",
                        help="numbers of 3-4 digits photographed lit from one side (and scanned)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", help="a .tflite model instead of the bundled one")
    parser.add_argument("--save", type=int, default=0, metavar="N", help="also write N photos to bench/out/photos/")
    arguments = parser.parse_args()

    from digitpad.model import DigitModel
    from digitpad.recognition import Recognizer
    from digitpad.resources import model_path

    recognizer = Recognizer(DigitModel(arguments.model or model_path()))
    methods = {  # name -> a function from a picture to a Result
        "old (global Otsu)": lambda picture: recognizer.recognise_mask(otsu_mask(picture)),
        "new (image_to_mask)": recognizer.recognise_picture,
    }
    sets = ("phone photos", "clean scans", "side-lit numbers", "their scans")
    failures = {(set_name, method): [] for set_name in sets for method in methods}
    seconds = dict.fromkeys(failures, 0.0)
    numbers = 0
    folder = common.OUT / "photos"
    pictures = itertools.chain(  # (index, expected, [(set name, picture), ...]), made as they are read
        ((index, expected, zip(sets[:2], renderings, strict=True))
         for index, (expected, *renderings) in enumerate(make_pictures(arguments.count, arguments.seed))),
        ((index, expected, zip(sets[2:], renderings, strict=True))
         for index, (expected, *renderings) in enumerate(make_side_lit_numbers(arguments.side_lit, arguments.seed))))
    for index, expected, renderings in pictures:
        for set_name, picture in renderings:
            numbers += len(expected) > 1 and set_name == sets[0]
            if index < arguments.save:
                folder.mkdir(parents=True, exist_ok=True)
                extension = "jpg" if picture.ndim == 3 else "png"
                cv2.imwrite(str(folder / f"{index:03d}-{expected}-{set_name.replace(' ', '-')}.{extension}"), picture)
            for method, read in methods.items():
                started = time.perf_counter()
                text = read(picture).text
                seconds[set_name, method] += time.perf_counter() - started
                if text != expected:
                    failures[set_name, method].append((picture, expected, text))
    print(f"{arguments.count} pictures per set ({numbers} numbers of 2-4 digits), and {arguments.side_lit} "
          f"numbers of 3-4 digits lit from one side; MNIST test digits, seed {arguments.seed}")
    for (set_name, method), wrong in failures.items():
        total = arguments.count if set_name in sets[:2] else arguments.side_lit
        if not total:
            continue
        right = 1 - len(wrong) / max(1, total)
        print(f"{set_name:16s} {method:20s} {right:7.2%} read exactly ({len(wrong)} wrong; "
              f"{1000 * seconds[set_name, method] / max(1, total):.1f} ms per picture, recognition included)")
        if wrong and method.startswith("new"):
            path = common.OUT / f"photo_errors_{set_name.replace(' ', '_').replace('-', '_')}.png"
            write_failures(path, wrong[:60])
            print(f"{'':16s} failures drawn in {path}")
    recognizer.close()


if __name__ == "__main__":
    main()
