"""Browser pages: log in and out, the home page, OAuth confirmation (not the API)."""
