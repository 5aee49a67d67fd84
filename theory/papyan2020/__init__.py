"""Papyan, V. (2020). Traces of class/cross-class structure pervade deep learning spectra.
JMLR 21(252) (claims PAP-*): the FIM of multinomial logistic regression on the canonical
classification model (Theorem 8.1), the G/E decompositions and knockouts, the Lanczos family,
trained Gaussian-mixture MLPs.
"""
