from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    path(
        "auth/verify-email/", views.EmailVerifyView.as_view(), name="api-verify-email"
    ),
    path(
        "auth/verify-email/resend/",
        views.EmailVerifyResendView.as_view(),
        name="api-verify-email-resend",
    ),
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path(
        "auth/token/refresh/",
        views.TokenRefreshView.as_view(),
        name="api-token-refresh",
    ),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path(
        "auth/password-reset/",
        views.PasswordResetView.as_view(),
        name="api-password-reset",
    ),
    path(
        "auth/password-reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="api-password-reset-confirm",
    ),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="api-me-password"),
    path("me/addresses/", views.AddressListView.as_view(), name="api-address-list"),
    path(
        "me/addresses/<int:pk>/",
        views.AddressDetailView.as_view(),
        name="api-address-detail",
    ),
]
