"""Converter-level tests of `cdp import` on the real public exports under <repo>/../shared/data/real."""
