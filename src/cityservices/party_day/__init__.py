"""Thematic Party Days (主题党日): branches, activities, attendance, records, review, resources and dues."""
