import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # throttle history lives in the cache
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return APIClient()


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def outsider(django_user_model):
    """A registered user with a token but no permission to change anything."""
    return token_client(django_user_model.objects.create_user("outsider", password="x" * 12))


@pytest.fixture
def editor(django_user_model):
    """A journalist-integrator allowed to add, change and delete events, measures and sources."""
    user = django_user_model.objects.create_user("editor", password="x" * 12)
    codenames = [f"{action}_{model}" for action in ("add", "change", "delete") for model in
                 ("event", "measure", "source", "actor", "case", "dispute")]  # fmt: skip
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return token_client(user)
