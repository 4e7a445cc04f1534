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
        from django.urls import get_resolver
        from django.utils import translation

        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}
        # Labels are lazy (gettext_lazy). Whatever the URLconf turns into text while it loads
        # (the API's schema descriptions and tags) is evaluated once, in the source language,
        # not in the language of whoever happens to ask first.
        with translation.override(settings.LANGUAGE_CODE):
            get_resolver().url_patterns  # noqa: B018 — imports the URLconf

    def __call__(self, request):
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages or request.path.startswith("/api/"):
            # The JSON API is a data door: its labels (choice labels, change-log field names)
            # are the source strings whatever the browser's language switch says.
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


SESSION_STAMP = "_zhenwu_refreshed"


def stamp_session(session) -> None:
    import time

    session[SESSION_STAMP] = int(time.time())


class SessionRefreshMiddleware:
    """Keep the eight-hour idle timeout without writing the session on every request: a
    signed-in session is re-saved (its expiry pushed forward) only when its last refresh is
    older than SESSION_REFRESH_SECONDS. Reads therefore never need the database's write lock
    (issue 9: a long import must not lock the town out of reading)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return response
        if "_auth_user_id" not in session:
            return response
        import time

        stamp = session.get(SESSION_STAMP)
        if not isinstance(stamp, int) or time.time() - stamp >= settings.SESSION_REFRESH_SECONDS:
            stamp_session(session)
        return response


def _stamp_on_login(sender, request, user, **kwargs):
    # Login saves the session anyway; stamping it here means the next request needs no write.
    if request is not None and hasattr(request, "session"):
        stamp_session(request.session)


def connect_session_stamp() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_stamp_on_login, dispatch_uid="zhenwu-session-stamp")
