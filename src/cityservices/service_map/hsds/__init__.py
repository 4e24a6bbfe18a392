"""Open Referral HSDS 3.1: the /api/hsds read API and the HSDS file format."""
