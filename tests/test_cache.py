"""The Redis cache backend: Django's own, reusing one client per connection pool instead of one per call."""

import pytest

from dashboard.cache import RedisCache
from tests.conftest import redis_answers
from tests.test_settings import load_settings

REDIS_DB = 6  # a database of its own, flushed by these tests


def test_a_redis_cache_url_selects_this_backend():
    result = load_settings("settings.CACHES['default']['BACKEND']", CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "dashboard.cache.RedisCache"


def test_every_call_gets_the_same_client():
    """Making clients opens no connection, so this needs no Redis."""
    cache = RedisCache(f"redis://127.0.0.1:6379/{REDIS_DB}", {})

    client = cache._cache.get_client("a key")

    assert cache._cache.get_client("another key") is client
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes share its pool


@pytest.fixture
def redis_cache():
    if not redis_answers():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    cache = RedisCache(f"redis://127.0.0.1:6379/{REDIS_DB}", {})
    cache.clear()
    yield cache
    cache.clear()


def test_it_behaves_as_djangos_backend(redis_cache):
    assert redis_cache.add("lock", "first", 30)
    assert not redis_cache.add("lock", "second", 30)
    assert redis_cache.get("lock") == "first"
    redis_cache.delete("lock")
    assert redis_cache.get("lock", "gone") == "gone"
    assert redis_cache.get_or_set("n", 1, 30) == 1
    assert redis_cache.incr("n") == 2
