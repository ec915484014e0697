"""Turn drawings and pictures into MNIST-style 28x28 inputs. Pure functions, OpenCV.

MNIST's recipe (LeCun et al.): crop to the ink, scale to fit a 20x20 box keeping the aspect
ratio (anti-aliased), place in 28x28 so that the ink's centre of mass is at pixel (14, 14).
On top of that, stroke thickness is normalised: whatever brush drew it, the digit reaches the
model with MNIST's typical stroke width, which is what makes thin and thick brushes alike.

Conventions: an "ink mask" is (H, W) uint8, 1 where there is ink, 0 elsewhere; a "digit image"
is (28, 28) float32 in [0, 1], white ink on black, the model's input.
"""

import dataclasses

import cv2
import numpy as np

MNIST_SIZE = 28  # side of the model's input image
MNIST_BOX = 20  # side of the box the ink is fitted into
MNIST_CENTRE = 14.0  # where MNIST puts the centre of mass (row and column, pixel index)
WORK_MIN_SIDE = 64  # working resolution for thickness changes: longest side at least ...
WORK_MAX_SIDE = 96  # ... and at most this many pixels: still ~5x the 20-pixel box; a typical
# drawn digit took 0.8 ms to preprocess at 128 and 0.4 ms at 96, with the same pen-digit accuracy


@dataclasses.dataclass(frozen=True)
class PreprocessSettings:
    stroke_width: float = 2.2  # target stroke width in 28x28 pixels; MNIST digits upscaled and
    # re-preprocessed come back closest to themselves (and with their own ink mass) at 2.2
    merge_overlap: float = 0.5  # merge ink pieces whose columns overlap this much of the narrower
    fragment_size: float = 0.3  # a piece smaller than this fraction of the tallest is a fragment
    min_ink_pixels: int = 4  # an ink mask with fewer pixels counts as empty
    max_pieces: int = 40  # more separate pieces of ink than this are not split into digits


DEFAULT_SETTINGS = PreprocessSettings()


@dataclasses.dataclass(frozen=True)
class DigitInk:
    """The ink of one digit: mask (h, w) uint8 cropped to box (left, top, right, bottom), exclusive."""

    mask: np.ndarray
    box: tuple[int, int, int, int]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


def join(first: DigitInk, second: DigitInk) -> DigitInk:
    """One digit made of the ink of two."""
    box = tuple(union_box([list(first.box), list(second.box)]))
    mask = np.zeros((box[3] - box[1], box[2] - box[0]), np.uint8)
    for piece in (first, second):
        top, left = piece.box[1] - box[1], piece.box[0] - box[0]
        mask[top : top + piece.mask.shape[0], left : left + piece.mask.shape[1]] |= piece.mask
    return DigitInk(mask, box)


def check_mask(mask: np.ndarray) -> np.ndarray:
    """Validate an ink mask and return it as contiguous uint8 0/1."""
    if not isinstance(mask, np.ndarray):
        raise TypeError(f"ink mask must be a numpy array, got {type(mask).__name__}")
    if mask.ndim != 2:
        raise ValueError(f"ink mask must be 2-D (H, W), got shape {mask.shape}")
    if mask.shape[0] < 1 or mask.shape[1] < 1:
        raise ValueError(f"ink mask is empty, shape {mask.shape}")
    return np.ascontiguousarray(mask != 0, dtype=np.uint8)


# ----------------------------------------------------------------------------- pictures
@dataclasses.dataclass(frozen=True)
class PictureSettings:
    analysis_side: int = 512  # the ink's polarity is judged on the picture shrunk to this longest side
    paper_height: int = 96  # the paper's brightness is estimated at this height (light varies slowly)
    paper_kernel: float = 0.35  # ... with a closing this share of the picture's height wide: wider
    # than any stroke (digits stand in a row, so the height bounds their size; a long number's
    # width does not: a kernel sized by it took a shadow along a photo's edge for ink), strokes
    # up to 0.3 of the height in a tight crop; yet local enough to follow a gradient, a vignette
    # or a shadow (0.5 of the height read 98.0 % of the photos of bench/photo_accuracy.py, 0.25
    # to 0.35 read 98.7-99.0 %, as many as the clean scans)
    ink_floor: float = 0.2  # ink is at least this much darker than the paper around it (share of
    # the paper's brightness), whatever Otsu's threshold says: the darkest corners of unevenly lit
    # blank photos reach 0.15 ...
    blank_below: float = 0.3  # ... and a picture with no pixel this much darker has no ink.
    even_floor: float = 0.06  # Under even light (a scan, a screenshot) the two are lowered to these
    even_blank: float = 0.1  # plus the light's unevenness, so faint ink (grey 200 on white) is read
    flat_range: int = 8  # a picture whose grey levels span fewer than this (after a 3x3 blur) is
    # one flat shade: no ink (without it, black paper was taken for a page of ink, "too much ink")
    polarity_height: int = 128  # when the border cannot tell, the polarity is judged at this height ...
    polarity_window: float = 0.6  # ... against the median over a window this share of the height wide
    # (wider than strokes, so ink is a minority in it: on 150 pictures of each set of
    # bench/photo_accuracy.py and the inverses of the first two, 0.35 and 0.6 told all apart, 0.6
    # by the widest margin, and 0.9 all but 2)
    polarity_noise: float = 0.1  # ... counting only what differs from it by more than this (log ratio)
    speck_share: float = 0.0002  # pieces smaller than this share of the picture are dropped ...
    edge_piece: float = 0.1  # ... and pieces at the picture's edge smaller than this share of the largest


DEFAULT_PICTURE_SETTINGS = PictureSettings()


def image_to_mask(image: np.ndarray, settings: PictureSettings = DEFAULT_PICTURE_SETTINGS) -> np.ndarray:
    """Ink mask (H, W) uint8 0/1 of a picture: (H, W) or (H, W, 3|4) uint8 BGR(A), dark ink on
    light paper or light on dark, a scan, a screenshot or a phone photo.

    Phone photos light the paper unevenly (a gradient, a vignette, a shadow), so no single
    threshold splits ink from paper everywhere. The paper's brightness is estimated everywhere
    instead -- a morphological closing removes the strokes, which are narrower than its kernel
    -- and each pixel is judged by how much darker it is than the paper around it; Otsu's
    threshold then splits that darkness into ink and paper. Light ink on a dark background is
    inverted first. Specks, and small bits of shadow at the picture's edge, are dropped.
    """
    gray = _to_gray(image)
    view = _shrink(gray, settings.analysis_side)
    if _is_flat(view, settings):  # all black, all white, all one grey: nothing stands out
        return np.zeros(gray.shape, np.uint8)
    if not _ink_is_dark(view, settings):
        gray, view = 255 - gray, 255 - view
    small = _shrink(view, settings.paper_height * max(view.shape) / view.shape[0])
    paper, unevenness = _paper_brightness(gray, small, settings.paper_kernel)
    darkness = 255 - cv2.divide(gray, paper, scale=255)  # (H, W) uint8: 0 paper, 255 black ink
    darkness = cv2.GaussianBlur(darkness, (3, 3), 0)
    if int(darkness.max()) < min(settings.blank_below, settings.even_blank + unevenness) * 255:
        return np.zeros(gray.shape, np.uint8)
    otsu, _ = cv2.threshold(darkness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    floor = min(settings.ink_floor, settings.even_floor + unevenness) * 255
    _, mask = cv2.threshold(darkness, max(otsu, floor), 1, cv2.THRESH_BINARY)
    return _drop_specks(mask, settings)


def is_flat(image: np.ndarray, settings: PictureSettings = DEFAULT_PICTURE_SETTINGS) -> bool:
    """Whether a picture (H, W) or (H, W, 3|4) uint8 is one flat shade (pure black, pure white,
    one grey, noise aside): no contrast between paper and ink, so image_to_mask finds no ink."""
    return _is_flat(_shrink(_to_gray(image), settings.analysis_side), settings)


def _is_flat(view, settings):
    view = cv2.GaussianBlur(view, (3, 3), 0)  # (h, w) uint8, sensor noise smoothed
    return int(view.max()) - int(view.min()) < settings.flat_range


def _to_gray(image):
    """(H, W) or (H, W, 3|4) uint8 -> (H, W) uint8; transparent pixels become white."""
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f"expected an (H, W) or (H, W, C) image, got {getattr(image, 'shape', image)!r}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return image
    if image.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected 1, 3 or 4 channels, got {image.shape[2]}")
    if image.shape[2] == 1:
        return image[:, :, 0]
    if image.shape[2] == 4:  # transparent pixels are background
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _shrink(gray, side):
    """(H, W) uint8 area-averaged down to a longest side of `side` pixels (unchanged if smaller)."""
    height, width = gray.shape
    scale = side / max(height, width)
    if scale >= 1:
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def _ink_is_dark(view, settings: PictureSettings = DEFAULT_PICTURE_SETTINGS):
    """Whether a picture (H, W) uint8 has dark ink on light paper. Its border is paper: when the
    border is clearly among the brightest or darkest pixels that settles it (a tight crop of a
    bold digit, where ink may be most of the picture, is settled so). Otherwise -- a vignette
    darkens a dim photo's border most; a lamp to one side lights the paper from 70 on one side to
    230 on the other, so that the dim paper is darker than ink under the lamp -- the ink is what
    stands out from the paper around it (local_contrast): darker, or lighter."""
    view = cv2.GaussianBlur(view, (3, 3), 0)
    low, high = float(view.min()), float(view.max())
    if high - low < 1:
        return True
    border = np.concatenate([view[0], view[-1], view[:, 0], view[:, -1]])
    place = (float(np.median(border)) - low) / (high - low)  # 0 darkest .. 1 brightest
    if place > 0.75 or place < 0.25:
        return place > 0.75
    darker, lighter = local_contrast(view, settings)
    return darker >= lighter


def local_contrast(view: np.ndarray, settings: PictureSettings = DEFAULT_PICTURE_SETTINGS) -> tuple[float, float]:
    """(darker, lighter): how much of a picture (H, W) uint8 stands out darker, and how much
    lighter, than the median around it (a window settings.polarity_window x the picture's
    height): the mean of |log(pixel / median)| beyond settings.polarity_noise, over the pixels
    below and above it. Ink is a minority wherever the window is, so the median is the paper's
    brightness, and the median of a gradient over a window centred on a pixel is the pixel's own
    paper: dark ink scores high on `darker` whatever the light, light ink on `lighter`. Ratios,
    not differences: a stroke on paper at 70 is as dark, for its paper, as one on paper at 230."""
    small = _shrink(view, settings.polarity_height * max(view.shape) / view.shape[0])
    side = max(3, int(round(settings.polarity_window * small.shape[0])) | 1)  # odd
    margin = side // 2 + 1
    extended = cv2.copyMakeBorder(small, margin, margin, margin, margin, cv2.BORDER_REFLECT)
    paper = cv2.medianBlur(extended, side)[margin:-margin, margin:-margin]
    ratio = np.log((small.astype(np.float32) + 8.0) / (paper.astype(np.float32) + 8.0))  # +8: noise in the dark
    darker = float(np.mean(np.maximum(0.0, -ratio - settings.polarity_noise)))
    lighter = float(np.mean(np.maximum(0.0, ratio - settings.polarity_noise)))
    return darker, lighter


def _paper_brightness(gray, small, kernel_share):
    """(paper, unevenness): the brightness (H, W) uint8 of the paper under dark ink in `gray`
    (H, W) uint8, and how unevenly it is lit (0 for even light; 0.3 when the dimmest paper is
    30 % darker than the brightest), from `small`, the same picture shrunk. A closing (the
    max, then the min, over a disc) removes dark strokes narrower than the disc and keeps the
    light's slow changes; its width is kernel_share x the picture's height. The picture is
    extended past its edges by point reflection, which continues a gradient (a plain copy of
    the edge would make the closing flatten it there and see the dark edge of a photo as ink)."""
    side = max(3, int(round(kernel_share * small.shape[0])) | 1)  # odd
    margin = side // 2 + 1
    extended = np.pad(small.astype(np.int16), margin, mode="reflect", reflect_type="odd")
    extended = np.clip(extended, 0, 255).astype(np.uint8)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    paper = cv2.morphologyEx(extended, cv2.MORPH_CLOSE, disc, borderType=cv2.BORDER_REPLICATE)
    paper = paper[margin:-margin, margin:-margin]
    dimmest, brightest = np.percentile(paper, (1, 99))
    unevenness = 1.0 - float(dimmest) / max(float(brightest), 1.0)
    if paper.shape != gray.shape:
        paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.max(paper, gray), unevenness  # paper is never darker than the pixel on it


def _drop_specks(mask, settings):
    """An ink mask (H, W) uint8 without specks (settings.speck_share of the picture) and without
    small pieces touching the edge (settings.edge_piece of the largest piece): shadow and dirt."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return mask
    height, width = mask.shape
    areas = stats[1:, cv2.CC_STAT_AREA]
    left, top = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    right, bottom = left + stats[1:, cv2.CC_STAT_WIDTH], top + stats[1:, cv2.CC_STAT_HEIGHT]
    at_edge = (left == 0) | (top == 0) | (right == width) | (bottom == height)
    keep = np.zeros(count, np.uint8)  # label -> 1 for the pieces kept
    small_at_edge = at_edge & (areas < settings.edge_piece * areas.max())
    keep[1:] = (areas >= max(2, int(settings.speck_share * mask.size))) & ~small_at_edge
    return keep[labels]


# ----------------------------------------------------------------------------- segmentation
def split_digits(mask: np.ndarray, settings: PreprocessSettings = DEFAULT_SETTINGS) -> list[DigitInk]:
    """Split an ink mask into digits, left to right, each a DigitInk cropped to its ink.

    Connected pieces of ink are grouped into digits: pieces whose columns overlap (the bar of
    a 7, the flag of a 5, the strokes of a 4) and small fragments (the dot of a broken
    stroke) join the piece they belong to.
    """
    mask = check_mask(mask)
    if not mask.any():
        return []
    # Labelled within the ink's box only (the canvas around it is mostly empty); boxes are
    # given in the whole mask's coordinates.
    ink_box = _ink_bounds(mask)
    origin_x, origin_y = ink_box[0], ink_box[1]
    crop = mask[origin_y : ink_box[3], origin_x : ink_box[2]]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8, ltype=cv2.CV_16U)
    boxes = [
        [origin_x + int(stats[i, cv2.CC_STAT_LEFT]), origin_y + int(stats[i, cv2.CC_STAT_TOP]),
         origin_x + int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]),
         origin_y + int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT])]
        for i in range(1, count)
    ]
    groups = [[i] for i in range(1, count)]
    if len(groups) > settings.max_pieces:  # noise or a scribble: one piece, judged as a whole
        return [DigitInk(crop, ink_box)]
    tallest = max(box[3] - box[1] for box in boxes)
    merged = True
    while merged and len(groups) > 1:
        merged = False
        group_boxes = [union_box([boxes[i - 1] for i in group]) for group in groups]
        for a in range(len(groups)):
            partner = _merge_partner(a, group_boxes, tallest, settings)
            if partner is not None:
                groups[a] = groups[a] + groups[partner]
                del groups[partner]
                merged = True
                break
    group_boxes = [union_box([boxes[i - 1] for i in group]) for group in groups]
    order = sorted(range(len(groups)), key=lambda g: (group_boxes[g][0] + group_boxes[g][2]) / 2)
    digit_masks = []
    for g in order:
        left, top, right, bottom = group_boxes[g]
        window = labels[top - origin_y : bottom - origin_y, left - origin_x : right - origin_x]
        in_group = np.zeros(count, np.uint8)  # label -> 1 for this group's pieces
        in_group[groups[g]] = 1
        digit_masks.append(DigitInk(in_group[window], (left, top, right, bottom)))
    return digit_masks


def union_box(boxes):
    """The smallest (left, top, right, bottom) box holding every box given."""
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _merge_partner(index, boxes, tallest, settings):
    """The group that group `index` belongs with, or None."""
    left, top, right, bottom = boxes[index]
    width, height = right - left, bottom - top
    is_fragment = max(width, height) < settings.fragment_size * tallest
    best, best_distance = None, None
    for other, (other_left, other_top, other_right, other_bottom) in enumerate(boxes):
        if other == index:
            continue
        overlap = min(right, other_right) - max(left, other_left)
        narrower = max(1, min(width, other_right - other_left))
        if overlap >= settings.merge_overlap * narrower:
            return other
        if is_fragment:
            gap_x = max(0, max(left, other_left) - min(right, other_right))
            gap_y = max(0, max(top, other_top) - min(bottom, other_bottom))
            distance = np.hypot(gap_x, gap_y)
            if best_distance is None or distance < best_distance:
                best, best_distance = other, distance
    if best is not None and best_distance <= settings.fragment_size * tallest:
        return best
    return None


# ----------------------------------------------------------------------------- one digit
def estimate_stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width of an ink mask in pixels (twice the distance to the edge along the ridges)."""
    mask = check_mask(mask)
    if not mask.any():
        return 0.0
    framed = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)  # ink ends at the edge
    return _width_from_distances(cv2.distanceTransform(framed, cv2.DIST_L2, cv2.DIST_MASK_5))


def _width_from_distances(inside):
    ridge = (inside > 0) & (inside >= cv2.dilate(inside, np.ones((3, 3), np.uint8)))
    return float(max(1.0, 2.0 * np.median(inside[ridge]) - 1.0))


def ink_length_ratio(mask: np.ndarray) -> float:
    """Length of the pen's path in an ink mask (H, W) uint8, over the longest side of its box.

    A stroke's outline runs along both its sides, so half the outline's length is the path's
    length whatever the brush: a 1 is about 1, an 8 about 3, and a tangle of strokes far more
    (a scribble, not a digit). Outlines are straightened to within a pixel first, so the
    staircase of a slanted edge does not count as extra length.
    """
    return outline_measures(mask)[0]


def stroke_share(mask: np.ndarray) -> float:
    """Stroke width of an ink mask (H, W) uint8 as a share of its box's longest side: about
    0.1 for MNIST's digits, near 1 for a patch coloured in solid. Measured at the working
    resolution (longest side 64-96 pixels), as preprocessing sees the ink: a share needs no
    more, and a large drawing costs no more than a small one."""
    mask = check_mask(mask)
    if not mask.any():
        return 0.0
    work = _to_working_scale(_crop(mask))
    return estimate_stroke_width(work) / max(work.shape)


def ink_depth(image: np.ndarray) -> float:
    """How far, in pixels, the deepest ink of a digit image (28, 28) float32 lies from the
    nearest background (ink: > 0.5). Strokes of MNIST's width are about 2 deep; a patch
    scribbled solid is much deeper."""
    return float(cv2.distanceTransform((image > 0.5).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5).max())


def count_holes(mask: np.ndarray, min_size: float = 0.04) -> int:
    """Enclosed background regions of an ink mask (H, W) uint8: 0 has one, 8 two, a net of
    crossing strokes many. Holes narrower than min_size x the box's longest side (where
    strokes merely touch or overlap) are not counted."""
    return outline_measures(mask, min_size)[1]


def outline_measures(mask: np.ndarray, min_size: float = 0.04) -> tuple[float, int]:
    """(ink_length_ratio, count_holes) of an ink mask (H, W) uint8, from one tracing of its
    outlines (the two are asked together for every digit recognised)."""
    mask = check_mask(mask)
    if not mask.any():
        return 0.0, 0
    crop = _crop(mask)
    longest = max(crop.shape)
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    outline = sum(cv2.arcLength(cv2.approxPolyDP(contour, 1.0, True), True) for contour in contours)
    smallest = (min_size * longest) ** 2
    holes = sum(1 for contour, links in zip(contours, hierarchy[0], strict=True)
                if links[3] >= 0 and cv2.contourArea(contour) >= smallest)  # links[3]: parent
    return float(outline / 2.0 / longest), holes


def _ink_bounds(mask):
    """(left, top, right, bottom), right and bottom exclusive, of the ink of a mask that has some."""
    left, top, width, height = cv2.boundingRect(mask)  # of the non-zero pixels, in C: no row/column scans
    return left, top, left + width, top + height


def _crop(mask):
    left, top, right, bottom = _ink_bounds(mask)
    return mask[top:bottom, left:right]


def _to_working_scale(crop):
    """Resize a cropped mask so its longest side is within [WORK_MIN_SIDE, WORK_MAX_SIDE]."""
    height, width = crop.shape
    longest = max(height, width)
    target = min(max(longest, WORK_MIN_SIDE), WORK_MAX_SIDE)
    if target == longest:
        return crop
    scale = target / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if scale < 1:  # area-average, then keep any pixel a stroke covers a fifth of; a stroke too
        # thin for that (a 1-pixel line shrunk five-fold) keeps its best-covered pixels instead
        resized = cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        return (resized > min(0.2, 0.5 * float(resized.max()))).astype(np.uint8)
    resized = cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
    return (resized >= 0.5).astype(np.uint8)


def normalise_thickness(mask: np.ndarray, stroke_width: float) -> np.ndarray:
    """Soft ink (H', W') float32 in [0, 1] whose strokes, once fitted to 20 pixels, are `stroke_width` wide.

    Growing strokes also grows the box they are fitted into, so the change is solved for:
    with L the longest side and b the stroke width now, the change d satisfies
    (b + d) * 20 / (L + d) = stroke_width.
    """
    work = _to_working_scale(_crop(check_mask(mask)))
    work = cv2.copyMakeBorder(work, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    inside = cv2.distanceTransform(work, cv2.DIST_L2, cv2.DIST_MASK_5)
    current = _width_from_distances(inside)
    longest = max(work.shape)
    ratio = stroke_width / MNIST_BOX
    change = (ratio * longest - current) / (1.0 - ratio)
    change = max(change, 1.0 - current)  # never thinner than one pixel
    margin = int(np.ceil(max(change, 0.0) / 2.0)) + 1
    work = cv2.copyMakeBorder(work, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=0)
    # distances to the nearest background do not change with more background around it
    inside = cv2.copyMakeBorder(inside, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=0)
    outside = cv2.distanceTransform(1 - work, cv2.DIST_L2, cv2.DIST_MASK_5)
    signed = np.where(work > 0, inside - 0.5, 0.5 - outside)  # > 0 inside the ink
    return np.clip(signed + change / 2.0 + 0.5, 0.0, 1.0).astype(np.float32)


def fit_and_centre(ink: np.ndarray) -> np.ndarray:
    """MNIST framing of soft ink (H, W) float32: fit 20x20 keeping aspect, centre of mass at (14, 14).

    Returns (28, 28) float32 in [0, 1], white ink on black, brightest pixel 1.
    """
    left, top, right, bottom = _ink_bounds((ink > 0.02).view(np.uint8))
    ink = ink[top:bottom, left:right]
    height, width = ink.shape
    scale = MNIST_BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(ink, size, interpolation=interpolation)
    canvas = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    top, left = (MNIST_SIZE - size[1]) // 2, (MNIST_SIZE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = small
    moments = cv2.moments(canvas)
    if moments["m00"] > 0:
        shift_x = MNIST_CENTRE - moments["m10"] / moments["m00"]
        shift_y = MNIST_CENTRE - moments["m01"] / moments["m00"]
        matrix = np.float32([[1, 0, shift_x], [0, 1, shift_y]])
        canvas = cv2.warpAffine(canvas, matrix, (MNIST_SIZE, MNIST_SIZE), flags=cv2.INTER_LINEAR, borderValue=0.0)
    peak = float(canvas.max())
    if peak > 0:
        canvas /= peak
    return np.clip(canvas, 0.0, 1.0)


def digit_to_mnist(mask: np.ndarray, settings: PreprocessSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """One digit's ink mask (H, W) uint8 -> (28, 28) float32 in [0, 1], white ink on black."""
    mask = check_mask(mask)
    if not mask.any():
        raise ValueError("ink mask has no ink")
    return fit_and_centre(normalise_thickness(mask, settings.stroke_width))


def mask_to_digits(mask: np.ndarray, settings: PreprocessSettings = DEFAULT_SETTINGS) -> list[np.ndarray]:
    """All digits of an ink mask, left to right, each (28, 28) float32; [] when there is no ink."""
    mask = check_mask(mask)
    if np.count_nonzero(mask) < settings.min_ink_pixels:
        return []
    return [digit_to_mnist(digit.mask, settings) for digit in split_digits(mask, settings)]
