"""The main content as typed blocks and what becomes of them: blocks built from the tree
trafilatura keeps (`typed_blocks`), figures put back (`figures`, each with the picture its page
shows, `images`), the lede recovered (`lede`), clutter removed by named rules (`clean`), and the
Markdown written from the blocks that stay (`markdown`; the plain text is
`typed_blocks.to_text`)."""
