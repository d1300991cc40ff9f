"""Uploads for picture tests, made with Pillow in memory."""

from io import BytesIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def picture_upload(
    *, format="JPEG", size=(800, 600), mode="RGB", name=None
) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(mode, size, "green" if mode != "1" else 0).save(buffer, format)
    extension = {"JPEG": "jpg"}.get(format, format.lower())
    return SimpleUploadedFile(
        name or f"picture.{extension}",
        buffer.getvalue(),
        content_type=f"image/{extension}",
    )


def stored_files(settings) -> list[str]:
    """The files under MEDIA_ROOT, relative to it, sorted."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
