"""Parsing: normalize → grammar → document structure → profile → table binding."""
