"""Import kinds of the evaluation app."""
