"""Palette PNGs into WeasyPrint PDFs without decoding and re-encoding them.

The charts are 8-bit palette PNGs (:mod:`qmlib.figures` quantises them). WeasyPrint 70
converts every non-JPEG image to RGB and encodes it as PNG twice (once when it is loaded,
once more when the PDF is written) — about 0.45 CPU s for the eleven charts of a report.
A PDF can hold such an image as it is: the PNG's compressed ``IDAT`` stream with the PNG
predictor (``/FlateDecode``, ``/Predictor 15``) in an ``/Indexed`` colour space built from
its ``PLTE`` palette (PDF 1.7, ISO 32000-1, §7.4.4.4 and §8.6.6.3; the same route as
img2pdf). The pixels are the same; only the work is gone.

:func:`install` swaps WeasyPrint's ``RasterImage`` for :class:`IndexedPNG`, which takes the
short route only for non-interlaced 8-bit palette PNGs without transparency and with no
WeasyPrint image option that needs the pixels (``optimize_images``, ``dpi``, rotation);
every other image goes WeasyPrint's own way. It is installed only on the WeasyPrint
versions it was checked against (:data:`CHECKED_VERSIONS`).
"""

from __future__ import annotations

import struct
import zlib

#: WeasyPrint major versions whose ``RasterImage`` this subclass was checked against.
CHECKED_VERSIONS = ("70",)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def palette_png(data: bytes) -> tuple[int, int, bytes, bytes] | None:
    """``(width, height, palette, idat)`` of an 8-bit, non-interlaced palette PNG without
    transparency; None for any other image (or a damaged PNG)."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    pos, end = len(PNG_SIGNATURE), len(data)
    header = None
    palette = b""
    idat: list[bytes] = []
    while pos + 8 <= end:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            return None
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"tRNS":
            return None  # transparency needs a soft mask: WeasyPrint's route
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        return None
    width, height, depth, colour, compression, filtering, interlace = header
    if depth != 8 or colour != 3 or compression or filtering or interlace or not palette or not idat:
        return None
    if len(palette) % 3 or not 3 <= len(palette) <= 768:
        return None
    return width, height, palette, b"".join(idat)


def _check_stream(width: int, height: int, idat: bytes) -> bool:
    """True when ``idat`` inflates to ``height`` rows of one filter byte + ``width`` indexes."""
    try:
        return len(zlib.decompress(idat)) == height * (width + 1)
    except zlib.error:
        return False


def install() -> bool:
    """Let WeasyPrint embed palette PNGs as they are; True when installed (idempotent)."""
    import weasyprint
    import weasyprint.images as images

    if getattr(images.RasterImage, "qm_indexed_png", False):
        return True
    if weasyprint.__version__.split(".")[0] not in CHECKED_VERSIONS:
        return False
    images.RasterImage = _indexed_png_class(images.RasterImage)
    return True


def _indexed_png_class(base: type) -> type:
    import pydyf

    class IndexedPNG(base):
        """WeasyPrint's ``RasterImage``, with palette PNGs kept as they are (see the module)."""

        qm_indexed_png = True

        def __init__(self, pillow_image, image_id, image_data, filename=None, cache=None,
                     orientation="none", options=None, **kwargs):  # fmt: skip
            from weasyprint import DEFAULT_OPTIONS

            opts = DEFAULT_OPTIONS if options is None else options
            found = None
            if (
                image_data
                and not kwargs
                and getattr(pillow_image, "format", None) == "PNG"
                and pillow_image.mode == "P"
                and not opts.get("optimize_images")
                and not opts.get("dpi")
                and "transparency" not in pillow_image.info
                and orientation in ("none", "from-image")
                and not _rotated(pillow_image, orientation)
            ):
                found = palette_png(bytes(image_data))
                if found is not None and not _check_stream(found[0], found[1], found[3]):
                    found = None
            if found is None:
                super().__init__(
                    pillow_image, image_id, image_data, filename, cache, orientation, opts, **kwargs
                )
                self._qm_palette = None
                return
            width, height, palette, idat = found
            self.id = image_id
            self._cache = {} if cache is None else cache
            self._jpeg_quality = opts.get("jpeg_quality")
            self._dpi = None
            self.mode = "P"
            self.width, self.height = width, height
            self.ratio = width / height if height else float("inf")
            self.optimize = False
            self.invert_colors = False
            self.format = "PNG"
            self.image_data = self.cache_image_data(image_data, filename)
            self._qm_palette = (palette, idat)

        def get_x_object(self, interpolate, dpi_ratio):
            if self._qm_palette is None or dpi_ratio != 1:
                return super().get_x_object(interpolate, dpi_ratio)
            palette, idat = self._qm_palette
            extra = pydyf.Dictionary(
                {
                    "Type": "/XObject",
                    "Subtype": "/Image",
                    "Width": self.width,
                    "Height": self.height,
                    "ColorSpace": pydyf.Array(
                        ["/Indexed", "/DeviceRGB", len(palette) // 3 - 1, f"<{palette.hex()}>"]
                    ),
                    "BitsPerComponent": 8,
                    "Interpolate": "true" if interpolate else "false",
                    "Filter": "/FlateDecode",
                    "DecodeParms": pydyf.Dictionary(
                        {"Predictor": 15, "Colors": 1, "BitsPerComponent": 8, "Columns": self.width}
                    ),
                }
            )
            return pydyf.Stream([self.cache_image_data(idat, slot="stream")], extra)

    return IndexedPNG


def _rotated(pillow_image, orientation: str) -> bool:
    """True when WeasyPrint would turn the image (EXIF orientation other than 1)."""
    if orientation != "from-image":
        return False
    try:
        return int(pillow_image.getexif().get(0x0112, 1)) != 1
    except Exception:
        return True
