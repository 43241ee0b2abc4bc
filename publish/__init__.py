"""planlod: publish municipal political plans as linked open data."""

__version__ = "0.1.0"
