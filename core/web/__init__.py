"""HTTP plumbing: pages, forms, the JSON API, auth, errors, headers, the guest page cache, rate limits."""

from core.web import convertors

convertors.register()  # before any module builds its routes: ``{id:int}`` then holds only database integers
