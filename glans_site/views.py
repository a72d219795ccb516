from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A database that went away in a middleware (the session, the user) is a 503 "try again"
    too; the views' own errors are handled by glans_learning's UnavailableMiddleware."""
    import sys

    from glans_learning.core.middleware import unavailable_reason, unavailable_response

    reason = unavailable_reason(sys.exc_info()[1])
    if reason is not None:
        return unavailable_response(request, reason)
    return render(request, "500.html", status=500)
