import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pass-word-123")


class StaffFactory(UserFactory):
    is_staff = True
    display_name = factory.LazyAttribute(lambda u: f"{u.first_name} {u.last_name}")
    public_title = "Physio"


def signed_in(client, role: str, **fields):
    """A staff member in the group of `role` ("Editors", "Moderators"), made by StaffFactory
    with `fields` and signed in on `client`."""
    user = StaffFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user
