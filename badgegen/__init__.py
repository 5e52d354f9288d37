"""badgegen: an Open Badges registry that lives in a git repository and publishes a static site."""

__version__ = "0.1.0"
