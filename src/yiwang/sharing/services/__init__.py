"""The operations of 数据共享开放, one module per concept.

``catalogue`` (the resource catalogue and its sync from the backbone), ``grants`` (request, decide, credential,
revoke), ``reads`` (enforced reads), ``supervision`` (alerts), ``watermark`` (fingerprints and tracing),
``opendata`` (the open-data portal, CKAN, DCAT, differential privacy), ``joint`` (private set intersection),
``returns`` (数据回流 with receipts), ``thematic`` (thematic databases), ``operations`` (授权运营),
``whoread`` (谁看了我的数据).
"""
