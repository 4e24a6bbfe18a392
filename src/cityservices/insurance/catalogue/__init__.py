"""The national medical-insurance catalogue: drugs (2024 edition), herbal pieces, payment rules, product and
consumables codes, and the citizen catalogue search."""
