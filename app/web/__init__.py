"""The thin web layer: routes, the WebSocket and pages. No science here."""
