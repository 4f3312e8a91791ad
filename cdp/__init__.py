"""Open, warehouse-native customer data platform for ecommerce: Python tools around the dbt project."""

__version__ = "0.1.0"
