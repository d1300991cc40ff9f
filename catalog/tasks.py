from celery import shared_task


@shared_task(
    name="catalog.tasks.product_image_thumbnail_make",
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def product_image_thumbnail_make(image_id: int) -> bool:
    """Make the listing thumbnail of a product picture once; return whether made."""
    # Celery's idiom: the task imports its service, which queues this task.
    from catalog import services

    return services.product_image_thumbnail_make(image_id=image_id)
