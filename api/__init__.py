"""Open-data API over the 2021 Cixi Municipal Government Work Report."""

__version__ = "0.1.0"
