"""The debrief of a game or a class: what happened, why, and what cooperation was worth
(`render.build`, `render.html`, `render.markdown`; the no-deal game: `baseline.no_deal`).
Nothing is imported here, so the command line loads the charts only when a debrief is made."""
