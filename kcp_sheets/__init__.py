"""kcp_sheets: the support officer's side of a Local Strategic Partnership's
annual review. Generate the workbooks, read back the returns, consolidate
them into the improvement action plan."""

__version__ = "0.5.0"
