"""The national medical-insurance catalogue: drugs (2024 edition), herbal pieces, payment rules, product and
consumables codes, and the citizen catalogue search."""

from cityservices.config import PROJECT_ROOT

CATALOGUE_DIR = PROJECT_ROOT / "data" / "insurance" / "catalogue"  # the bundled 2024 edition (the CLI's default)
# A small invented consumables file (no public list exists), so that the consumables queries run on something.
DEMO_CONSUMABLES = PROJECT_ROOT / "data" / "qingdao" / "insurance" / "consumables" / "consumables_demo.csv"
