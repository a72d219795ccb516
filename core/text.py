"""Text every database can hold. One cleaning for every interface: the API's parser and the
middleware in front of every form (front end and admin) both use `storable`."""

from __future__ import annotations

from django.http import QueryDict


def storable(value):
    """NUL bytes and lone surrogates (which no UTF-8 text can contain, and PostgreSQL refuses)
    become U+FFFD, the replacement character, as a UTF-8 decoder does. Dicts and lists are
    cleaned throughout; other values pass unchanged."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def storable_querydict(data):
    """`data` (a QueryDict) if it is clean, else an immutable clean copy."""
    if not any(
        storable(key) != key or any(storable(v) != v for v in values)
        for key, values in data.lists()
    ):
        return data

    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(storable(key), [storable(v) for v in values])
    clean._mutable = False
    return clean
