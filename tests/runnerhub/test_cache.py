"""The production Redis backend (runnerhub/cache.py): Django's RedisCache with one client per
connection pool, and set_many as one SET with its expiry per key."""

import os
import secrets
import warnings

import pytest

from runnerhub.cache import RedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def cache():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": f"runnerhub-cache-test-{secrets.token_hex(4)}"})
    yield backend
    client = backend._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{backend.key_prefix}:*"):
        client.delete(key)


def test_one_client_serves_every_call(cache):
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first
    cache.set("page", {"html": "<p>x</p>"}, 30)
    assert cache.get("page") == {"html": "<p>x</p>"}
    assert cache._cache.get_client() is first


def test_set_many_keeps_each_key_for_its_timeout_in_one_round_trip(cache, monkeypatch):
    client = cache._cache.get_client(write=True)
    sent = []
    real = type(client).pipeline

    def pipeline(self, *args, **kwargs):
        pipe = real(self, *args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda: sent.append(len(pipe.command_stack)) or execute()
        return pipe

    monkeypatch.setattr(type(client), "pipeline", pipeline)
    cache.set_many({"one": b"1", "two": "two", "three": 3}, 60)
    assert sent == [3]  # three commands, one round trip
    assert cache.get_many(["one", "two", "three", "four"]) == {
        "one": b"1",
        "two": "two",
        "three": 3,
    }
    for key in ("one", "two", "three"):
        assert 55 <= client.ttl(cache.make_key(key)) <= 60
    cache.set_many({"forever": "x"}, None)
    assert client.ttl(cache.make_key("forever")) == -1  # no expiry


def test_set_many_with_a_timeout_of_zero_keeps_nothing(cache):
    cache.set("gone", "old", 60)
    cache.set_many({"gone": "new", "never": "x"}, 0)
    assert cache.get_many(["gone", "never"]) == {}


def test_keys_are_not_held_to_memcacheds_rules(cache):
    # Django's backends warn (CacheKeyWarning) about keys memcached could not hold; a Redis
    # key has no such limit, and checking each character cost every call.
    long_key = "k" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.set(long_key, "kept", 30)
        assert cache.get(long_key) == "kept"
    assert cache.make_and_validate_key(long_key) == cache.make_key(long_key)
