"""The shape of every record key (``gdp``, ``fyp14.goal-3``), shared by the seed models and the
query layer's key checks, in a module light enough for the API to import at start."""

KEY_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
