"""医保服务地图: insurance offices, designated hospitals and pharmacies on the service map's hours and routing."""
