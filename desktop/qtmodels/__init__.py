"""Qt item models over engine data."""
