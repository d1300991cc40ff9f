"""`make bench`: load, checkout race and webhook storm against a seeded shop."""
