"""Settings modes: env vars switch database, channel layer and tasks; production is deploy-clean."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_" * 2


def manage(*args, settings="playground.settings.production", **env):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": settings, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_check_deploy_is_clean():
    out = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="playground.example",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    out = manage("check", DJANGO_ALLOWED_HOSTS="playground.example")
    assert out.returncode != 0 and "DJANGO_SECRET_KEY" in out.stderr


def test_environment_switches_to_the_scaled_out_mode():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], s.TASKS['default']['BACKEND'])"
    )
    env = {
        "DATABASE_URL": "postgres://u:p@db:5432/play",
        "REDIS_URL": "redis://cache:6379/0",
        "PLAYGROUND_TASK_BACKEND": "django.tasks.backends.dummy.DummyBackend",
    }
    out = manage("shell", "--no-imports", "-c", code, settings="playground.settings.dev", **env)
    assert out.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "django.tasks.backends.dummy.DummyBackend",
    ], out.stderr
    default = manage("shell", "--no-imports", "-c", code, settings="playground.settings.dev")
    assert default.stdout.split() == [
        "django.db.backends.sqlite3",
        "playground.layers.PlaygroundInMemoryChannelLayer",
        "playground.taskbackend.InProcessBackend",
    ], default.stderr
