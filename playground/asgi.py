"""ASGI entry point: Django for HTTP (bodies size-checked first), the run consumer for websockets
(session auth, origin checked; any other path closed with 4404)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings.dev")
django_asgi_app = get_asgi_application()  # set Django up before importing consumers and models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from playground.bodylimit import BodyLimit  # noqa: E402
from playground.routing import websocket_urlpatterns  # noqa: E402
from playground.serverlimit import install as limit_daphne_bodies  # noqa: E402
from playground.taskbackend import remember_server_loop  # noqa: E402

limit_daphne_bodies()  # daphne reads a whole body before calling us: refuse it while it arrives

router = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),  # a body too large is refused before Django reads it
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def application(scope, receive, send):
    # The in-process task backend schedules runs on the server's loop; note which one it is.
    remember_server_loop()
    return await router(scope, receive, send)
