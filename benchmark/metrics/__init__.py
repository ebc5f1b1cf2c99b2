"""Per-example metrics (ROUGE profiles, fragments, lengths) behind one plug-in interface."""
