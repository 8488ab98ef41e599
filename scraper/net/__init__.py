"""Talking to the sites: fetching with pacing, retries and robots.txt, telling a block page
from an answer, decoding bodies, and the cookies a logged-in session needs. Knows nothing of
the archive or of any one site's pages."""
