"""The review desk: the officer's whole review as pages in a local web browser.

A face over the library, not a second implementation: every page reads the
review folder through the same calls as the commands (`status`, `check`,
`consolidate`), so the desk and the command line agree on one folder.
"""
