"""The HTTP views, one blueprint (``bp``) per resource; ``api.create_app`` registers them."""
