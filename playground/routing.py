from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from playground.consumers import RunConsumer


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other path: closed with 4404, as a missing run is (URLRouter would raise instead,
    a 500 on the handshake and a traceback in the log)."""

    async def connect(self):
        await self.accept()  # accept first, so the browser sees the close code
        await self.close(code=4404)


websocket_urlpatterns = [
    path("ws/runs/<int:run_id>/", RunConsumer.as_asgi()),
    re_path(r"", NoSuchSocket.as_asgi()),
]
