"""A DCAT-AP 3.0.1 catalogue of the release, for data portals that harvest RDF: the formats it is
offered in and the choice among them. The graph is built by ``api.dcat``, imported on the first
catalogue request: rdflib would otherwise add some 50 ms to every start of the API.
"""

from typing import TYPE_CHECKING

from api.errors import NotAcceptable
from api.release import Download, Release

if TYPE_CHECKING:
    from rdflib import Graph

SERIALIZATIONS = {"application/ld+json": "json-ld", "text/turtle": "turtle", "application/rdf+xml": "xml"}


def catalog_graph(release: Release, downloads: list[Download], base_url: str) -> "Graph":
    """The DCAT-AP catalogue of ``release`` with every IRI under ``base_url``."""
    from api import dcat

    return dcat.catalog_graph(release, downloads, base_url)


def serialize(graph: "Graph", media_type: str) -> bytes:
    from api import dcat

    return dcat.serialize(graph, media_type)


def negotiate(accept: str | None) -> str:
    """The serialization an Accept header asks for (JSON-LD when it allows any); 406 when none.

    ``application/json`` counts as JSON-LD (JSON-LD is JSON); q-values and wildcards are honoured,
    ties go to the order of ``SERIALIZATIONS``.
    """
    if not accept or not accept.strip():
        return "application/ld+json"
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))

    def quality_of(offered: str) -> float:
        """The quality of the most specific range that matches ``offered``."""
        aliases = {offered, "application/json"} if offered == "application/ld+json" else {offered}
        for matching in (aliases, {offered.split("/")[0] + "/*"}, {"*/*"}):
            qualities = [quality for media_range, quality in ranges if media_range in matching]
            if qualities:
                return max(qualities)
        return 0.0

    best = max(SERIALIZATIONS, key=lambda offered: (quality_of(offered), -list(SERIALIZATIONS).index(offered)))
    if quality_of(best) <= 0:
        raise NotAcceptable(f"the catalogue is available as {', '.join(SERIALIZATIONS)}; Accept {accept!r} allows none of them")
    return best
