"""The running service: store, jobs, keys, process identity and the HTTP blueprints."""
