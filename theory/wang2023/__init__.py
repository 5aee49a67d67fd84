"""Wang, Engel, Sarwate, Dumitriu & Chiang (2023). Spectral evolution and invariance in
linear-width neural networks. NeurIPS 2023 (claims WANG-*): activations, CK/NTK at
initialization, early-phase rates, Theorem 5.2, invariance, the learning-rate transition.
"""
