"""The accounts API: sign-up, verification, JWT, password reset, profile, addresses.

Token views subclass simplejwt's; the refresh token may travel in an HttpOnly
cookie instead of the body (cookie mode, for browser SPAs), and then refresh
and logout need Django's CSRF double submit: the `csrftoken` cookie's value
in the `X-CSRFToken` header.
"""

from django.middleware.csrf import CsrfViewMiddleware, get_token
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import UntypedToken

from accounts import selectors, services
from accounts.api.serializers import (
    AddressSerializer,
    EmailVerifySerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenObtainSerializer,
    TokenPairSerializer,
    TokenRevokeSerializer,
    TokenRotateSerializer,
)
from accounts.jwt import ShopRefreshToken
from accounts.models import Address
from accounts.ratelimits import (
    login_rate_check,
    password_check_rate_check,
    password_reset_rate_check,
    signup_rate_check,
    token_refresh_rate_check,
    verify_resend_rate_check,
)
from shop.api_schema import MessageSerializer, error_responses

REFRESH_COOKIE = "refresh_token"
# Sent only to the token endpoints, never with ordinary API or page requests.
REFRESH_COOKIE_PATH = "/api/v1/auth/"
NO_REFRESH_MESSAGE = (
    "No refresh token: send it in the body, or log in with refresh_in_cookie."
)

TAG_AUTH = ["auth"]
TAG_ME = ["me"]


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


def _refresh_cookie_set(response: Response, refresh: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        refresh,
        max_age=int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="Strict",
    )


def _refresh_cookie_delete(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Strict")


def _token_response(data: dict, request, *, cookie_mode: bool) -> Response:
    """Answer a token pair, moving the refresh into the cookie in cookie mode."""
    data = dict(data)
    refresh = data.pop("refresh", None) if cookie_mode else data.get("refresh")
    response = Response(data, status=status.HTTP_200_OK)
    if cookie_mode and refresh:
        _refresh_cookie_set(response, refresh)
        # Make sure the SPA has a csrftoken cookie for refresh and logout.
        get_token(request._request)
    return response


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_enforce(request) -> None:
    """Refuse a cookie-mode request without Django's CSRF double submit."""
    django_request = request._request
    check = _CsrfCheck(lambda _request: None)
    check.process_request(django_request)
    reason = check.process_view(django_request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(
            f"CSRF check failed ({reason}). Send the csrftoken cookie's value in "
            "the X-CSRFToken header.",
            code="csrf_failed",
        )


def _refresh_from_request(request) -> tuple[str, bool]:
    """Return (refresh token, came from the cookie); the body wins."""
    raw = _body(request).get("refresh")
    if raw:
        return raw, False
    cookie = request.COOKIES.get(REFRESH_COOKIE)
    if cookie:
        _csrf_enforce(request)
        return cookie, True
    # Neither is a request without credentials (401, as with no access
    # token), not a malformed one: the schema cannot say "body or cookie",
    # and a cookie-mode SPA whose cookie expired learns to log in again.
    raise exceptions.NotAuthenticated(NO_REFRESH_MESSAGE)


def _token_invalid(error: TokenError) -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(str(error.args[0]), code="token_not_valid")


REFRESH_COOKIE_PARAMETER = OpenApiParameter(
    REFRESH_COOKIE,
    OpenApiTypes.STR,
    OpenApiParameter.COOKIE,
    required=False,
    description="Cookie mode: the HttpOnly refresh cookie the login set; the "
    "browser sends it. Used when the body has no `refresh`, and then the "
    "csrftoken cookie's value must be in X-CSRFToken (else 403 `csrf_failed`). "
    "With neither: 401 `not_authenticated`.",
)


class RegisterView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=TAG_AUTH,
        summary="Create an account",
        description="Creates the account (it can shop at once) and emails a link "
        "that verifies the address. Rate limited per IP (SHOP_RATE_SIGNUP).",
        request=RegisterSerializer,
        responses={201: ProfileSerializer, **error_responses(400, 409, 415, 429)},
    )
    def post(self, request):
        signup_rate_check(request)
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(ProfileSerializer(user).data, status=status.HTTP_201_CREATED)


class EmailVerifyView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=TAG_AUTH,
        summary="Verify an email address",
        description="`token` is the last path segment of the emailed link "
        "(/account/verify/<token>/). Links expire after "
        "ACCOUNT_EMAIL_VERIFICATION_MAX_AGE seconds and only verify the email "
        "they were sent to. A link that does not verify is 403 "
        "`token_invalid`, or `token_expired` when it is too old.",
        request=EmailVerifySerializer,
        responses={200: MessageSerializer, **error_responses(400, 403, 415)},
    )
    def post(self, request):
        serializer = EmailVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(token=serializer.validated_data["token"])
        return Response({"detail": f"{user.email} is verified."})


class EmailVerifyResendView(APIView):
    @extend_schema(
        tags=TAG_AUTH,
        summary="Send a new verification link",
        description="For the signed-in user. Rate limited (SHOP_RATE_VERIFY_RESEND); "
        "409 `already_verified` when there is nothing to verify.",
        request=None,
        responses={202: MessageSerializer, **error_responses(401, 409, 429)},
    )
    def post(self, request):
        verify_resend_rate_check(request, user_id=request.user.pk)
        services.email_verification_resend(user=request.user)
        return Response(
            {"detail": f"A new link is on its way to {request.user.email}."},
            status=status.HTTP_202_ACCEPTED,
        )


class TokenObtainView(jwt_views.TokenObtainPairView):
    serializer_class = TokenObtainSerializer

    @extend_schema(
        tags=TAG_AUTH,
        summary="Log in: email and password for tokens",
        description="Rate limited per IP (SHOP_RATE_LOGIN_IP) and per email "
        "(SHOP_RATE_LOGIN_ACCOUNT). Any failure is 401 `invalid_credentials`. "
        "With `refresh_in_cookie: true` the refresh token is set as an "
        f"HttpOnly, Secure, SameSite=Strict cookie `{REFRESH_COOKIE}` for "
        f"{REFRESH_COOKIE_PATH} and left out of the body.",
        request=LoginSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401, 415, 429)},
    )
    def post(self, request, *args, **kwargs):
        login_rate_check(request, email=str(_body(request).get("email", "")))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cookie_mode = data.pop("refresh_in_cookie")
        return _token_response(data, request, cookie_mode=cookie_mode)


class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = TokenRotateSerializer

    @extend_schema(
        tags=TAG_AUTH,
        summary="Rotate a refresh token",
        description="Answers a new access token and a new refresh token; the old "
        "refresh is blacklisted, so using it again is 401, and that reuse "
        "revokes every refresh token descended from the same login. The refresh comes "
        f"from the body or, in cookie mode, from the `{REFRESH_COOKIE}` cookie "
        "(then X-CSRFToken must match the csrftoken cookie, else 403). "
        "Rate limited per IP (SHOP_RATE_TOKEN_REFRESH).",
        parameters=[REFRESH_COOKIE_PARAMETER],
        request=RefreshSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(400, 401, 403, 415, 429),
        },
    )
    def post(self, request, *args, **kwargs):
        token_refresh_rate_check(request)
        raw, cookie_mode = _refresh_from_request(request)
        serializer = self.get_serializer(data={"refresh": raw})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise _token_invalid(error) from error
        return _token_response(
            serializer.validated_data, request, cookie_mode=cookie_mode
        )


class LogoutView(jwt_views.TokenBlacklistView):
    serializer_class = TokenRevokeSerializer

    @extend_schema(
        tags=TAG_AUTH,
        summary="Log out: blacklist the refresh token, end the access tokens",
        description="The refresh comes from the body or, in cookie mode, from "
        "the cookie (with the CSRF header); the cookie is cleared. Every access "
        "token of the account handed out so far stops working at once (other "
        "devices get a new one with their own refresh token).",
        parameters=[REFRESH_COOKIE_PARAMETER],
        request=RefreshSerializer,
        responses={
            204: OpenApiResponse(description="Logged out."),
            **error_responses(400, 401, 403, 415),
        },
    )
    def post(self, request, *args, **kwargs):
        raw, cookie_mode = _refresh_from_request(request)
        serializer = self.get_serializer(data={"refresh": raw})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise _token_invalid(error) from error
        # The access tokens handed out with it end too, not minutes later.
        services.access_tokens_end(
            user_id=UntypedToken(raw)[jwt_settings.USER_ID_CLAIM]
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookie_mode:
            _refresh_cookie_delete(response)
        return response


class PasswordResetView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=TAG_AUTH,
        summary="Email a password reset link",
        description="Always 202, whether or not the email has an account. Rate "
        "limited per IP and per email (SHOP_RATE_PASSWORD_RESET).",
        request=PasswordResetSerializer,
        responses={202: MessageSerializer, **error_responses(400, 415, 429)},
    )
    def post(self, request):
        password_reset_rate_check(request, email=str(_body(request).get("email", "")))
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an account uses this email, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=TAG_AUTH,
        summary="Set a new password with the emailed uid and token",
        description="uid and token are the two last path segments of the emailed "
        "link (/account/reset/<uid>/<token>/). The link works once. Every "
        "session and refresh token of the account stops working. 403 "
        "`token_invalid` for a used, expired or tampered link.",
        request=PasswordResetConfirmSerializer,
        responses={200: MessageSerializer, **error_responses(400, 403, 415)},
    )
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.password_reset_complete(
            uidb64=data["uid"], token=data["token"], password=data["new_password"]
        )
        return Response({"detail": "Your password is changed. Log in with it."})


class MeView(APIView):
    @extend_schema(
        tags=TAG_ME,
        summary="The signed-in user's profile",
        responses={200: ProfileSerializer, **error_responses(401)},
    )
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(
        tags=TAG_ME,
        summary="Change name, phone or email",
        description="A new email needs `current_password` (403 "
        "`wrong_password` without it or when it is not the account's); it clears the "
        "verification and sends a link to the new address. 409 `email_taken`.",
        request=ProfileUpdateSerializer,
        responses={
            200: ProfileSerializer,
            **error_responses(400, 401, 403, 409, 415, 429),
        },
    )
    def patch(self, request):
        if _body(request).get("current_password"):
            password_check_rate_check(request, email=request.user.email)
        serializer = ProfileUpdateSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes = {
            field: serializer.validated_data[field]
            for field in ("name", "phone", "email")
            if field in serializer.validated_data
        }
        user = services.profile_update(user=request.user, **changes)
        return Response(ProfileSerializer(user).data)


class PasswordChangeView(APIView):
    @extend_schema(
        tags=TAG_ME,
        summary="Change the password",
        description="Checks the old password (403 `wrong_password`). Every "
        "session and refresh token of the account stops working; the answer "
        "carries a new token pair for this client.",
        request=PasswordChangeSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(400, 401, 403, 415, 429),
        },
    )
    def post(self, request):
        password_check_rate_check(request, email=request.user.email)
        serializer = PasswordChangeSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        user = services.password_change(
            user=request.user, password=serializer.validated_data["new_password"]
        )
        refresh = ShopRefreshToken.for_user(user)
        return _token_response(
            {"access": str(refresh.access_token), "refresh": str(refresh)},
            request,
            cookie_mode=serializer.validated_data["refresh_in_cookie"],
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAG_ME,
        summary="The address book, the default first",
        responses={200: AddressSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    post=extend_schema(
        tags=TAG_ME,
        summary="Add an address",
        description="The first address becomes the default; `is_default: true` "
        "makes a new one the default. PIN code: 6 digits; phone: an Indian "
        "mobile number.",
        responses={201: AddressSerializer, **error_responses(400, 401, 415)},
    ),
)
class AddressListView(generics.ListCreateAPIView):
    serializer_class = AddressSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular inspects the view without a user.
            return Address.objects.none()
        return selectors.address_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        make_default = data.pop("is_default", False)
        serializer.instance = services.address_create(
            user=self.request.user, data=data, make_default=make_default
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAG_ME,
        summary="One address",
        responses={200: AddressSerializer, **error_responses(401, 404)},
    ),
    patch=extend_schema(
        tags=TAG_ME,
        summary="Change an address, or make it the default",
        description="`is_default: false` on the default is 409 "
        "`default_required`: make another address the default instead.",
        responses={
            200: AddressSerializer,
            **error_responses(400, 401, 404, 409, 415),
        },
    ),
    delete=extend_schema(
        tags=TAG_ME,
        summary="Delete an address",
        description="When it was the default, the newest other address is.",
        responses={
            204: OpenApiResponse(description="Deleted."),
            **error_responses(401, 404),
        },
    ),
)
class AddressDetailView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = AddressSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return selectors.address_of_user(
            user=self.request.user, address_id=self.kwargs["pk"]
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        make_default = data.pop("is_default", None)
        serializer.instance = services.address_update(
            address=serializer.instance, data=data, make_default=make_default
        )

    def perform_destroy(self, instance):
        services.address_delete(address=instance)
