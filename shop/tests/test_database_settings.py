"""How the shop's connections to PostgreSQL are set up."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_shops_queries_are_not_compiled():
    # JIT compiling cost a 300,000-product listing more than running it.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
