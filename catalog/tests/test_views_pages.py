import re

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductImageFactory, ReviewFactory
from orders.tests.factories import OrderLineFactory


def html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_shows_category_tiles_and_featured_products(client, tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])

    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    assert 'href="/c/dairy/"' in html(response)
    assert 'href="/c/fruits/"' in html(response)
    assert "Toned Milk" in html(response)


@pytest.mark.django_db
def test_category_page_lists_products_of_its_subcategories(client, tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])
    make_product(name="Banana", category=tree["fresh-fruits"])

    response = client.get(reverse("catalog:category", kwargs={"slug": "dairy"}))

    assert response.status_code == 200
    assert "Toned Milk" in html(response)
    assert "Banana" not in html(response)
    assert "1 product" in html(response)


@pytest.mark.django_db
def test_category_rail_lists_the_subcategories_and_marks_the_current(client, tree):
    response = client.get(reverse("catalog:category", kwargs={"slug": "milk"}))

    rail = html(response).split('class="category-rail"')[1].split("</nav>")[0]
    assert 'href="/c/cheese/"' in rail
    assert re.search(r'href="/c/milk/" aria-current="page"', rail)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["no-such-aisle", "dairy"])
def test_unknown_or_inactive_category_is_404(client, tree, slug):
    tree["dairy"].is_active = False
    tree["dairy"].save()

    response = client.get(f"/c/{slug}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_card_shows_thumbnail_lazily_never_the_full_picture(client, tree, make_product):
    product = make_product(name="Toned Milk", category=tree["milk"])
    image = ProductImageFactory(product=product, thumbnail="products/thumbs/milk.webp")

    page = html(client.get("/c/milk/"))

    assert (
        '<img src="/media/products/thumbs/milk.webp" alt="" width="320" '
        'height="320" loading="lazy" decoding="async">'
    ) in page
    assert image.image.url not in page


@pytest.mark.django_db
def test_card_shows_price_mrp_discount_and_pack(client, tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"], price="40", mrp="50")

    page = html(client.get("/c/milk/"))

    assert "₹40" in page
    assert '<s class="mrp"><span class="visually-hidden">MRP </span>₹50</s>' in page
    assert "20% OFF" in page
    assert "500 g" in page


@pytest.mark.django_db
def test_card_add_button_posts_variant_quantity_and_next(client, tree, make_product):
    product = make_product(name="Toned Milk", category=tree["milk"])
    variant = product.variants.get()

    page = html(client.get("/c/milk/?ordering=price"))

    form = page.split('action="/cart/add/"')[1].split("</form>")[0]
    assert f'name="variant" value="{variant.pk}"' in form
    assert 'name="quantity" value="1"' in form
    # Back to the same card, not the top of the listing.
    anchor = f"product-{product.slug}"
    assert f'name="next" value="/c/milk/?ordering=price#{anchor}"' in form
    assert f'id="{anchor}"' in page
    assert ">ADD</button>" in form


@pytest.mark.django_db
def test_card_shows_a_stepper_once_the_variant_is_in_the_cart(
    client, user, tree, make_product
):
    from orders.services.cart import cart_get_or_create, cart_line_add

    product = make_product(name="Toned Milk", category=tree["milk"])
    variant = product.variants.get()
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    client.force_login(user)

    page = html(client.get("/c/milk/"))

    assert 'action="/cart/add/"' not in page
    assert 'name="quantity" value="1"' in page
    assert 'name="quantity" value="3"' in page
    assert page.count('action="/cart/set/"') == 2


@pytest.mark.django_db
def test_out_of_stock_card_is_greyed_says_so_and_has_no_add(client, tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"], stock=0)

    page = html(client.get("/c/milk/"))

    assert "product-card is-out-of-stock" in page
    assert "Out of stock" in page
    assert 'action="/cart/add/"' not in page


@pytest.mark.django_db
def test_filters_narrow_the_grid(client, tree, make_product):
    make_product(name="Cheap Milk", category=tree["milk"], price="20", mrp="20")
    make_product(name="Dear Milk", category=tree["milk"], price="90", mrp="90")

    page = html(client.get("/c/milk/?min_price=50&in_stock=1&ordering=-price"))

    assert "Dear Milk" in page
    assert "Cheap Milk" not in page


@pytest.mark.django_db
def test_brand_checkboxes_come_from_the_listing_with_counts(client, tree, make_product):
    make_product(name="A", category=tree["milk"], brand="Amul")
    make_product(name="B", category=tree["milk"], brand="Nandini")

    page = html(client.get("/c/milk/?brand=Amul"))

    assert 'name="brand" value="Amul" checked' in page
    assert 'name="brand" value="Nandini">' in page
    assert "1 product" in page


@pytest.mark.django_db
def test_a_brand_name_is_escaped_in_its_checkbox(client, tree, make_product):
    make_product(name="A", category=tree["milk"], brand='Tom & "Jerry" <Dairy>')
    make_product(name="B", category=tree["milk"], brand="Amul")

    page = html(client.get("/c/milk/"))

    assert (
        '<label class="check"><input type="checkbox" name="brand"'
        ' value="Tom &amp; &quot;Jerry&quot; &lt;Dairy&gt;">'
        " <span>Tom &amp; &quot;Jerry&quot; &lt;Dairy&gt;</span>"
        ' <span class="count">1</span></label>'
    ) in page
    assert "<Dairy>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_price=abc", "Lowest price: Enter a number."),
        ("min_price=90&max_price=10", "must not be below the lowest price"),
        ("ordering=cheapest", "Sort by: Select a valid choice."),
        ("in_stock=perhaps", "In stock only: Use true or false."),
    ],
)
def test_bad_filters_are_explained_and_the_rest_still_apply(
    client, tree, make_product, query, message
):
    make_product(name="Toned Milk", category=tree["milk"])

    response = client.get(f"/c/milk/?{query}")

    assert response.status_code == 200
    assert "Some filters were not applied" in html(response)
    assert message in html(response)
    assert "Toned Milk" in html(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_param", "notice"),
    [("99", "There are only 1 pages"), ("two", "was not a number")],
)
def test_a_page_past_the_end_or_not_a_number_shows_a_real_page(
    client, tree, make_product, page_param, notice
):
    make_product(name="Toned Milk", category=tree["milk"])

    response = client.get(f"/c/milk/?page={page_param}")

    assert response.status_code == 200
    assert notice in html(response)
    assert "Toned Milk" in html(response)


@pytest.mark.django_db
def test_grid_is_paginated(client, settings, tree, make_product):
    settings.SHOP_PAGE_SIZE = 2
    for n in range(3):
        make_product(name=f"Milk {n}", category=tree["milk"], price=f"{10 + n}")

    page_two = html(client.get("/c/milk/?ordering=price&page=2"))

    assert "Page 2 of 2" in page_two
    assert "Milk 2" in page_two
    assert "Milk 0" not in page_two
    assert 'href="?ordering=price&amp;page=1"' in page_two


@pytest.mark.django_db
def test_search_page_finds_a_typo(client, tree, make_product):
    make_product(name="Banana Robusta", category=tree["fresh-fruits"])

    response = client.get("/search/?q=bananna")

    page = html(response)
    assert "Banana Robusta" in page
    assert "Showing results for <strong>banana</strong>" in page
    assert "you searched for “bananna”" in page


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "%00", "!!!", "x" * 5000])
def test_search_page_handles_empty_odd_and_huge_queries(client, tree, query):
    response = client.get(f"/search/?q={query}")

    assert response.status_code == 200


@pytest.mark.django_db
def test_empty_search_asks_for_words(client, tree):
    page = html(client.get("/search/?q="))

    assert "What are you looking for?" in page


@pytest.mark.django_db
def test_product_page_links_each_pack_size_and_adds_the_chosen_one(
    client, tree, make_product
):
    product = make_product(
        name="Paneer",
        category=tree["cheese"],
        variants=[
            {"label": "200 g", "price": "90", "mrp": "100", "stock": 5},
            {"label": "1 kg", "price": "400", "mrp": "400", "stock": 0},
        ],
    )
    small, big = product.variants.order_by("price")

    page = html(client.get(product.get_absolute_url()))

    form = page.split('action="/cart/add/"')[1].split("</form>")[0]
    assert f'name="variant" value="{small.pk}" data-variant-input' in form
    assert 'name="quantity" value="1"' in form
    assert (
        f'href="?variant={small.pk}" data-variant-link="{small.pk}" aria-current'
        in page
    )
    assert f'href="?variant={big.pk}" data-variant-link="{big.pk}"\n' in page
    assert "₹90" in page
    assert "₹450/kg" in page
    assert "10% OFF" in page
    assert "Only 5 left" in page


@pytest.mark.django_db
def test_product_page_shows_pictures_rating_and_reviews(client, tree, make_product):
    product = make_product(name="Paneer", category=tree["cheese"])
    ProductImageFactory(product=product, alt_text="A block of paneer")
    ReviewFactory(product=product, rating=5, title="Very soft", user__name="Asha Rao")
    product.rating_avg, product.rating_count = 5, 1
    product.save()

    page = html(client.get(product.get_absolute_url()))

    assert 'alt="A block of paneer"' in page
    assert "Very soft" in page
    assert "Asha ·" in page
    assert "1 rating" in page


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["no-such-thing", "hidden"])
def test_unknown_or_inactive_product_is_404(client, tree, make_product, slug):
    make_product(name="Hidden", slug="hidden", category=tree["milk"], is_active=False)

    assert client.get(f"/p/{slug}/").status_code == 404


@pytest.mark.django_db
def test_review_form_is_offered_only_after_delivery(client, user, tree, make_product):
    product = make_product(name="Paneer", category=tree["cheese"])
    client.force_login(user)

    before = html(client.get(product.get_absolute_url()))
    OrderLineFactory(
        order__user=user, order__status="delivered", variant=product.variants.get()
    )
    after = html(client.get(product.get_absolute_url()))

    assert "once an order of it has been delivered" in before
    assert 'action="/p/' not in before
    assert f'action="/p/{product.slug}/reviews/"' in after


@pytest.mark.django_db
def test_posting_a_review_records_it_and_updates_the_rating(
    client, user, tree, make_product
):
    product = make_product(name="Paneer", category=tree["cheese"])
    OrderLineFactory(
        order__user=user, order__status="delivered", variant=product.variants.get()
    )
    client.force_login(user)

    response = client.post(
        f"/p/{product.slug}/reviews/", {"rating": "4", "title": "Good", "text": "Soft."}
    )

    product.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/p/{product.slug}/#reviews"
    assert (product.rating_count, product.rating_avg) == (1, 4)


@pytest.mark.django_db
def test_posting_a_review_without_delivery_is_refused(client, user, tree, make_product):
    product = make_product(name="Paneer", category=tree["cheese"])
    client.force_login(user)

    response = client.post(f"/p/{product.slug}/reviews/", {"rating": "5"}, follow=True)

    assert "once an order of it has been delivered" in html(response)
    assert product.reviews.count() == 0


@pytest.mark.django_db
def test_a_bad_review_form_is_shown_again_with_its_error(
    client, user, tree, make_product
):
    product = make_product(name="Paneer", category=tree["cheese"])
    OrderLineFactory(
        order__user=user, order__status="delivered", variant=product.variants.get()
    )
    client.force_login(user)

    response = client.post(f"/p/{product.slug}/reviews/", {"rating": "9"})

    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    assert product.reviews.count() == 0


@pytest.mark.django_db
def test_anonymous_review_post_goes_to_login(client, tree, make_product):
    product = make_product(name="Paneer", category=tree["cheese"])

    response = client.post(f"/p/{product.slug}/reviews/", {"rating": "5"})

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert product.reviews.count() == 0


@pytest.mark.django_db
def test_home_never_shows_a_product_hidden_after_it_was_featured(
    client, tree, make_product
):
    product = make_product(name="Toned Milk", category=tree["milk"])
    assert "Toned Milk" in html(client.get("/"))

    product.is_active = False
    product.save()

    assert "Toned Milk" not in html(client.get("/"))
