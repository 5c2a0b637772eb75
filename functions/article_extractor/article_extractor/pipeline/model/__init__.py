"""Decisions learned from data, each beside its model file: the page's type (`page_type`,
`page_type.json`), which of the page's blocks are content (`content_model`,
`content_model.json`), and the blocks it keeps as the pipeline's typed blocks (`kept_blocks`).
Fitted by `training/`; evaluated in pure Python."""
