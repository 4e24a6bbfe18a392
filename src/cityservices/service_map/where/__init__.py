"""Where and when to go: opening hours, the nearest open venue, nearby places, locating a typed place, the base map."""
