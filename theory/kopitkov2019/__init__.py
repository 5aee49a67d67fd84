"""Kopitkov & Indelman (2019). Neural spectrum alignment: empirical study. arXiv:1910.08720,
ICANN 2020 (claims NTK-*): constant-Gramian dynamics, stability threshold, Nyström,
alignment of the Gramian's top eigenvectors with the target.
"""
