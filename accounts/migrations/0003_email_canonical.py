"""Store every account's address in its canonical form (accounts.models).

An address whose canonical form another account already has is left as it
is and reported: that account is a look-alike of the other, and merging or
renaming it is a decision for staff, never for a migration. Nothing fails,
so the migration is safe to run on a live database and to run again.
"""

from django.db import migrations

from accounts.models import email_canonical


def emails_canonicalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set(User.objects.values_list("email", flat=True))
    for user in User.objects.order_by("date_joined", "pk").iterator():
        canonical = email_canonical(user.email)
        if canonical == user.email:
            continue
        if canonical in taken:
            print(  # noqa: T201
                f"\n  accounts: user {user.pk} keeps its address; another account "
                f"already has its canonical form {canonical!r}."
            )
            continue
        User.objects.filter(pk=user.pk).update(email=canonical)
        taken.add(canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sellers_group")]

    operations = [
        migrations.RunPython(emails_canonicalise, migrations.RunPython.noop),
    ]
