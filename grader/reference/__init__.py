"""The reference library: the trusted answers every exercise is graded against.

- `calculus`: derivatives, gradients, Jacobians, Hessians, the chain rule, Taylor polynomials,
  linearisation and stationary points (SymPy in, SymPy out), plus `compile_numeric`.
- `nn`: activations, feed-forward networks, the cost, backpropagation and gradient checks (NumPy).
- `optimise`: Newton–Raphson, gradient descent, Newton steps, Lagrange multipliers.
- `regression`: straight-line and least-squares fits, chi-squared, the Gaussian model and its
  partials, steepest-descent fitting.

Each module also holds the mistake generators for the exercises' feedback rules, next to the
functions they distort, collected in its `MISTAKES` dict (rule name → generator).
"""
