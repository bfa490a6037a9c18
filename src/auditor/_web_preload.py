"""Preloaded by the web app's forkserver: every audit child is forked with parsers already built."""
from .web_worker import warm

warm()
