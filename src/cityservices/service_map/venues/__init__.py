"""Service venues: filtered lists (open at a moment included), one venue, GeoJSON, the venue page."""
