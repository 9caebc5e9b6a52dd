"""Product search: one port (``port.py``), adapters per engine (Tantivy embedded today)."""
