"""Track how a government work plan is carried out, against the baselines it starts from."""

__version__ = "0.1.0"
