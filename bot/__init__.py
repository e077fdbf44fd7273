"""Kawan: an Indonesian FAQ and reminder bot for freelancers and microstock contributors."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout root; the shipped `content/` folder lives here."""
