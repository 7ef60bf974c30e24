"""The session sidebar: start a new session or resume an earlier one."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

NEW = "new"


class SessionItem(ListItem):
    def __init__(self, session_id: str | None, label: str, *, current: bool = False) -> None:
        super().__init__(Label(label, markup=False))
        self.session_id = session_id
        self.set_class(current, "-current")


def session_label(row: dict[str, Any], current: bool) -> str:
    title = " ".join(str(row.get("title") or "(new session)").split())
    mark = "● " if current else "  "
    return f"{mark}{title}"


class SessionSidebar(Vertical):
    """Lists sessions (most recent first); selecting one posts :class:`SessionChosen`."""

    class SessionChosen(Message):
        """``session_id`` None means: start a new session."""

        def __init__(self, session_id: str | None) -> None:
            super().__init__()
            self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield Label("Sessions", classes="sidebar-title")
        yield ListView(id="session-list")

    async def show(self, rows: list[dict[str, Any]], current: str | None) -> None:
        """Replace the list. Empty sessions other than the current one are left out."""
        items = [SessionItem(None, "+ New session")]
        for row in rows:
            if row.get("messages") or row["id"] == current:
                is_current = row["id"] == current
                items.append(SessionItem(row["id"], session_label(row, is_current),
                                         current=is_current))
        listing = self.query_one(ListView)
        if not listing.is_attached:
            return  # the app is closing
        await listing.clear()
        await listing.extend(items)

    @property
    def session_ids(self) -> list[str | None]:
        return [item.session_id for item in self.query(SessionItem)]

    @on(ListView.Selected)
    def _chosen(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, SessionItem):
            self.post_message(self.SessionChosen(event.item.session_id))
