"""cityservices: a city's government service map, insurance services and Party-day platform."""

__version__ = "0.1.0"
