"""Create the media bucket and its public-read policy: a one-off release job."""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from storages.backends.s3 import S3Storage

from catalog.media_bucket import catalogue_prefixes, media_bucket_ensure


class Command(BaseCommand):
    help = (
        "Create the S3 media bucket unless it exists, and let anyone read the "
        "catalogue's pictures in it (nothing else). Safe to run on every release."
    )

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, S3Storage):
            self.stdout.write("Media are on local disk (no AWS_STORAGE_BUCKET_NAME).")
            return
        created = media_bucket_ensure()
        verb = "Created" if created else "Found"
        public = ", ".join(catalogue_prefixes())
        self.stdout.write(f"{verb} bucket {storage.bucket_name}; public: {public}")
