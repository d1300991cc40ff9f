import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_one_refresh_token_used_concurrently_rotates_exactly_once():
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    racers = 6
    barrier = threading.Barrier(racers)
    statuses = []

    def use_it():
        try:
            client = APIClient()
            barrier.wait()
            response = client.post(
                "/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=use_it) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [401] * (racers - 1)
    # The original plus the one rotated token, nothing more.
    assert OutstandingToken.objects.filter(user=user).count() == 2
