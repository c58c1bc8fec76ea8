"""The staff web pages at ``/``: login, register, import, today, what-if, plans (docs/web.md)."""
