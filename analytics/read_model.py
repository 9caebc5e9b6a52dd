"""The name of the read model analytics runs publish (importable without Polars)."""

from typing import Final

NAME: Final = "analytics"
