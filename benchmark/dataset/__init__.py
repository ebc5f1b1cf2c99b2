"""Making a dataset: clusters become examples, split by cluster, exported with a card.

``build`` orchestrates ingest -> group -> ``pairs`` (example strategies and filters)
-> ``split`` -> ``export`` (DatasetDict, Parquet, JSONL, ``card``, fingerprint);
``folder`` loads and checks an exported dataset folder; ``importer`` turns an existing
paired dataset (XSum, CNN/DailyMail, yours) into the same folder format.
"""
