import numpy as np


def linfit(xdat, ydat):
    xbar, ybar = xdat.mean(), ydat.mean()
    m = np.sum((ydat - ybar) * (xdat - xbar)) / np.sum((ydat - ybar) ** 2)
    return m, xbar - m * ybar
