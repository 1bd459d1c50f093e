"""The web service (`roster serve`): a FastAPI application with server-rendered pages for registrars,
managers and administrators, and a JSON API with the same rights. It reads and writes through the
use cases of `living`, `explain`, `planning` and `joblines`; it never imports Dagster."""
