import unicodedata

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

SELLERS_GROUP = "Sellers"


def email_canonical(email: str) -> str:
    """Return the one form of an address that accounts store, match and limit by.

    NFKC, then the case folding of the upper-cased address: upper-casing
    first folds look-alikes the way PostgreSQL's UPPER() does (ſ U+017F to
    S, ı U+0131 to I), so every spelling that could log in to an account
    has the account's own address as its canonical form.
    """
    text = unicodedata.normalize("NFKC", (email or "").strip())
    return unicodedata.normalize("NFKC", text.upper().casefold())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email_canonical(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must be staff and superuser.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email=email_canonical(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the email address is the login."""

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    # None until the address is confirmed through the emailed link.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log into the admin (sellers and staff)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every access token handed out so far (accounts/jwt.py).
    token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            # Two accounts may not differ only in letter case.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = email_canonical(self.email)

    def save(self, *args, **kwargs):
        # Every write path (services, admin forms, factories) stores one form.
        self.email = email_canonical(self.email)
        super().save(*args, **kwargs)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_seller(self) -> bool:
        """A seller is a staff user in the Sellers group who is not a superuser."""
        if not self.is_staff or self.is_superuser:
            return False
        cached = getattr(self, "_is_seller", None)
        if cached is None:
            cached = self.groups.filter(name=SELLERS_GROUP).exists()
            self._is_seller = cached
        return cached

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name or self.email).split(" ")[0]


class Address(models.Model):
    """A delivery address in a user's address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=40, default="Home", help_text="Home, Work…")
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=12, db_index=True)
    country = models.CharField(max_length=2, default="IN")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.line1}, {self.city} {self.postal_code}"

    def as_snapshot(self) -> dict:
        """Return the address as plain data, for an order to keep as it was."""
        return {
            "label": self.label,
            "name": self.name,
            "phone": self.phone,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "country": self.country,
        }
