"""The release job that makes the media bucket, against moto on loopback."""

import json
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command

BUCKET = "freshcart-media-release"


@pytest.fixture
def s3(s3_media, settings):
    """Point media storage at a bucket that does not exist yet."""
    client, _existing = s3_media
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    yield client
    if BUCKET in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.delete_bucket_policy(Bucket=BUCKET)
        client.delete_bucket(Bucket=BUCKET)


def test_the_release_job_creates_the_bucket_with_public_catalogue_prefixes(s3, capsys):
    call_command("media_bucket_create")

    assert capsys.readouterr().out == (
        f"Created bucket {BUCKET}; public: categories/, products/\n"
    )
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert policy["Statement"] == [
        {
            "Sid": "CataloguePicturesArePublic",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": [
                f"arn:aws:s3:::{BUCKET}/categories/*",
                f"arn:aws:s3:::{BUCKET}/products/*",
            ],
        }
    ]


def test_a_second_run_finds_the_bucket_and_keeps_its_objects(s3, capsys):
    call_command("media_bucket_create")
    s3.put_object(Bucket=BUCKET, Key="products/a.webp", Body=b"picture")
    capsys.readouterr()

    call_command("media_bucket_create")

    assert capsys.readouterr().out == (
        f"Found bucket {BUCKET}; public: categories/, products/\n"
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == ["products/a.webp"]
    s3.delete_object(Bucket=BUCKET, Key="products/a.webp")


def test_anyone_reads_pictures_but_not_invoices(s3):
    call_command("media_bucket_create")
    s3.put_object(Bucket=BUCKET, Key="products/a.webp", Body=b"picture")
    s3.put_object(Bucket=BUCKET, Key="invoices/2026/INV-1.pdf", Body=b"%PDF")

    picture = urllib.request.urlopen(f"{s3.meta.endpoint_url}/{BUCKET}/products/a.webp")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{s3.meta.endpoint_url}/{BUCKET}/invoices/2026/INV-1.pdf"
        )  # noqa: S310

    assert picture.read() == b"picture"
    assert refused.value.code == 403
    for key in ("products/a.webp", "invoices/2026/INV-1.pdf"):
        s3.delete_object(Bucket=BUCKET, Key=key)


def test_local_media_need_no_bucket(settings, capsys):
    settings.AWS_STORAGE_BUCKET_NAME = ""

    call_command("media_bucket_create")

    assert capsys.readouterr().out == (
        "Media are on local disk (no AWS_STORAGE_BUCKET_NAME).\n"
    )
