"""Quanzi's feature plugins: one package each (see docs/plugins.md)."""
