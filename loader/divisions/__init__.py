"""divisions."""
