from django.conf import settings

from zhenwu.core.actor import Actor, Source, _current


class SecurityHeadersMiddleware:
    """A Content-Security-Policy that allows only this host (the product works offline)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"
        )
        return response


class ActorMiddleware:
    """Attribute every write during a page request to the signed-in user (the API and the
    admin set their own source)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        source = Source.ADMIN if request.path.startswith("/admin/") else Source.UI
        if request.path.startswith("/api/"):
            source = Source.API
        token = _current.set(
            Actor(user=user if user and user.is_authenticated else None, source=source)
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
