"""Renderers: text for people, JSON for programs (data contract)."""
