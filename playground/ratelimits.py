"""Limits per client, for a public server: fixed-window counters in Django's cache
(this process's memory embedded, Redis shared by every web process scaled out), and the
runs an owner or an address may have going at once (check_active_runs).

A client is its owner (the user, or the anonymous session) and its address
(client_address). Over a limit a request gets 429 with Retry-After and {"error": "..."}
(Limited.response); RateLimitMiddleware applies the checks to the views that start
runs, predict and upload, by URL name, and answers any Limited a view raises.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from playground.models import Run


class Limited(Exception):
    """A limit reached: `message` says which and when to try again, in `retry_after` seconds."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.message, self.retry_after = message, max(1, math.ceil(retry_after))

    def response(self):
        response = JsonResponse({"error": self.message}, status=429)
        response["Retry-After"] = str(self.retry_after)
        return response


def _again(seconds):
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return _("Try again in %(n)d seconds.") % {"n": seconds}
    return _("Try again in %(n)d minutes.") % {"n": math.ceil(seconds / 60)}


# --- who is asking -----------------------------------------------------------------------


def _valid_ip(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def address_from(remote, forwarded=""):
    """The client's address: `remote` (the TCP peer), or, when that is PLAYGROUND_TRUSTED_PROXY,
    the last address that proxy appended to X-Forwarded-For (earlier entries are the client's word)."""
    remote = _valid_ip(remote or "") or "unknown"
    proxy = settings.PLAYGROUND_TRUSTED_PROXY
    if proxy and remote == _valid_ip(proxy) and forwarded:
        return _valid_ip(forwarded.split(",")[-1]) or remote
    return remote


def client_address(request):
    return address_from(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def scope_address(scope):
    """client_address for an ASGI scope (a websocket)."""
    client = scope.get("client") or ("", 0)
    forwarded = dict(scope.get("headers") or ()).get(b"x-forwarded-for", b"").decode("latin-1")
    return address_from(client[0], forwarded)


def owner_of(request):
    """ "user:<id>" or "session:<key>"; None for a visitor with no session yet (nothing owned)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    key = request.session.session_key if hasattr(request, "session") else None
    return f"session:{key}" if key else None


# --- counters ----------------------------------------------------------------------------


def _now():
    return time.time()  # one place to read the clock (tests fix it)


def _digest(who):
    return hashlib.sha256(who.encode()).hexdigest()[:32]  # any username or address: a safe cache key


def _key(name, who, window_s, now):
    return f"limit:{name}:{_digest(who)}:{int(now // window_s)}"


def _incr(key, window_s):
    cache.add(key, 0, timeout=int(window_s) + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(window_s) + 1)
        return 1


def count(name, who, limit, window_s, message):
    """One more in `who`'s current window of `name`; raises Limited once it passes `limit`
    (0: no limit). message % {"limit": limit} says what the limit is. Returns the key."""
    if not limit or not who:
        return None
    now = _now()
    key = _key(name, who, window_s, now)
    if _incr(key, window_s) > limit:
        wait = (int(now // window_s) + 1) * window_s - now
        raise Limited(f"{message % {'limit': limit}} {_again(wait)}", wait)
    return key


def uncount(keys):
    """Take back what count() added (the request failed for another reason)."""
    for key in keys:
        if key:
            try:
                cache.decr(key)
            except ValueError:
                pass


def reached(name, who, limit, window_s):
    """Seconds to wait while `who` has `limit` or more counted in the current window, else 0."""
    if not limit or not who:
        return 0
    now = _now()
    if (cache.get(_key(name, who, window_s, now)) or 0) < limit:
        return 0
    return (int(now // window_s) + 1) * window_s - now


# --- the checks ----------------------------------------------------------------------------


def check_run_start(request):
    message = _("Too many runs started: at most %(limit)s a minute.")
    limit = settings.PLAYGROUND_RUNS_PER_MINUTE
    return [count("runs", who, limit, 60, message) for who in (owner_of(request), client_address(request))]


def check_prediction(request):
    message = _("Too many predictions: at most %(limit)s a second.")
    limit = settings.PLAYGROUND_PREDICTIONS_PER_SECOND
    return [count("predict", who, limit, 1, message) for who in (owner_of(request), client_address(request))]


def check_upload(request):
    message = _("Too many uploads: at most %(limit)s an hour.")
    limit = settings.PLAYGROUND_UPLOADS_PER_HOUR
    return [count("upload", who, limit, 3600, message) for who in (owner_of(request), client_address(request))]


def _login_keys(username, address):
    return [("login-user", (username or "").strip().lower()), ("login-address", address)]


def check_login(username, address):
    """Before checking a password: 429 while the username or the address has failed too often."""
    limit, window = settings.PLAYGROUND_LOGIN_FAILURES, settings.PLAYGROUND_LOGIN_WINDOW_S
    wait = max(reached(name, who, limit, window) for name, who in _login_keys(username, address))
    if wait:
        raise Limited(_("Too many failed attempts to log in or sign up. %(again)s") % {"again": _again(wait)}, wait)


def login_failed(username, address):
    limit, window = settings.PLAYGROUND_LOGIN_FAILURES, settings.PLAYGROUND_LOGIN_WINDOW_S
    for name, who in _login_keys(username, address):
        if limit and who:
            _incr(_key(name, who, window, _now()), window)


# Active runs per owner and per address: the cache remembers which runs an address started (the
# Run rows know only their owner); check_active_runs counts those still going.
ADDRESS_RUNS_S = 24 * 3600


def address_runs(address):
    return cache.get(f"limit:address-runs:{_digest(address)}") or []


def remember_runs(address, run_ids):
    runs = sorted(set(address_runs(address)) | set(run_ids))[-500:]
    cache.set(f"limit:address-runs:{_digest(address)}", runs, timeout=ADDRESS_RUNS_S)


class RunLimitReached(Limited):
    """The owner (PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS / _SIGNED_IN) or the address
    (PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS) already has that many runs queued, running or paused:
    429 over HTTP, until one ends (RETRY_S is a guess: a run's end cannot be foreseen)."""

    RETRY_S = 30


def _owned_active(user, session_key):
    runs = Run.objects.filter(status__in=Run.ACTIVE)
    if user is not None and user.is_authenticated:
        return runs.filter(experiment__owner=user)
    return runs.filter(experiment__owner__isnull=True, experiment__owner_session=session_key or "-")


def active_run_ids(user, session_key):
    return list(_owned_active(user, session_key).values_list("pk", flat=True))


def check_active_runs(user, session_key, address=None):
    """Raises RunLimitReached when the owner, or the address (the runs it started: remember_runs),
    has its limit of active runs."""
    signed_in = user is not None and user.is_authenticated
    limit = (
        settings.PLAYGROUND_MAX_ACTIVE_RUNS_SIGNED_IN if signed_in else settings.PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS
    )
    per_address = settings.PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS
    if limit and (signed_in or session_key) and _owned_active(user, session_key).count() >= limit:
        raise RunLimitReached(
            _(
                "You already have %(limit)s runs going (queued, training or paused), the most allowed: "
                "stop one or wait for one to finish, then try again."
            )
            % {"limit": limit},
            RunLimitReached.RETRY_S,
        )
    if (
        per_address
        and address
        and Run.objects.filter(pk__in=address_runs(address), status__in=Run.ACTIVE).count() >= per_address
    ):
        raise RunLimitReached(
            _(
                "%(limit)s runs started from your network address are still going, the most allowed: "
                "stop one or wait for one to finish, then try again."
            )
            % {"limit": per_address},
            RunLimitReached.RETRY_S,
        )


# Open run sockets per session (else per user, else per address), counted in the cache so that
# every web process sees them; a process that dies leaks its counts until SOCKETS_S passes.
SOCKETS_S = 6 * 3600


def socket_holder(scope):
    session, user = scope.get("session"), scope.get("user")
    if session is not None and session.session_key:
        return f"session:{session.session_key}"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{scope_address(scope)}"


async def socket_opened(holder):
    """Count a socket of `holder`; False (and not counted) past PLAYGROUND_SOCKETS_PER_SESSION."""
    limit = settings.PLAYGROUND_SOCKETS_PER_SESSION
    if not limit:
        return True
    key = f"limit:sockets:{_digest(holder)}"
    await cache.aadd(key, 0, timeout=SOCKETS_S)
    try:
        n = await cache.aincr(key)
    except ValueError:  # expired between add and incr
        await cache.aset(key, n := 1, timeout=SOCKETS_S)
    if n > limit:
        await cache.adecr(key)
        return False
    await cache.atouch(key, SOCKETS_S)
    return True


async def socket_closed(holder):
    if settings.PLAYGROUND_SOCKETS_PER_SESSION:
        try:
            await cache.adecr(f"limit:sockets:{_digest(holder)}")
        except ValueError:  # expired meanwhile
            pass


class MessageRate:
    """Messages a second on one socket (a fixed one-second window, in the consumer's memory)."""

    def __init__(self, limit, clock=time.monotonic):
        self.limit, self.clock, self.start, self.n = limit, clock, clock(), 0

    def over(self):
        now = self.clock()
        if now - self.start >= 1.0:
            self.start, self.n = now, 0
        self.n += 1
        return bool(self.limit) and self.n > self.limit


# --- the middleware --------------------------------------------------------------------------

RUN_STARTS = {"api-runs", "experiment-rerun", "api-experiment-rerun"}


def _upload(request):
    return request.resolver_match.url_name == "playground_dataset_add" or bool(request.FILES)


CHECKS = {  # URL name -> (check, what counts as done: the counters are taken back otherwise)
    "api-runs": (check_run_start, {201}),
    "experiment-rerun": (check_run_start, {302}),
    "api-experiment-rerun": (check_run_start, {201}),
    "api-run-predict": (check_prediction, {200}),
    "playground_dataset_add": (check_upload, {302}),
    "playground_dataset_change": (check_upload, {302}),
}


class RateLimitMiddleware(MiddlewareMixin):
    """The checks above for the POSTs that start runs, predict and upload; a Limited raised
    by a view (check_active_runs, through services.run_create) becomes its 429 too."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if request.method != "POST" or url_name not in CHECKS:
            return None
        if url_name.startswith("playground_dataset") and not _upload(request):
            return None  # an edit of the title or notes, no file
        check, done = CHECKS[url_name]
        try:
            if url_name in RUN_STARTS:
                check_active_runs(
                    getattr(request, "user", None),
                    request.session.session_key if hasattr(request, "session") else None,
                    client_address(request),
                )
            request._limit_counted = (check(request), done)
        except Limited as exc:
            return exc.response()
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, Limited):
            return exception.response()
        return None

    def process_response(self, request, response):
        counted = getattr(request, "_limit_counted", None)
        if counted is None:
            return response
        keys, done = counted
        if response.status_code not in done:
            uncount(keys)
        elif request.resolver_match.url_name in RUN_STARTS:
            remember_runs(client_address(request), active_run_ids(request.user, request.session.session_key))
        return response
