"""The HTTP views, one blueprint per resource; ``api.create_app`` registers them all."""

from dispatch.service.views.compare import bp as compare
from dispatch.service.views.ledger import bp as ledger
from dispatch.service.views.meta import bp as meta
from dispatch.service.views.plans import bp as plans

BLUEPRINTS = (plans, ledger, meta, compare)

__all__ = ["BLUEPRINTS"]
