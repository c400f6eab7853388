"""Django's Redis cache backend, keeping one client per connection pool instead of making one per call.

Django builds a new ``redis.Redis`` for every cache operation. With redis-py 5 and later that object fills a
table of some 170 response callbacks as it is made, which costs more than the loopback round trip it is
made for; a detail page makes up to five such calls. A client over a connection pool is safe to share
between threads, and the pools are Django's own, so nothing else changes.
"""

from django.core.cache.backends import redis


class _ClientPerPool(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
