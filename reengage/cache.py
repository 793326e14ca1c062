"""The Redis cache, which holds only rate-limit counters: when Redis stops answering, a page
goes on without counting (and RATELIMIT_FAIL_OPEN lets it through) instead of failing."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _warn(operation: str, error: RedisError) -> None:
    logger.warning("Redis cache %s failed (%s): rate limits are not counted", operation, error)


class FailOpenRedisCache(RedisCache):
    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _warn("add", error)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _warn("get", error)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _warn("set", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn("incr", error)
            return None

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _warn("delete", error)
            return False
