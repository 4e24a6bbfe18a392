"""Road routing: OpenStreetMap import, the road graph, shortest paths with turn-by-turn steps."""
