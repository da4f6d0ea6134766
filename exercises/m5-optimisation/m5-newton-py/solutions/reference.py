def newton_raphson(f, df, x0, tol=1e-10, max_iter=50):
    x = float(x0)
    for iteration in range(1, max_iter + 1):
        slope = df(x)
        if slope == 0:
            raise ValueError("f'(x) = 0: the tangent never meets the axis")
        step = f(x) / slope
        x -= step
        if abs(step) < tol:
            return x, iteration
    raise ValueError("no convergence")
