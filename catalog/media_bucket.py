"""The media bucket: made once, readable by anyone under the catalogue's prefixes.

Catalogue pictures are linked without a signature (settings: STORAGES), so
browsers and a CDN fetch them anonymously; the bucket policy allows that for
the folders the picture fields upload to and nothing else, so invoices and
any other object in the bucket stay private.
"""

import json

from botocore.exceptions import ClientError
from django.core.files.storage import storages

from catalog.models import Category, ProductImage

_MISSING = {"404", "NoSuchBucket"}


def catalogue_prefixes() -> list[str]:
    """Return the key prefixes the catalogue's picture fields upload to."""
    fields = (
        Category._meta.get_field("image"),
        ProductImage._meta.get_field("image"),
        ProductImage._meta.get_field("thumbnail"),
    )
    # "products/%Y/%m/" -> "products/"; a prefix inside another adds nothing.
    prefixes = {field.upload_to.split("%")[0] for field in fields}
    return sorted(
        prefix
        for prefix in prefixes
        if not any(prefix != other and prefix.startswith(other) for other in prefixes)
    )


def public_read_policy(*, bucket: str) -> dict:
    """Return a bucket policy that lets anyone GET the catalogue's pictures."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CataloguePicturesArePublic",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [
                    f"arn:aws:s3:::{bucket}/{prefix}*"
                    for prefix in catalogue_prefixes()
                ],
            }
        ],
    }


def media_bucket_ensure() -> bool:
    """Create the default storage's bucket unless it exists and set its policy.

    Return whether the bucket was created. Safe to run on every release.
    """
    storage = storages["default"]
    client = storage.connection.meta.client
    bucket = storage.bucket_name
    created = False
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in _MISSING:
            raise
        where = {}
        if storage.region_name and storage.region_name != "us-east-1":
            where = {
                "CreateBucketConfiguration": {"LocationConstraint": storage.region_name}
            }
        client.create_bucket(Bucket=bucket, **where)
        created = True
    client.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(public_read_policy(bucket=bucket))
    )
    return created
