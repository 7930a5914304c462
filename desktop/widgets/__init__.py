"""Widgets and widget helpers shared by several panes (each module owns one kind of widget)."""
