"""The catalogue: items, guides, one-thing bundles, divisions and departments; the citizen pages that show them."""
