"""Printable handouts for a facilitator: a brief for each seat (its secret agenda on a card to fold
away), the run sheet, and a class's join codes with QR codes; one self-contained HTML file."""
