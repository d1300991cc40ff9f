"""Pictures uploaded through the seller's admin: only real, modest images.

The product's change form is fetched and sent back as a browser would, with
a file in the image inline. Files that are not images, that are too large,
or that would inflate to gigabytes of pixels are refused with a message that
says so, and nothing is stored: no image row, no file on the media storage.
"""

import struct
import zlib
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import ProductImage
from catalog.tests.factories import ProductVariantFactory


class _FormFields(HTMLParser):
    """The values a browser would send for the page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def _png(width: int, height: int, *, noise: bool = False) -> bytes:
    picture = Image.new("RGB", (width, height), "orange")
    if noise:
        picture = Image.frombytes("RGB", (width, height), _random_bytes(width * height))
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def _random_bytes(pixels: int) -> bytes:
    # Deterministic noise that PNG cannot compress.
    seed = 12345
    out = bytearray()
    for _ in range(pixels * 3):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(seed >> 16 & 0xFF)
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _png_bomb(side: int = 50_000) -> bytes:
    """A valid PNG header claiming side×side pixels, with one compressed row.

    50,000² is 2.5 gigapixels: a decoder that trusted it would need 7.5 GB.
    """
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" + b"\x00" * (side * 3), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", row)
        + _chunk(b"IEND", b"")
    )


def _gif() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 40), "green").save(buffer, "GIF")
    return buffer.getvalue()


REFUSED = {
    "text named .jpg": ("notes.jpg", b"just some words, not a picture", "image/jpeg"),
    "html named .png": (
        "page.png",
        b"<html><script>alert(1)</script></html>",
        "image/png",
    ),
    "svg with a script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
    ),
    "gif": ("banana.gif", None, "image/gif"),
    "truncated png": ("cut.png", None, "image/png"),
    "decompression bomb": ("bomb.png", None, "image/png"),
    "oversized": ("huge.png", None, "image/png"),
    "empty file": ("empty.png", b"", "image/png"),
}


NOT_A_PICTURE = "This file is not a picture, or it is damaged."
MESSAGES = {
    "text named .jpg": NOT_A_PICTURE,
    "html named .png": NOT_A_PICTURE,
    "svg with a script": NOT_A_PICTURE,
    "gif": "Upload a JPEG, PNG or WebP picture.",
    "truncated png": NOT_A_PICTURE,
    "decompression bomb": "This picture has too many pixels",
    "oversized": "This picture is 0.5 MB; a picture may be at most 0.2 MB.",
    "empty file": NOT_A_PICTURE,
}


def _payload(case: str) -> bytes:
    name, content, _type = REFUSED[case]
    if content is not None:
        return content
    return {
        "gif": _gif,
        "truncated png": lambda: _png(200, 200)[:300],
        "decompression bomb": _png_bomb,
        "oversized": lambda: _png(400, 400, noise=True),
    }[case]()


@pytest.fixture
def seller_product(seller, settings):
    variant = ProductVariantFactory(product__seller=seller)
    return variant.product


def _post_with_picture(client, product, upload):
    page = f"/admin/catalog/product/{product.pk}/change/"
    form = _FormFields()
    form.feed(client.get(page).content.decode())
    data = {
        name: values if len(values) > 1 else values[0]
        for name, values in (form.data.items())
    }
    data["images-0-image"] = upload
    data["images-0-alt_text"] = "A picture"
    data["images-0-position"] = "0"
    data["_continue"] = "Save and continue editing"
    return client.post(page, data)


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(REFUSED))
def test_the_admin_refuses_a_bad_picture_and_stores_nothing(
    client, seller, seller_product, settings, case
):
    settings.SHOP_MAX_IMAGE_BYTES = 200_000
    client.force_login(seller)
    name, _content, content_type = REFUSED[case]
    upload = SimpleUploadedFile(name, _payload(case), content_type=content_type)
    files_before = _media_files(settings)

    response = _post_with_picture(client, seller_product, upload)

    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html

    assert MESSAGES[case] in html
    assert ProductImage.objects.filter(product=seller_product).count() == 0
    assert _media_files(settings) == files_before


@pytest.mark.django_db
def test_the_admin_accepts_a_real_picture(client, seller, seller_product, settings):
    client.force_login(seller)
    upload = SimpleUploadedFile("apple.png", _png(300, 300), content_type="image/png")

    response = _post_with_picture(client, seller_product, upload)

    assert response.status_code == 302
    picture = ProductImage.objects.get(product=seller_product)
    assert picture.alt_text == "A picture"
    assert Path(picture.image.path).is_file()


@pytest.mark.django_db
def test_a_picture_is_stored_under_the_extension_of_its_detected_type(
    client, seller, seller_product
):
    client.force_login(seller)
    upload = SimpleUploadedFile(
        "invoice.pdf", _png(120, 120), content_type="application/pdf"
    )

    response = _post_with_picture(client, seller_product, upload)

    assert response.status_code == 302
    stored = ProductImage.objects.get(product=seller_product).image.name
    assert stored.endswith(".png")
    assert "invoice" not in stored


@pytest.mark.django_db
def test_a_category_picture_is_checked_and_named_by_its_type(admin_client):
    from catalog.models import Category

    page = "/admin/catalog/category/add/"
    base = {"name": "Snacks", "slug": "snacks", "position": "0", "is_active": "on"}
    text = SimpleUploadedFile("tile.png", b"<svg onload=alert(1)>", "image/png")
    png = SimpleUploadedFile("tile.html", _png(80, 80), content_type="text/html")

    refused = admin_client.post(page, {**base, "image": text})
    accepted = admin_client.post(page, {**base, "image": png})

    assert refused.status_code == 200
    assert NOT_A_PICTURE in refused.content.decode()
    assert accepted.status_code == 302
    assert Category.objects.get(slug="snacks").image.name.endswith(".png")
