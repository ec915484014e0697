"""Picture files for `predict`: their size read from the header, then decoded, safely.

A picture is measured before it is decoded: a PNG of under a megabyte can hold 30000x30000
pixels (a decompression bomb) and decoding it costs gigabytes. OpenCV has a limit of its own
(OPENCV_IO_MAX_IMAGE_PIXELS), but it reads that variable once, when its library loads, and
its default is 2^30 pixels, far above ours: it is set by cli.py before anything loads OpenCV,
as a second line of defence only.

The headers are read here rather than by a library: PIL is not shipped, and imagesize (the
small one) also carries HTTP and SVG code the executable would have to bundle; each format
needs a few lines of struct parsing, and a format not parsed here is refused, never guessed.
"""

import pathlib
import re
import struct

import numpy as np

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read
MAX_PIXELS = 40_000_000  # larger pictures are refused from their header, before decoding
READABLE = "PNG, JPEG, BMP, TIFF, WebP, PBM/PGM/PPM"  # the formats named in messages


class PictureError(ValueError):
    """A picture file that cannot be read; the message names the file and says why."""


class DamagedFile(ValueError):
    """A picture whose structure past its header is broken; the message says it all."""


def read_picture(path: pathlib.Path, max_pixels: int | None = None, grey: bool = False) -> np.ndarray:
    """(H, W) or (H, W, C) uint8 pixels of a picture file, JPEGs turned as their EXIF
    orientation says, always (H, W) with `grey`; PictureError, naming the file, for anything
    else. The file's size, its header and (PNG) its chunks are checked before decoding, and
    the size the header gives against max_pixels (None: MAX_PIXELS)."""
    max_pixels = MAX_PIXELS if max_pixels is None else max_pixels
    path = pathlib.Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise PictureError(f"{path}: cannot open ({error.strerror or error})") from error
    if not path.is_file():
        raise PictureError(f"{path}: not a file")
    if size == 0:
        raise PictureError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise PictureError(f"{path}: file too large ({size / 1e6:.0f} MB, at most {MAX_FILE_BYTES / 1e6:.0f} MB)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PictureError(f"{path}: cannot read ({error.strerror or error})") from error
    try:
        kind, width, height = picture_size(data)
    except ValueError as error:
        raise PictureError(f"{path}: {error}") from error
    if width * height > max_pixels:
        raise PictureError(f"{path}: picture too large ({width}x{height} pixels, at most {max_pixels / 1e6:g} million)")
    import cv2  # only now: a refused file costs no OpenCV

    from digitpad.model import quiet_native_stderr

    # JPEG: straight to grey (all recognition needs), turned upright by its EXIF orientation,
    # which only IMREAD_UNCHANGED ignores; the others keep their alpha channel (transparent = paper)
    flags = cv2.IMREAD_GRAYSCALE if kind == "JPEG" or grey else cv2.IMREAD_UNCHANGED
    try:
        with quiet_native_stderr():  # libpng and OpenCV print their own warnings on damaged files
            image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error as error:  # OpenCV's own size limit, or a decoder giving up
        raise PictureError(f"{path}: cannot decode this {kind} picture ({_first_line(error)})") from error
    if image is None or image.size == 0:
        raise PictureError(f"{path}: cannot decode this {kind} picture (damaged, truncated, or a kind of {kind} "
                           "this build cannot read)")
    if image.shape[0] * image.shape[1] > max_pixels:  # a header that lied
        raise PictureError(f"{path}: picture too large ({image.shape[1]}x{image.shape[0]} pixels)")
    if image.dtype != np.uint8:  # 16-bit or floating-point pictures
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return image


def _first_line(error) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def picture_size(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) of a picture file's bytes, from its header alone; ValueError
    saying what is wrong when the format is not one digitpad reads or the header is damaged."""
    for signature, kind, reader in _FORMATS:
        if data.startswith(signature):
            try:
                width, height = reader(data)
            except (struct.error, IndexError) as error:
                raise ValueError(f"damaged {kind} header (truncated)") from error
            except DamagedFile:
                raise
            except ValueError as error:
                raise ValueError(f"damaged {kind} header ({error})") from error
            if width <= 0 or height <= 0:
                raise ValueError(f"damaged {kind} header ({width}x{height} pixels)")
            return kind, width, height
    if data.startswith((b"GIF87a", b"GIF89a")):
        raise ValueError(f"GIF pictures are not read; save it as PNG ({READABLE})")
    raise ValueError(f"not a picture digitpad can read ({READABLE})")


PNG_MAX_LENGTH = 2**31 - 1  # the largest chunk length the PNG specification allows
_PNG_CHUNK_TYPE = re.compile(rb"[A-Za-z]{4}")


def _png_size(data):
    """IHDR's size, once every chunk is checked to lie within the file: OpenCV's PNG reader
    allocates whatever length a chunk declares before reading it, so 141 bytes saying 2 GB
    would cost 2 GB (issue 22). The chunks are walked to IEND: each one's length, type, data
    and CRC must fit in what is left of the file; DamagedFile when they do not."""
    if data[12:16] != b"IHDR":  # the first chunk must be the header
        raise ValueError("no IHDR chunk")
    (length,) = struct.unpack(">I", data[8:12])
    if length != 13:
        raise ValueError(f"IHDR chunk of {length} bytes, not 13")
    position = 8
    while True:
        if position + 12 > len(data):
            raise DamagedFile(f"truncated PNG file (it ends at byte {len(data)}, before its IEND chunk)")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if not _PNG_CHUNK_TYPE.fullmatch(kind):
            raise DamagedFile(f"damaged PNG file (the chunk at byte {position} has no valid type)")
        name = kind.decode("ascii")
        if length > PNG_MAX_LENGTH:
            raise DamagedFile(f"damaged PNG file (chunk {name} at byte {position} claims {length} bytes, "
                              "over the PNG limit)")
        left = len(data) - position - 8  # bytes after the chunk's type: its data and CRC
        if length + 4 > left:
            raise DamagedFile(f"damaged or truncated PNG file (chunk {name} at byte {position} claims {length} "
                              f"bytes, only {max(left, 0)} follow)")
        if kind == b"IEND":
            break
        position += 12 + length
    return struct.unpack(">II", data[16:24])


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # markers without a length: TEM, RSTn, SOI
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOFn; C4, C8, CC are not frames


def _jpeg_size(data):
    """Walks the segments to the first frame header (SOFn), skipping EXIF and the others by
    their lengths, so a thumbnail inside EXIF is never taken for the picture."""
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("segment does not start with 0xFF")
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            raise ValueError("no frame header")
        (length,) = struct.unpack(">H", data[position : position + 2])
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[position + 3 : position + 7])
            if height == 0:
                raise ValueError("height given after the scan (DNL)")
            return width, height
        if length < 2:
            raise ValueError("segment length below 2")
        position += length


def _bmp_size(data):
    (header_size,) = struct.unpack("<I", data[14:18])
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: 16-bit unsigned sizes
        return struct.unpack("<HH", data[18:22])
    width, height = struct.unpack("<ii", data[18:26])
    return width, abs(height)  # a negative height means rows stored top-down


def _webp_size(data):
    if data[8:12] != b"WEBP":
        raise ValueError("RIFF file that is not WebP")
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: a key frame's start code, then 14-bit sizes
        if data[23:26] != b"\x9d\x01\x2a":
            raise ValueError("no VP8 start code")
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: signature 0x2F, then 14 bits each of width-1 and height-1
        if data[20] != 0x2F:
            raise ValueError("no VP8L signature")
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: the canvas, 24 bits each of width-1 and height-1
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise ValueError(f"unknown WebP chunk {chunk!r}")


def _tiff_size(data):
    """The first page's ImageWidth (256) and ImageLength (257): the page OpenCV decodes."""
    order = "<" if data[:2] == b"II" else ">"
    (version,) = struct.unpack(order + "H", data[2:4])
    big = version == 43  # BigTIFF: 8-byte offsets and counts
    if big:
        (offset,) = struct.unpack(order + "Q", data[8:16])
        count_format, entry_format, entry_size = "Q", "HHQ8s", 20
    else:
        (offset,) = struct.unpack(order + "I", data[4:8])
        count_format, entry_format, entry_size = "H", "HHI4s", 12
    count_size = struct.calcsize(count_format)
    (entries,) = struct.unpack(order + count_format, data[offset : offset + count_size])
    found = {}
    for index in range(min(entries, 4096)):
        start = offset + count_size + index * entry_size
        tag, kind, _, value = struct.unpack(order + entry_format, data[start : start + entry_size])
        if tag in (256, 257):
            value_format = {3: "H", 4: "I", 16: "Q"}.get(kind)
            if value_format is None:
                raise ValueError(f"size tag {tag} of type {kind}")
            found[tag] = struct.unpack(order + value_format, value[: struct.calcsize(value_format)])[0]
    if 256 not in found or 257 not in found:
        raise ValueError("no width or height in the first page")
    return found[256], found[257]


_PNM_NUMBER = re.compile(rb"(?:\s|#[^\n]*\n)+(\d+)")


def _pnm_size(data):
    """P1-P6: two numbers after the magic, with whitespace and # comments between; P7 (PAM):
    WIDTH and HEIGHT lines."""
    header = data[:4096]
    if header[:2] == b"P7":
        width = re.search(rb"\nWIDTH\s+(\d+)", header)
        height = re.search(rb"\nHEIGHT\s+(\d+)", header)
        if not (width and height):
            raise ValueError("no WIDTH or HEIGHT")
        return int(width.group(1)), int(height.group(1))
    first = _PNM_NUMBER.match(header, 2)
    second = _PNM_NUMBER.match(header, first.end()) if first else None
    if not second:
        raise ValueError("no width and height")
    return int(first.group(1)), int(second.group(1))


_FORMATS = [  # (signature, name, size reader)
    (b"\x89PNG\r\n\x1a\n", "PNG", _png_size),
    (b"\xff\xd8\xff", "JPEG", _jpeg_size),
    (b"BM", "BMP", _bmp_size),
    (b"RIFF", "WebP", _webp_size),
    (b"II*\x00", "TIFF", _tiff_size),
    (b"MM\x00*", "TIFF", _tiff_size),
    (b"II+\x00", "TIFF", _tiff_size),
    (b"MM\x00+", "TIFF", _tiff_size),
    *((f"P{n}{space}".encode(), "PNM", _pnm_size) for n in range(1, 8) for space in " \t\r\n"),
]
