"""Networked play: the table server, its store and protocol, and its clients."""
