"""Cross-border linkage without names: CLK Bloom-filter encodings under a shared
secret and a versioned schema, exchanged as signed files; only match pairs are
revealed. See docs/pprl.md.

- ``schema``: the linkage schema both focal points agree on;
- ``encode``: per-field keys and the encoding of one normalised record;
- ``exchange``: the signed encodings file, signing keys and the shared secret;
- ``compare``: Dice coefficients, Hamming LSH blocking and one-to-one matching.
"""
