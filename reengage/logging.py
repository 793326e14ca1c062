import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class WithoutQueryString(logging.Filter):
    """Request log lines lose their query string: a caseload search carries a youth's name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_QUERY.sub("", record.args[0], count=1), *record.args[1:])
        return True
