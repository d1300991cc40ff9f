"""The catalogue API: the category tree, products with filters, and reviews.

Every endpoint is public to read: reads take no token, so a stale or bad one
is ignored rather than refused. Posting a review needs an access token and a
delivered order of the product.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.api.filters import (
    POSTAL_CODE_DESCRIPTION,
    POSTAL_CODE_QUERY_SCHEMA,
    STORE_DESCRIPTION,
    STORE_ID_MAX,
    ProductFilter,
    ProductFilterBackend,
    catalogue_store_for,
    catalogue_store_of_query,
)
from catalog.api.serializers import (
    AvailabilityStoreSerializer,
    CategorySerializer,
    ProductDetailSerializer,
    ProductListSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
)
from catalog.models import Product, Review
from catalog.selectors import (
    category_tree_for,
    product_get_for_page,
    reviews_for_product,
)
from shop.api_schema import error_responses
from shop.pagination import PageNumberPagination

TAGS = ["catalogue"]
SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The product's slug."
)


class CategoryTreeView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=TAGS,
        summary="The category tree",
        responses={200: CategorySerializer(many=True)},
    )
    def get(self, request):
        tree = category_tree_for(request)
        return Response(
            CategorySerializer(tree.roots, many=True, context={"request": request}).data
        )


class ProductPagination(PageNumberPagination):
    """A page of products, with the store their availability was read at."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # The filter has resolved the store already; this reads it back.
        store = catalogue_store_for(self.request, {})
        response.data = {
            **{k: v for k, v in response.data.items() if k != "results"},
            "store": AvailabilityStoreSerializer(store).data if store else None,
            "results": response.data["results"],
        }
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["store"] = {
            "allOf": [{"$ref": "#/components/schemas/Store"}],
            "nullable": True,
            "description": "The store asked about (`postal_code` or `store`), "
            "or null: then every store's stock counts.",
        }
        paginated["required"].append("store")
        return paginated


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Products, filtered, searched and sorted",
        responses={
            200: ProductListSerializer(many=True),
            **error_responses(400, 404),
        },
    )
)
class ProductListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = ProductListSerializer
    filter_backends = [ProductFilterBackend]
    filterset_class = ProductFilter
    pagination_class = ProductPagination
    # The filter set replaces this with `product_list`; it names the model.
    queryset = Product.objects.none()

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "tree": category_tree_for(self.request),
        }


class _ProductBySlugMixin:
    def product_get(self, *, store_id: int | None = None) -> Product:
        product = product_get_for_page(
            slug=self.kwargs["slug"],
            tree=category_tree_for(self.request),
            store_id=store_id,
        )
        if product is None:
            raise Http404("No such product.")
        return product


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="A product with its variants, pictures and rating",
        parameters=[
            SLUG_PARAMETER,
            OpenApiParameter(
                "postal_code",
                POSTAL_CODE_QUERY_SCHEMA,
                OpenApiParameter.QUERY,
                required=False,
                description=POSTAL_CODE_DESCRIPTION,
            ),
            OpenApiParameter(
                "store",
                {"type": "integer", "minimum": 1, "maximum": STORE_ID_MAX},
                OpenApiParameter.QUERY,
                required=False,
                description=STORE_DESCRIPTION,
            ),
        ],
        responses={200: ProductDetailSerializer, **error_responses(400, 404)},
    )
)
class ProductDetailView(_ProductBySlugMixin, generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = ProductDetailSerializer
    queryset = Product.objects.none()

    def get_object(self):
        store = catalogue_store_of_query(self.request)
        return self.product_get(store_id=store.id if store else None)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "tree": category_tree_for(self.request),
            "store": catalogue_store_for(self.request, {}),
        }


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="A product's reviews, newest first",
        parameters=[SLUG_PARAMETER],
        responses={200: ReviewSerializer(many=True), **error_responses(400, 404)},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Review a product that was delivered to you",
        description="One review per shopper and product. 403 `review_not_allowed` "
        "without a delivered order of the product; 409 `review_exists` for a "
        "second review.",
        parameters=[SLUG_PARAMETER],
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    ),
)
class ProductReviewsView(_ProductBySlugMixin, generics.ListCreateAPIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    serializer_class = ReviewSerializer
    queryset = Review.objects.none()

    def initial(self, request, *args, **kwargs):
        # A method the view does not take is 405 for anyone; DRF would first
        # ask an anonymous caller to sign in (401) for a PUT or a DELETE.
        if not hasattr(self, request.method.lower()):
            self.http_method_not_allowed(request)
        super().initial(request, *args, **kwargs)

    def get_authenticators(self):
        # Reading reviews is public; only posting one reads the token.
        method = getattr(self.request, "method", None)
        if method in permissions.SAFE_METHODS:
            return []
        return super().get_authenticators()

    def get_queryset(self):
        return reviews_for_product(product=self.product_get())

    def create(self, request, *args, **kwargs):
        product = self.product_get()
        incoming = ReviewCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.review_create(
            user=request.user, product=product, **incoming.validated_data
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
