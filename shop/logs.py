"""Log records that say which request (and whose) they belong to; JSON lines.

`RequestLogMiddleware` makes the running request current; every record that
passes the console handler then gets `request_id` and `user_id` (the
`RequestContextFilter`). A task queued during a request carries both in its
message headers, and the worker puts them, with `task_id`, on every record
the task logs, so one request's lines can be found across the web and the
workers.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.utils.functional import SimpleLazyObject, empty

_STANDARD = set(vars(logging.makeLogRecord({})))
_request = contextvars.ContextVar("shop_log_request", default=None)
_task = contextvars.ContextVar("shop_log_task", default=None)
# Names of the fields in a task's message headers.
_HEADERS = {"request_id": "shop_request_id", "user_id": "shop_user_id"}


def request_enter(request) -> contextvars.Token:
    """Make `request` the one log records belong to; reset with the token."""
    return _request.set(request)


def request_exit(token: contextvars.Token) -> None:
    _request.reset(token)


def _user_id(request) -> int | None:
    # Only a user already known: logging must not load the session itself.
    user = vars(request).get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


def log_context() -> dict:
    """Return the request id, user id and task id of the running work."""
    context = dict(_task.get() or {})
    request = _request.get()
    if request is not None:
        context["request_id"] = getattr(request, "id", None)
        context["user_id"] = _user_id(request) or context.get("user_id")
    return {key: value for key, value in context.items() if value is not None}


class RequestContextFilter(logging.Filter):
    """Put the running request's (or task's) ids on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in log_context().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


@before_task_publish.connect
def _task_headers_add(headers=None, **kwargs) -> None:
    if headers is None:
        return
    context = log_context()
    for key, header in _HEADERS.items():
        if key in context:
            headers.setdefault(header, context[key])


@task_prerun.connect
def _task_enter(task_id=None, task=None, **kwargs) -> None:
    request = task.request
    headers = request.headers or {}
    context = {"task_id": task_id}
    for key, header in _HEADERS.items():
        context[key] = getattr(request, header, None) or headers.get(header)
    request.shop_log_token = _task.set(context)


@task_postrun.connect
def _task_exit(task=None, **kwargs) -> None:
    token = getattr(task.request, "shop_log_token", None)
    if token is not None:
        _task.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
