"""CPU and wall time of one shared-cache call through Django's Redis backend and through dashboard.cache
(one client per connection pool), the two taking turns in one process. The calls are those an uncached
detail page makes around its upstream call: take the lock, read the details, store them, release the lock.

Needs Redis on 127.0.0.1:6379 (database 8, like benchmarks/serve.py; BENCH_REDIS_URL overrides it).
"""

import os
import statistics
import time

ROUNDS = 15
PAGES_PER_ROUND = 500
CALLS_PER_PAGE = 4


def page_calls(cache) -> None:
    cache.add("bench-lock", "token", 30)
    cache.get("bench-details")
    cache.set("bench-details", "details", 1)
    cache.delete("bench-lock")


def main() -> None:
    from benchmarks.harness import answers

    if not answers(6379):
        print("Redis does not answer on 127.0.0.1:6379: nothing measured.")
        return
    from django.conf import settings

    settings.configure()
    from django.core.cache.backends.redis import RedisCache

    from dashboard.cache import RedisCache as ClientPerPool

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    backends = {"Django's Redis backend": RedisCache(url, {}), "one client per pool": ClientPerPool(url, {})}
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in backends}
    for cache in backends.values():  # connections open, code warm
        for _ in range(PAGES_PER_ROUND):
            page_calls(cache)
    for _ in range(ROUNDS):
        for name, cache in backends.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(PAGES_PER_ROUND):
                page_calls(cache)
            calls = PAGES_PER_ROUND * CALLS_PER_PAGE
            timings[name].append(
                ((time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6)
            )
    for name, values in timings.items():
        cpu_us = statistics.median(value[0] for value in values)
        wall_us = statistics.median(value[1] for value in values)
        print(f"{name:<24} {cpu_us:6.1f} µs CPU, {wall_us:6.1f} µs wall per call (median of {ROUNDS} rounds)")


if __name__ == "__main__":
    main()
