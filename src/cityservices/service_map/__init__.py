"""The government service map (政务服务地图): venues, items, guides, bundles, search, where to go, staff editing."""
