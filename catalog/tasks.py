from celery import shared_task

# A picture's storage may be briefly unreachable (S3): try again, slower.
_STORAGE_RETRIES = {
    "autoretry_for": (OSError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(name="catalog.tasks.product_image_thumbnail_make", **_STORAGE_RETRIES)
def product_image_thumbnail_make(image_id: int) -> bool:
    """Make the listing thumbnail of a product picture once; return whether made."""
    # Celery's idiom: the task imports its service, which queues this task.
    from catalog import services

    return services.product_image_thumbnail_make(image_id=image_id)


@shared_task(name="catalog.tasks.category_thumbnail_make", **_STORAGE_RETRIES)
def category_thumbnail_make(category_id: int) -> bool:
    """Make the small picture of a category once; return whether made."""
    from catalog import services

    return services.category_thumbnail_make(category_id=category_id)
