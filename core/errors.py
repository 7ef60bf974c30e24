"""User-facing errors. Each one becomes a one-line message at the edge (CLI, TUI, server)."""

from __future__ import annotations


class CalvadosError(Exception):
    """Base class for every error a user should see as a one-line message."""


class ConfigError(CalvadosError):
    """The configuration or the user directory is unusable."""


class ModelError(CalvadosError):
    """A model file is missing, unknown, or fails its checksum."""


class PluginError(CalvadosError):
    """A plugin could not be loaded or registered something invalid."""


class ToolNotFound(CalvadosError):
    """The planner or the user named a tool that is not registered."""


class ToolArgumentError(CalvadosError):
    """A tool's arguments do not validate."""


class ToolError(CalvadosError):
    """A tool ran and failed in a way the user can act on (missing file, unknown booking...)."""


class MessageError(CalvadosError):
    """A message the agent cannot take (empty, or too long)."""


class SessionNotFound(CalvadosError):
    """No session with that id."""


class PolicyDenied(CalvadosError):
    """The privacy policy does not allow this request to leave the device."""


class CloudError(CalvadosError):
    """The cloud model could not be reached, refused, or gave an unusable reply."""


class CloudUnreachable(CloudError):
    """No connection to the cloud model (network down, refused, or timed out)."""


def one_line(exc: BaseException) -> str:
    """Render an exception as a single line for users."""
    text = str(exc).strip() or exc.__class__.__name__
    return " ".join(text.split())
