"""D: Datasette over the API's own SQLite download, read-only (immutable), with facets and facet
suggestions off. ``BENCH_DATASETTE_FILE`` names the file."""

import os

from datasette.app import Datasette  # type: ignore[import-untyped]  # Datasette ships no type hints

SETTINGS = {"suggest_facets": False, "allow_facet": False, "default_facet_size": 0}

app = Datasette(immutables=[os.environ["BENCH_DATASETTE_FILE"]], settings=SETTINGS).app()
