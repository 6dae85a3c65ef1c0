"""A cohort's tables, read once and analysed the same way by the CLI, the API, the pages and
the HTML report.

- :mod:`.tables`: the table formats (columns, types) and the CSV reader, whose errors name
  the file, line and column; the same columns are what a registry export maps to;
- :mod:`.source`: where a cohort comes from (:class:`~.source.CohortSource`): CSV files or
  uploads now (:class:`~.source.CsvCohort`), the registry later;
- :mod:`.assess`: tables → per-patient series → the response engines;
- :mod:`.analysis`: every cohort analysis (waterfall, swimmer, survival, discordance,
  toxicity, benchmarking) as one :class:`~.analysis.CohortAnalysis`;
- :mod:`.figures` and :mod:`.report`: Plotly figures, tables and the self-contained report.
"""
