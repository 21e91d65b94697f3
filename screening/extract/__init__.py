"""Extract stage: read registration extracts (CSV, Excel, Parquet, JSON Lines) into uniform chunks."""
