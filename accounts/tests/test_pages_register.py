import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from accounts.errors import EMAIL_TAKEN_MESSAGE
from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD, verify_token_from_outbox

REGISTER = "/account/register/"


def form_data(**overrides):
    return {
        "email": "Kavya@Example.com",
        "name": "Kavya Nair",
        "password": STRONG_PASSWORD,
        **overrides,
    }


@pytest.mark.django_db
def test_the_sign_up_page_gives_the_password_rules_as_one_hint(client):
    response = client.get(REGISTER)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_name">Your name</label>' in html
    assert (
        '<div class="helptext" id="id_password_helptext">At least 8 characters; '
        "not only numbers, not a common password, and not like your name or "
        "email.</div>"
    ) in html
    assert "<ul>" not in html.split("<form")[1].split("</form>")[0]


@pytest.mark.django_db
def test_sign_up_creates_the_account_logs_in_and_sends_the_link(client, send_emails):
    with send_emails():
        response = client.post(REGISTER, form_data())

    user = User.objects.get()
    assert response.status_code == 302
    assert user.email == "kavya@example.com"
    assert user.email_verified_at is None
    assert client.session[SESSION_KEY] == str(user.pk)
    assert [message.to for message in mail.outbox] == [["kavya@example.com"]]
    assert verify_token_from_outbox()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"password": "short"},
            "password",
            "This password is too short. It must contain at least 8 characters.",
        ),
        ({"password": "password123"}, "password", "This password is too common."),
        ({"password": "73829104657"}, "password", "This password is entirely numeric."),
        (
            {"password": "kavya.nair.example"},
            "password",
            "The password is too similar to the email address.",
        ),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_sign_up_input_is_refused_and_stores_nothing(
    client, send_emails, overrides, field, message
):
    with send_emails():
        response = client.post(REGISTER, form_data(**overrides))

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not User.objects.exists()
    assert mail.outbox == []
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_taken_email_gets_a_clear_answer(client, send_emails):
    UserFactory(email="kavya@example.com")

    with send_emails():
        response = client.post(REGISTER, form_data(email="KAVYA@example.com"))

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [EMAIL_TAKEN_MESSAGE]
    assert User.objects.count() == 1
    assert mail.outbox == []
