import struct
import zlib

import cv2
import numpy as np
import pytest

from digitpad import pictures
from digitpad.pictures import PictureError, picture_size, read_picture

PIXELS = (np.random.default_rng(0).random((37, 53, 3)) * 255).astype(np.uint8)  # (H, W, 3) noise


def encoded(extension, image=PIXELS, *params) -> bytes:
    ok, buffer = cv2.imencode(extension, image, list(params))
    assert ok
    return buffer.tobytes()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(side=30000) -> bytes:
    """A real side x side 1-bit white PNG: 150 kB on disk, 900 MB once decoded."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row * 100) for _ in range(side // 100)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


FORMATS = [
    (".png", "PNG", ()), (".jpg", "JPEG", ()), (".jpg", "JPEG", (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
    (".bmp", "BMP", ()), (".webp", "WebP", (cv2.IMWRITE_WEBP_QUALITY, 80)),
    (".webp", "WebP", (cv2.IMWRITE_WEBP_QUALITY, 101)),  # lossless
    (".tiff", "TIFF", ()), (".ppm", "PNM", ()), (".pam", "PNM", ()),
]


@pytest.mark.parametrize("extension, kind, params", FORMATS)
def test_size_is_read_from_the_header(extension, kind, params):
    assert picture_size(encoded(extension, PIXELS, *params)) == (kind, 53, 37)


@pytest.mark.parametrize("extension", [".pgm", ".pbm"])
def test_size_of_grey_and_bilevel_pictures(extension):
    assert picture_size(encoded(extension, PIXELS[:, :, 0])) == ("PNM", 53, 37)


def test_size_of_a_webp_with_alpha():
    data = encoded(".webp", np.dstack([PIXELS, np.full(PIXELS.shape[:2], 128, np.uint8)]), cv2.IMWRITE_WEBP_QUALITY, 90)
    assert data[12:16] == b"VP8X" and picture_size(data) == ("WebP", 53, 37)


def test_jpeg_size_is_the_frame_not_an_exif_thumbnail():
    thumbnail = encoded(".jpg", PIXELS[:8, :8])  # a JPEG inside the APP1 segment, before the frame
    segment = b"Exif\x00\x00" + thumbnail
    data = encoded(".jpg")
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + data[2:]
    assert picture_size(data) == ("JPEG", 53, 37)


def with_size(extension, width, height) -> bytes:
    """A small picture whose header says width x height."""
    data = bytearray(encoded(extension))
    if extension == ".png":
        data[16:24] = struct.pack(">II", width, height)
    elif extension == ".jpg":
        frame = data.index(b"\xff\xc0")
        data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    elif extension == ".bmp":
        data[18:26] = struct.pack("<ii", width, -height)
    elif extension == ".tiff":
        order = "<"
        (offset,) = struct.unpack(order + "I", data[4:8])
        (entries,) = struct.unpack(order + "H", data[offset : offset + 2])
        for index in range(entries):
            start = offset + 2 + 12 * index
            tag, kind = struct.unpack(order + "HH", data[start : start + 4])
            if tag in (256, 257):
                data[start + 2 : start + 12] = struct.pack(order + "HII", 4, 1, width if tag == 256 else height)
    return bytes(data)


def webp_with_size(side) -> bytes:
    """A small lossless WebP whose header says side x side (14 bits each of width-1, height-1)."""
    data = bytearray(encoded(".webp", PIXELS, cv2.IMWRITE_WEBP_QUALITY, 101))
    (bits,) = struct.unpack("<I", data[21:25])
    data[21:25] = struct.pack("<I", (side - 1) | ((side - 1) << 14) | (bits & 0xF0000000))
    return bytes(data)


@pytest.mark.parametrize("extension", [".png", ".jpg", ".bmp", ".tiff", ".webp"])
def test_oversized_headers_are_refused_before_decoding(extension, tmp_path, monkeypatch):
    side = 16000 if extension == ".webp" else 30000  # WebP stores at most 16384
    path = tmp_path / f"huge{extension}"
    path.write_bytes(webp_with_size(side) if extension == ".webp" else with_size(extension, side, side))
    assert picture_size(path.read_bytes())[1:] == (side, side)

    def no_decoding(*arguments):
        raise AssertionError("decoded a picture refused by its header")

    monkeypatch.setattr(cv2, "imdecode", no_decoding)
    with pytest.raises(PictureError, match=rf"huge\{extension}: picture too large \({side}x{side} pixels"):
        read_picture(path)


def test_a_real_decompression_bomb_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(huge_png())
    assert path.stat().st_size < 1_000_000
    monkeypatch.setattr(cv2, "imdecode", lambda *arguments: pytest.fail("decoded the bomb"))
    with pytest.raises(PictureError, match="bomb.png: picture too large"):
        read_picture(path)


def test_the_pixel_limit_is_a_parameter(tmp_path):
    path = tmp_path / "small.png"
    path.write_bytes(encoded(".png"))
    assert read_picture(path).shape == (37, 53, 3)
    with pytest.raises(PictureError, match="too large"):
        read_picture(path, max_pixels=100)


@pytest.mark.parametrize("data, reason", [
    (b"GIF89a\x10\x00\x10\x00", "GIF pictures are not read"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "not a picture digitpad can read"),  # JPEG 2000
    (b"#?RADIANCE\n", "not a picture digitpad can read"),
    (b"P6 is a word too", "damaged PNM header"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "damaged PNG header"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "damaged JPEG header"),
    (b"\xff\xd8\xff\xd9", "damaged JPEG header"),
])
def test_unreadable_headers_say_why(data, reason):
    with pytest.raises(ValueError, match=reason):
        picture_size(data)


def test_truncated_png_gives_one_error_and_nothing_from_native_code(tmp_path, capfd):
    data = encoded(".png")
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PictureError, match="cut.png: damaged or truncated PNG file"):
        read_picture(path)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def lying_png(tail: bytes) -> bytes:
    """A PNG signature and a valid 100x100 header, then `tail`."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100, 100, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + tail


# 141 bytes whose second chunk says it holds 2 GB (OpenCV would allocate them), and the header
# followed by random bytes (whatever length they spell)
LYING_PNGS = [lying_png(struct.pack(">I", 0x7FFFFFFF) + b"IDAT" + bytes(range(100))),
              *(lying_png(np.random.default_rng(seed).bytes(108)) for seed in range(20))]


@pytest.mark.parametrize("data", LYING_PNGS)
def test_png_chunks_are_checked_before_decoding(data, tmp_path, monkeypatch, capfd):
    path = tmp_path / "lying.png"
    path.write_bytes(data)
    monkeypatch.setattr(cv2, "imdecode", lambda *arguments: pytest.fail("decoded a PNG whose chunks lie"))
    with pytest.raises(PictureError, match=r"lying.png: (damaged|damaged or truncated) PNG file \(.*chunk"):
        read_picture(path)
    assert capfd.readouterr().err == ""


def test_the_two_gigabyte_chunk_is_named():
    with pytest.raises(ValueError, match="chunk IDAT at byte 33 claims 2147483647 bytes, only 100 follow"):
        picture_size(LYING_PNGS[0])


@pytest.mark.parametrize("data, reason", [
    (lying_png(b""), "truncated PNG file"),  # no IEND
    (lying_png(png_chunk(b"ID4T", b"")), "no valid type"),
    (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0) + b"\0"),
     "IHDR chunk of 14 bytes"),
    (b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"a\0b") + png_chunk(b"IHDR", bytes(13)), "no IHDR chunk"),
])
def test_damaged_png_structure_says_why(data, reason):
    with pytest.raises(ValueError, match=reason):
        picture_size(data)


def test_png_with_extra_chunks_and_trailing_bytes_still_reads(tmp_path):
    data = encoded(".png")
    text = png_chunk(b"tEXt", b"Comment\0scanned")
    path = tmp_path / "extra.png"
    path.write_bytes(data[:33] + text + data[33:] + b"trailing bytes after IEND")
    assert read_picture(path).shape == (37, 53, 3)


def test_grey_reading(tmp_path):
    path = tmp_path / "colour.png"
    path.write_bytes(encoded(".png"))
    assert read_picture(path, grey=True).shape == (37, 53)


def exif_orientation_segment(orientation: int) -> bytes:
    """An APP1 EXIF segment holding only the Orientation tag (0x0112)."""
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
    tiff += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def test_phone_jpegs_are_turned_upright(tmp_path):
    """Phones store portrait photos sideways with EXIF orientation 6 ("turn 90 degrees clockwise")."""
    data = encoded(".jpg")
    path = tmp_path / "portrait.jpg"
    path.write_bytes(data[:2] + exif_orientation_segment(6) + data[2:])
    image = read_picture(path)
    assert image.shape == (53, 37)  # grey, and turned


def test_alpha_and_16_bit_pictures(tmp_path):
    rgba = np.dstack([PIXELS, np.full(PIXELS.shape[:2], 255, np.uint8)])
    (tmp_path / "rgba.png").write_bytes(encoded(".png", rgba))
    assert read_picture(tmp_path / "rgba.png").shape == (37, 53, 4)
    deep = PIXELS[:, :, 0].astype(np.uint16) * 257
    (tmp_path / "deep.png").write_bytes(encoded(".png", deep))
    image = read_picture(tmp_path / "deep.png")
    assert image.dtype == np.uint8 and image.shape == (37, 53)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.png", b"", "empty file"), ("notes.txt", b"not a picture", "not a picture digitpad can read"),
])
def test_files_that_are_not_pictures(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(PictureError, match=f"{name}: {reason}"):
        read_picture(tmp_path / name)


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(PictureError, match="cannot open"):
        read_picture(tmp_path / "missing.png")
    with pytest.raises(PictureError, match="not a file"):
        read_picture(tmp_path)


def test_files_too_large_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(pictures, "MAX_FILE_BYTES", 100)
    (tmp_path / "big.png").write_bytes(encoded(".png"))
    with pytest.raises(PictureError, match="file too large"):
        read_picture(tmp_path / "big.png")
