"""The demo's text and data, kept apart from the code that loads it."""
