"""生育津贴: maternity allowance applications made by an enterprise for its employee, reviewed and paid by staff."""
