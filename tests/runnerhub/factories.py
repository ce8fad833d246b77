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


def warm_page_cache():
    """A new page cache generation (every cached page out of date, as after a change made
    through a service), with its one query (the next scheduled article) done, so that a
    query count measures a page cache miss, as on every miss but a generation's first."""
    from runnerhub import pagecache

    pagecache._new_generation()
    pagecache._next_change(pagecache._generation())


def form_token(client) -> str:
    """The CSRF token forms.js puts into a form of a cached page (and its cookie)."""
    return client.get("/forms/token/").json()["csrfToken"]


def cold_fragments():
    """Every fragment out of date and a page cache miss (warm_page_cache): what a page costs
    after a change, or on a cache that was just emptied."""
    from runnerhub import fragments

    fragments.new_versions([fragments.ALL])
    warm_page_cache()
