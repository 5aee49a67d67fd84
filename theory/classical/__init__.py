"""Classical random-matrix laws (claims RMT-*): Marchenko–Pastur bulk, atom, edges and
rates, sample-covariance moments, Cauchy/Weyl/rank-r interlacing.
"""
