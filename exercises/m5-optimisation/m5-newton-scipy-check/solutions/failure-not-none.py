from scipy.optimize import newton


def mine(f, df, x0, tol=1e-10, max_iter=50):
    x = x0
    for _ in range(max_iter):
        slope = df(x)
        if slope == 0:
            return x
        step = f(x) / slope
        x = x - step
        if abs(step) < tol:
            return x
    return x


def theirs(f, df, x0):
    try:
        return newton(f, x0, fprime=df)
    except RuntimeError:
        return None


def newton_table(f, df, starts):
    return [(mine(f, df, x0), theirs(f, df, x0)) for x0 in starts]
