def d_sigma(z):
    return z * (1 - z)
