from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile_view, name="profile"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("verify/resend/", views.verify_resend_view, name="verify_resend"),
    path("verify/<str:token>/", views.verify_view, name="verify"),
    path("password/", views.password_change_view, name="password_change"),
    path("password-reset/", views.password_reset_view, name="password_reset"),
    path(
        "password-reset/sent/",
        views.password_reset_sent_view,
        name="password_reset_sent",
    ),
    path(
        "reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path("login-link/", views.login_link_request_view, name="login_link_request"),
    path(
        "login-link/<str:uidb64>/<str:token>/",
        views.login_link_view,
        name="login_link",
    ),
    path("addresses/", views.address_list_view, name="address_list"),
    path("addresses/add/", views.address_add_view, name="address_add"),
    path("addresses/<int:pk>/edit/", views.address_edit_view, name="address_edit"),
    path(
        "addresses/<int:pk>/delete/",
        views.address_delete_view,
        name="address_delete",
    ),
    path(
        "addresses/<int:pk>/default/",
        views.address_default_view,
        name="address_default",
    ),
]
