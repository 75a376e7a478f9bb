"""`app_home_opened`: the person's Home is published (views.publish) as it is now."""

from __future__ import annotations

from typing import Any

from bot.services import Services


def publish_home(event: dict[str, Any], services: Services) -> None:
    # Bolt acknowledged the event already; HomeService.updates publishes it (coalesced).
    # The Messages tab sends this event too; only the Home tab shows the Home.
    if event.get("tab", "home") != "home":
        return
    services.home.out_of_date([str(event["user"])], force=True)
