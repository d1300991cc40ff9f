"""Uploads for picture tests, made with Pillow in memory."""

from io import BytesIO

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
