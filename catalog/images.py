"""Product pictures: which uploads are accepted, and the listing thumbnail.

An upload is checked from its header before any pixel is decoded, so a small
file that would inflate to gigabytes (a decompression bomb) is refused
without ever being inflated.
"""

import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format names, and the extension a stored picture gets.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Thumbnails are squares of this many pixels; product cards say so in
# their <img width height>, so the grid does not shift as pictures arrive.
THUMBNAIL_SIZE = 320
# Category pictures show at 40-140 CSS pixels (tiles and the listing's rail);
# pages offer this size first and the full picture to dense screens.
CATEGORY_THUMBNAIL_SIZE = 160


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def image_check(upload) -> str:
    """Return the upload's extension, or raise ValidationError saying what is wrong.

    Accepts JPEG, PNG and WebP within SHOP_MAX_IMAGE_BYTES and
    SHOP_MAX_IMAGE_PIXELS. Leaves the file at its start.
    """
    max_bytes = settings.SHOP_MAX_IMAGE_BYTES
    max_pixels = settings.SHOP_MAX_IMAGE_PIXELS
    if upload.size > max_bytes:
        raise ValidationError(
            f"This picture is {_megabytes(upload.size)} MB; a picture may be at "
            f"most {_megabytes(max_bytes)} MB.",
            code="image_too_large",
        )
    too_many_pixels = ValidationError(
        f"This picture has too many pixels; a picture may have at most "
        f"{max_pixels / 1_000_000:g} megapixels.",
        code="image_too_many_pixels",
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; a warning is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:
                if picture.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG or WebP picture.", code="image_format"
                    )
                width, height = picture.size
                if width * height > max_pixels:
                    raise too_many_pixels
                picture.verify()
                extension = ALLOWED_FORMATS[picture.format]
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not a picture, or it is damaged. "
            "Upload a JPEG, PNG or WebP picture.",
            code="image_invalid",
        ) from exc
    finally:
        upload.seek(0)
    return extension


def thumbnail_render(source, size: int = THUMBNAIL_SIZE) -> ContentFile:
    """Return a `size` square WebP of the picture, centred on white."""
    with Image.open(source) as picture:
        # JPEG can decode at a fraction of its size, which is much faster.
        picture.draft("RGB", (size * 2, size * 2))
        picture = ImageOps.exif_transpose(picture)
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        canvas = Image.new("RGB", (size, size), "white")
        offset = ((size - picture.width) // 2, (size - picture.height) // 2)
        if picture.mode in ("RGBA", "LA", "P", "PA"):
            picture = picture.convert("RGBA")
            canvas.paste(picture, offset, picture)
        else:
            canvas.paste(picture.convert("RGB"), offset)
    buffer = BytesIO()
    canvas.save(buffer, "WEBP", quality=80, method=4)
    return ContentFile(buffer.getvalue())
