"""Regenerate assets/samples/*.json (hand-made sample drawings) and assets/icons/digitpad.png.

The samples are drawn here from simple curves, in canvas pixels of the 560-pixel canvas;
`digitpad --self-test` must read each one as its "expected" text.
"""

import json
import pathlib

import cv2
import numpy as np

ASSETS = pathlib.Path(__file__).resolve().parent.parent / "assets"


def arc(cx, cy, rx, ry, start, stop, steps=40):
    angles = np.deg2rad(np.linspace(start, stop, steps))
    return np.stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)], axis=1)


def line(*points, steps=20):
    parts = [np.linspace(a, b, steps) for a, b in zip(points[:-1], points[1:], strict=True)]
    return np.concatenate(parts)


def shifted(strokes, dx, scale=1.0, cx=280, cy=280):
    return [(np.asarray(s) - (cx, cy)) * scale + (cx + dx, cy) for s in strokes]


DIGITS = {
    "0": [arc(280, 280, 110, 170, -90, 275)],
    "1": [line((250, 150), (300, 110), (290, 450))],
    "2": [np.concatenate([arc(280, 200, 100, 90, 200, 380), line((375, 230), (180, 440), (390, 440))])],
    "3": [np.concatenate([arc(270, 190, 100, 80, 200, 450), arc(270, 360, 110, 90, 270, 520)])],
    "4": [line((300, 110), (190, 330), (380, 330)), line((330, 200), (330, 460))],
    "7": [line((170, 130), (390, 130), (250, 460))],
}
NUMBERS = {"42": shifted(DIGITS["4"], -120, 0.6) + shifted(DIGITS["2"], 120, 0.6)}


def write_samples():
    folder = ASSETS / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    for name, strokes in {**DIGITS, **NUMBERS}.items():
        document = {
            "format": "digitpad-drawing",
            "version": 1,
            "expected": name,
            "strokes": [{"points": np.round(s, 1).tolist(), "width": 24.0, "erase": False} for s in strokes],
        }
        (folder / f"sample-{name}.json").write_text(json.dumps(document) + "\n")
    # one picture, dark ink on white paper, for `digitpad predict` checks of a build
    picture = np.full((560, 560), 255, np.uint8)
    for stroke in NUMBERS["42"]:
        cv2.polylines(picture, [np.int32(np.round(stroke)).reshape(-1, 1, 2)], False, 20, 24, cv2.LINE_AA)
    cv2.imwrite(str(folder / "sample-42.png"), picture)


def write_icon():
    size = 256
    icon = np.zeros((size, size, 4), np.uint8)
    cv2.rectangle(icon, (16, 16), (size - 17, size - 17), (48, 39, 36, 255), -1, cv2.LINE_AA)
    points = np.int32([[70, 70], [186, 70], [110, 196]])
    cv2.polylines(icon, [points], False, (255, 255, 255, 255), 22, cv2.LINE_AA)
    cv2.circle(icon, (190, 190), 18, (140, 200, 92, 255), -1, cv2.LINE_AA)
    folder = ASSETS / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "digitpad.png"), icon)
    cv2.imwrite(str(folder / "digitpad-64.png"), cv2.resize(icon, (64, 64), interpolation=cv2.INTER_AREA))
    # Windows and macOS icon formats for build_exe.spec (Pillow comes with matplotlib)
    from PIL import Image

    picture = Image.open(folder / "digitpad.png")
    picture.save(folder / "digitpad.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    picture.save(folder / "digitpad.icns")


if __name__ == "__main__":
    write_samples()
    write_icon()
