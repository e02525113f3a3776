"""Charts drawn on the server as SVG: the geometry here, the markup in ``templates/charts``.

Each kind of key result has its own chart module; ``key_result_chart`` picks it by the key
result's ``kind`` (every key result is ``numeric`` until typed key results exist), and the
page includes the template the chart names.
"""

from okr_app.web.charts import numeric

#: kind of key result -> the module drawing it (``draw(key_result, objective, check_ins, now)``).
CHART_MODULES = {"numeric": numeric}


def key_result_chart(key_result, objective, check_ins, now):
    """Return the chart of a key result: its template name and the figures it draws."""
    kind = getattr(key_result, "kind", "numeric")
    module = CHART_MODULES.get(kind, numeric)
    return module.draw(key_result, objective, check_ins, now)
