"""National and regional planning: demand, access, location of new centres, capacity gap."""
