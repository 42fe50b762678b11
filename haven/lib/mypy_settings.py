"""Settings for the mypy Django plugin only: it imports settings to learn the
installed apps, and production settings refuse to load without a secret key.
Nothing runs with these settings."""

import os

os.environ.setdefault("HAVEN_SECRET_KEY", "mypy-plugin-only-" + "k" * 40)

from haven.settings import *  # noqa: F403
