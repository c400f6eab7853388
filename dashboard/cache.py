"""Django's Redis cache backend, keeping one client per connection pool instead of making one per call.

Django builds a new ``redis.Redis`` for every cache operation. With redis-py 5 and later that object fills a
table of some 170 response callbacks as it is made, which costs more than the loopback round trip it is
made for. A client over a connection pool is safe to share between threads, and the pools are Django's
own, so nothing else changes.

Figure (docs/performance.md, benchmarks/cache_calls.py): 128-135 µs of CPU per call with Django's backend,
62-65 µs with this one. A cached detail page makes 2 calls, an uncached one 12: about 0.8 ms of CPU per
uncached page.
"""

from collections.abc import Callable
from typing import Any

import redis as redis_py
from django.core.cache.backends import redis


class _ClientPerPool(redis.RedisCacheClient):
    # Django's own (private) members used here, which its type stubs leave out.
    _client: type[redis_py.Redis]
    _get_connection_pool: Callable[[bool], redis_py.ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis_py.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis_py.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
