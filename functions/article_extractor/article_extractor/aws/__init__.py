"""The function's two ends: Lambda events in (`events`), S3 out (`storage`), and what lies
between them and the pipeline: whether a result is in step with its object (`result_stamps`,
`results`), one SQS batch's life (`sqs_batch`) and reading its objects ahead (`read_ahead`), and
what a container keeps from its cold start (`runtime`). Nothing here imports
`article_extractor.pipeline` at module level: the pipeline loads with the first document.
"""
