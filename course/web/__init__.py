"""The web layer: requests in, services called, templates out."""
