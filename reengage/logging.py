import logging
import re

import httpx

_QUERY = re.compile(r"\?[^\s\"]*")


class WithoutQueryString(logging.Filter):
    """Logged URLs lose their query string: a caseload search carries a youth's name, and the
    SIS client's requests a student's ID, name or birth date. On the request log's handler and
    on httpx's logger, whose arguments are the request line or the URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True


def _without_query(arg):
    if isinstance(arg, httpx.URL):
        return str(arg.copy_with(query=None))
    if isinstance(arg, str):
        return _QUERY.sub("", arg, count=1)
    return arg
