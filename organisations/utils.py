from django.http import Http404


def parse_id(value) -> int:
    """A positive integer id from a URL segment; anything else is 'not found'."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise Http404 from None
    if number <= 0 or number > 2**62:
        raise Http404
    return number
