"""Server-rendered pages for people: the data at a glance, browsable, charted, citable.

Every page reads the one query layer (``api.queries``, ``api.datasets``); templates are in
``api/templates/web``, styles and the one small script in ``api/static/web``.
"""
