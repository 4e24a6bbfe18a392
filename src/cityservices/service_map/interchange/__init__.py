"""The service map's data in and out: validated records, native CSV/JSON and GeoJSON, import and export."""
