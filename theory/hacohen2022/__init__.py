"""Hacohen & Weinshall (2022). Principal components bias in over-parameterized linear
models, and its manifestation in deep neural networks. JMLR 23(155), App. A-D (claims DLN-*):
moments of random-matrix products (Theorem 3, Lemma 2), first-step dynamics, PC bias.
"""
