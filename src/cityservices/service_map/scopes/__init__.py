"""The service map's scope kinds (``district``, ``department``): what they cover, as checks and query filters."""
