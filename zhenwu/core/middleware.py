from django.conf import settings

from zhenwu.core.actor import Actor, Source, _current


class SecurityHeadersMiddleware:
    """A Content-Security-Policy that allows only this host (the product works offline)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Every page, the API docs included (Swagger UI is served locally and runs under it).
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


class NulCharacterMiddleware:
    """Drop NUL characters from query parameters: PostgreSQL text cannot hold them, so a
    `?q=%00` in a search box would otherwise answer 500 there (and never match on SQLite)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key, [v.replace("\x00", "") for v in cleaned.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese for everyone unless they chose English with the switch (a cookie set by
    Django's set_language view). Unlike LocaleMiddleware, the browser's Accept-Language does
    not decide: a town office's English-language browser still gets the Chinese product."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
