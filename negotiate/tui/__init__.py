"""The terminal game (textual). Only this package imports textual; `session`, `saves`, `words`
and `preview` do not, so they can be tested and reused without a screen."""
