import numpy as np


def linfit(xdat, ydat):
    xbar, ybar = xdat.mean(), ydat.mean()
    m = np.sum((xdat - xbar) * (ydat - ybar)) / np.sum((xdat - xbar) ** 2)
    return m, ybar - m * xbar
