"""Staff editing of service-map records: versions, restore, photos, the data dashboard."""
