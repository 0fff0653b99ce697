"""Accounts with Django's auth: sign up, log in, log out, change the password.

Anyone may train without an account: runs belong to the browser's session.
Logging in or signing up hands that session's runs, experiments and lesson progress
to the account. Django rotates the session key on log-in, so the key is read before.
Repeated failures (PLAYGROUND_LOGIN_FAILURES in PLAYGROUND_LOGIN_WINDOW_S, per username and
per address: playground.ratelimits) answer 429 with the form and the message, checking nothing.
"""

from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from playground import ratelimits, services
from playground.lessons import services as lesson_services


def _throttled(request, form):
    """None, or the form page answering 429 (Retry-After) while this username or address has
    failed too often; the password is not even checked."""
    try:
        ratelimits.check_login(request.POST.get("username", ""), ratelimits.client_address(request))
    except ratelimits.Limited as exc:
        form.cleaned_data = {}  # unbound (nothing validated), yet it shows the message as its error
        form.add_error(None, exc.message)
        return exc
    return None


def _failed(request):
    ratelimits.login_failed(request.POST.get("username", ""), ratelimits.client_address(request))


def _next(request, default="experiments"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class ClaimingLoginView(LoginView):
    """Django's LoginView; the anonymous session's runs move to the account."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        form = self.form_class(request)  # unbound: a bound one would authenticate to show its errors
        if limited := _throttled(request, form):
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        _failed(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        session_key = self.request.session.session_key
        response = super().form_valid(form)
        services.experiments_claim(session_key, self.request.user)
        lesson_services.lessons_claim(session_key, self.request.user)
        return response


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(_next(request))
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and (limited := _throttled(request, blank := UserCreationForm())):
        response = render(request, "registration/signup.html", {"form": blank, "next": _next(request, "")}, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if request.method == "POST" and form.is_valid():
        session_key = request.session.session_key
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.experiments_claim(session_key, user)
        lesson_services.lessons_claim(session_key, user)
        return redirect(_next(request))
    if form.errors:
        _failed(request)
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": _next(request, "")},
        status=400 if form.errors else 200,
    )
