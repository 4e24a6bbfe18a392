"""What the member's archive discloses to the member: who on the staff read their records, and the whole timeline
as an HL7 FHIR R4 ``Bundle``."""
