"""Spasmtrack: track muscle spasms and find out what helps."""
