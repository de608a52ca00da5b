"""The Hugging Face Hub adapter's parts; the adapter itself is :mod:`listkeeper.sources.huggingface`."""
