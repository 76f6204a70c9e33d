"""The desk's pages, one module per resource: the overview, a return, the
inbox, the steps run as jobs, the downloads, the settings as read."""
