"""Enterprises (units, 单位) that enrol employees: their table, queries and registration rules."""
