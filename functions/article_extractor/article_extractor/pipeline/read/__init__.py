"""Bytes -> text -> tree: bounded gunzip (`compression`), charset decoding (`decoding`), text made
safe to parse (`sanitize`), bounds on what one libxml2 call may do (`markup_limits`), and the one
parse every later step shares (`parsing`)."""
