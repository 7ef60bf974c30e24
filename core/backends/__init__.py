"""Model backends: a small ABC, and implementations registered through ``register_backends``."""

from .base import Backend, BackendOptions, Message

__all__ = ["Backend", "BackendOptions", "Message"]
