"""The FAQ engine: content in, index built once, `match(question) -> Match` out."""
