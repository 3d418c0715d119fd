"""stegvis – samordnad rehabilitering och etablering, steg för steg."""

__version__ = "0.1.0"
