# The Autodiff Cookbook, on fad.
#
# JAX's "Autodiff Cookbook" notebook, cell by cell, with its imports changed to fad. Two
# things differ from the notebook's text and nothing else: IPython's `%timeit` magic is the
# `timeit` helper below, and a cell whose last expression the notebook displayed prints its
# `repr`. Each `# %% cell N` marker carries the notebook's cell number;
# `tests/test_cookbook.py` runs the cells in order and compares every printed number with the
# output stored in the notebook.
#
# Run it with `bash scripts/demo.sh` (or `python docs/cookbook.py` inside the venv).

# %% cell 0
# The timing helper that stands in for `%timeit -n10 -r3 stmt`.
import time as _time
from typing import Any as _Any


def timeit(stmt: _Any, number: int = 10, repeat: int = 3) -> float:
    """Print and return the best of ``repeat`` runs of ``number`` loops, in seconds per loop."""
    best = float("inf")
    for _ in range(repeat):
        start = _time.perf_counter()
        for _ in range(number):
            out = stmt()
            if hasattr(out, "block_until_ready"):
                out.block_until_ready()
        best = min(best, (_time.perf_counter() - start) / number)
    print(f"{number} loops, best of {repeat}: {best * 1e3:.3g} ms per loop")
    return best


# %% cell 1
# Gradients. `grad` maps a function to the function computing its gradient.
import fad.numpy as jnp
from fad import grad, jit, random, vmap

key = random.key(0)

# %% cell 2
grad_tanh = grad(jnp.tanh)
print(grad_tanh(2.0))

# %% cell 3
# grad composes with itself to any order.
print(grad(grad(jnp.tanh))(2.0))
print(grad(grad(grad(jnp.tanh)))(2.0))


# %% cell 4
# A linear logistic-regression model and its negative log-likelihood.
def sigmoid(x):
    return 0.5 * (jnp.tanh(x / 2) + 1)


# Outputs probability of a label being true.
def predict(W, b, inputs):
    return sigmoid(jnp.dot(inputs, W) + b)


# Build a toy dataset.
inputs = jnp.array([[0.52, 1.12, 0.77],
                    [0.88, -1.08, 0.15],
                    [0.52, 0.06, -1.30],
                    [0.74, -2.49, 1.39]])
targets = jnp.array([True, True, False, True])


# Training loss is the negative log-likelihood of the training examples.
def loss(W, b):
    preds = predict(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))


# Initialize random model coefficients
key, W_key, b_key = random.split(key, 3)
W = random.normal(W_key, (3,))
b = random.normal(b_key, ())

# %% cell 5
# `argnums` picks the positional argument(s) to differentiate with respect to.
W_grad = grad(loss, argnums=0)(W, b)
print('W_grad', W_grad)

# Since argnums=0 is the default, this does the same thing:
W_grad = grad(loss)(W, b)
print('W_grad', W_grad)

# But we can choose different values too, and drop the keyword:
b_grad = grad(loss, 1)(W, b)
print('b_grad', b_grad)

# Including tuple values
W_grad, b_grad = grad(loss, (0, 1))(W, b)
print('W_grad', W_grad)
print('b_grad', b_grad)


# %% cell 6
# Containers (dicts, lists, tuples, nested) work as arguments; the gradient has the same shape.
def loss2(params_dict):
    preds = predict(params_dict['W'], params_dict['b'], inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))


print(grad(loss2)({'W': W, 'b': b}))

# %% cell 7
# value_and_grad returns the value together with the gradient.
from fad import value_and_grad

loss_value, Wb_grad = value_and_grad(loss, (0, 1))(W, b)
print('loss value', loss_value)
print('loss value', loss(W, b))

# %% cell 8
# Derivatives are easy to check with finite differences.
eps = 1e-4

# Check b_grad with scalar finite differences
b_grad_numerical = (loss(W, b + eps / 2.) - loss(W, b - eps / 2.)) / eps
print('b_grad_numerical', b_grad_numerical)
print('b_grad_autodiff', grad(loss, 1)(W, b))

# Check W_grad with finite differences in a random direction
key, subkey = random.split(key)
vec = random.normal(subkey, W.shape)
unitvec = vec / jnp.sqrt(jnp.vdot(vec, vec))
W_grad_numerical = (loss(W + eps / 2. * unitvec, b) - loss(W - eps / 2. * unitvec, b)) / eps
print('W_dirderiv_numerical', W_grad_numerical)
print('W_dirderiv_autodiff', jnp.vdot(grad(loss)(W, b), unitvec))

# %% cell 9
# check_grads does the same, up to any order.
from fad.test_util import check_grads

check_grads(loss, (W, b), order=2)  # check up to 2nd order derivatives


# %% cell 10
# A Hessian-vector product from grad-of-grad: closures never confuse the two derivatives.
def hvp(f, x, v):
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


# %% cell 11
# Dense Jacobians, by forward mode (tall Jacobians) or reverse mode (wide ones).
from fad import jacfwd, jacrev

# Isolate the function from the weight matrix to the predictions
f = lambda W: predict(W, b, inputs)

J = jacfwd(f)(W)
print("jacfwd result, with shape", J.shape)
print(J)

J = jacrev(f)(W)
print("jacrev result, with shape", J.shape)
print(J)


# %% cell 12
def predict_dict(params, inputs):
    return predict(params['W'], params['b'], inputs)


J_dict = jacrev(predict_dict)({'W': W, 'b': b}, inputs)
for k, v in J_dict.items():
    print(f"Jacobian from {k} to logits is")
    print(v)


# %% cell 13
# Forward-over-reverse gives a dense Hessian.
def hessian(f):
    return jacfwd(jacrev(f))


H = hessian(f)(W)
print("hessian, with shape", H.shape)
print(H)

# %% cell 14
# jvp pushes a tangent forward: evaluate f and its Jacobian-vector product together.
from fad import jvp

# Isolate the function from the weight matrix to the predictions
f = lambda W: predict(W, b, inputs)

key, subkey = random.split(key)
v = random.normal(subkey, W.shape)

# Push forward the vector `v` along `f` evaluated at `W`
y, u = jvp(f, (W,), (v,))

# %% cell 15
# vjp pulls a covector back: fad derives it by transposing the linearized jvp.
from fad import vjp

# Isolate the function from the weight matrix to the predictions
f = lambda W: predict(W, b, inputs)

y, vjp_fun = vjp(f, W)

key, subkey = random.split(key)
u = random.normal(subkey, y.shape)

# Pull back the covector `u` along `f` evaluated at `W`
v = vjp_fun(u)

# %% cell 16
# A vector-valued "gradient" is a VJP with a vector of ones.
from fad import vjp


def vgrad(f, x):
    y, vjp_fn = vjp(f, x)
    return vjp_fn(jnp.ones(y.shape))[0]


print(vgrad(lambda x: 3*x**2, jnp.ones((2, 2))))


# %% cell 17
def hvp(f, x, v):
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


# %% cell 18
# Forward-over-reverse HVP: one jvp of grad, no dense Hessian.
from fad import grad, jvp


# forward-over-reverse
def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


# %% cell 19
def f(X):
    return jnp.sum(jnp.tanh(X)**2)


key, subkey1, subkey2 = random.split(key, 3)
X = random.normal(subkey1, (30, 40))
V = random.normal(subkey2, (30, 40))

ans1 = hvp(f, (X,), (V,))
ans2 = jnp.tensordot(hessian(f)(X), V, 2)

print(jnp.allclose(ans1, ans2, 1e-4, 1e-4))


# %% cell 20
# reverse-over-forward
def hvp_revfwd(f, primals, tangents):
    g = lambda primals: jvp(f, primals, tangents)[1]
    return grad(g)(primals)


# %% cell 21
# reverse-over-reverse, only works for single arguments
def hvp_revrev(f, primals, tangents):
    x, = primals
    v, = tangents
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


print("Forward over reverse")
timeit(lambda: hvp(f, (X,), (V,)), number=10, repeat=3)
print("Reverse over forward")
timeit(lambda: hvp_revfwd(f, (X,), (V,)), number=10, repeat=3)
print("Reverse over reverse")
timeit(lambda: hvp_revrev(f, (X,), (V,)), number=10, repeat=3)

print("Naive full Hessian materialization")
timeit(lambda: jnp.tensordot(hessian(f)(X), V, 2), number=10, repeat=3)

# %% cell 22
# vmap turns a loop of VJPs into one matrix-Jacobian product.
# Isolate the function from the weight matrix to the predictions
f = lambda W: predict(W, b, inputs)


# Pull back the covectors `m_i` along `f`, evaluated at `W`, for all `i`.
# First, use a list comprehension to loop over rows in the matrix M.
def loop_mjp(f, x, M):
    y, vjp_fun = vjp(f, x)
    return jnp.vstack([vjp_fun(mi) for mi in M])


# Now, use vmap to build a computation that does a single fast matrix-matrix
# multiply, rather than an outer loop over vector-matrix multiplies.
def vmap_mjp(f, x, M):
    y, vjp_fun = vjp(f, x)
    outs, = vmap(vjp_fun)(M)
    return outs


key = random.key(0)
num_covecs = 128
U = random.normal(key, (num_covecs,) + y.shape)

loop_vs = loop_mjp(f, W, M=U)
print('Non-vmapped Matrix-Jacobian product')
timeit(lambda: loop_mjp(f, W, M=U), number=10, repeat=3)

print('\nVmapped Matrix-Jacobian product')
vmap_vs = vmap_mjp(f, W, M=U)
timeit(lambda: vmap_mjp(f, W, M=U), number=10, repeat=3)

assert jnp.allclose(loop_vs, vmap_vs), 'Vmap and non-vmapped Matrix-Jacobian Products should be identical'


# %% cell 23
def loop_jmp(f, W, M):
    # jvp immediately returns the primal and tangent values as a tuple,
    # so we'll compute and select the tangents in a list comprehension
    return jnp.vstack([jvp(f, (W,), (mi,))[1] for mi in M])


def vmap_jmp(f, W, M):
    _jvp = lambda s: jvp(f, (W,), (s,))[1]
    return vmap(_jvp)(M)


num_vecs = 128
S = random.normal(key, (num_vecs,) + W.shape)

loop_vs = loop_jmp(f, W, M=S)
print('Non-vmapped Jacobian-Matrix product')
timeit(lambda: loop_jmp(f, W, M=S), number=10, repeat=3)
vmap_vs = vmap_jmp(f, W, M=S)
print('\nVmapped Jacobian-Matrix product')
timeit(lambda: vmap_jmp(f, W, M=S), number=10, repeat=3)

assert jnp.allclose(loop_vs, vmap_vs), 'Vmap and non-vmapped Jacobian-Matrix products should be identical'

# %% cell 24
# jacrev is a vmapped pullback of the standard basis...
from fad import jacrev as builtin_jacrev


def our_jacrev(f):
    def jacfun(x):
        y, vjp_fun = vjp(f, x)
        # Use vmap to do a matrix-Jacobian product.
        # Here, the matrix is the Euclidean basis, so we get all
        # entries in the Jacobian at once.
        J, = vmap(vjp_fun, in_axes=0)(jnp.eye(len(y)))
        return J
    return jacfun


assert jnp.allclose(builtin_jacrev(f)(W), our_jacrev(f)(W)), 'Incorrect reverse-mode Jacobian results!'

# %% cell 25
# ...and jacfwd a vmapped push-forward of it.
from fad import jacfwd as builtin_jacfwd


def our_jacfwd(f):
    def jacfun(x):
        _jvp = lambda s: jvp(f, (x,), (s,))[1]
        Jt = vmap(_jvp, in_axes=1)(jnp.eye(len(x)))
        return jnp.transpose(Jt)
    return jacfun


assert jnp.allclose(builtin_jacfwd(f)(W), our_jacfwd(f)(W)), 'Incorrect forward-mode Jacobian results!'


# %% cell 26
# The linear part of any computation can be compiled, whatever Python ran to produce it.
def f(x):
    try:
        if x < 3:
            return 2 * x ** 3
        else:
            raise ValueError
    except ValueError:
        return jnp.pi * x


y, f_vjp = vjp(f, 4.)
print(jit(f_vjp)(1.))


# %% cell 27
# Complex numbers: a C -> C function seen as an R^2 -> R^2 function.
def f(z):
    x, y = jnp.real(z), jnp.imag(z)
    return u(x, y) + v(x, y) * 1j


def g(x, y):
    return (u(x, y), v(x, y))


# %% cell 28
# The JVP of a C -> C function is the R^2 Jacobian applied to (c, d).
def check(seed):
    key = random.key(seed)

    # random coeffs for u and v
    key, subkey = random.split(key)
    a, b, c, d = random.uniform(subkey, (4,))

    def fun(z):
        x, y = jnp.real(z), jnp.imag(z)
        return u(x, y) + v(x, y) * 1j

    def u(x, y):
        return a * x + b * y

    def v(x, y):
        return c * x + d * y

    # primal point
    key, subkey = random.split(key)
    x, y = random.uniform(subkey, (2,))
    z = x + y * 1j

    # tangent vector
    key, subkey = random.split(key)
    c, d = random.uniform(subkey, (2,))
    z_dot = c + d * 1j

    # check jvp
    _, ans = jvp(fun, (z,), (z_dot,))
    expected = (grad(u, 0)(x, y) * c +
                grad(u, 1)(x, y) * d +
                grad(v, 0)(x, y) * c * 1j +
                grad(v, 1)(x, y) * d * 1j)
    print(jnp.allclose(ans, expected))


# %% cell 29
check(0)
check(1)
check(2)


# %% cell 30
# The VJP takes the cotangent's conjugate convention: (c + di)* times the Jacobian.
def check(seed):
    key = random.key(seed)

    # random coeffs for u and v
    key, subkey = random.split(key)
    a, b, c, d = random.uniform(subkey, (4,))

    def fun(z):
        x, y = jnp.real(z), jnp.imag(z)
        return u(x, y) + v(x, y) * 1j

    def u(x, y):
        return a * x + b * y

    def v(x, y):
        return c * x + d * y

    # primal point
    key, subkey = random.split(key)
    x, y = random.uniform(subkey, (2,))
    z = x + y * 1j

    # cotangent vector
    key, subkey = random.split(key)
    c, d = random.uniform(subkey, (2,))
    z_bar = jnp.array(c + d * 1j)  # for dtype control

    # check vjp
    _, fun_vjp = vjp(fun, z)
    ans, = fun_vjp(z_bar)
    expected = (grad(u, 0)(x, y) * c +
                grad(v, 0)(x, y) * (-d) +
                grad(u, 1)(x, y) * c * (-1j) +
                grad(v, 1)(x, y) * (-d) * (-1j))
    assert jnp.allclose(ans, expected, atol=1e-5, rtol=1e-5)


# %% cell 31
check(0)
check(1)
check(2)


# %% cell 32
# grad of a C -> R function: the conjugate of the steepest-ascent direction.
def f(z):
    x, y = jnp.real(z), jnp.imag(z)
    return x**2 + y**2


z = 3. + 4j
print(repr(grad(f)(z)))


# %% cell 33
# Holomorphic functions have a complex derivative; holomorphic=True asks for it.
def f(z):
    return jnp.sin(z)


z = 3. + 4j
print(repr(grad(f, holomorphic=True)(z)))


# %% cell 34
def f(z):
    return jnp.conjugate(z)


z = 3. + 4j
print(repr(grad(f, holomorphic=True)(z)))  # f is not actually holomorphic!

# %% cell 35
# Complex numbers work everywhere, for example through a Cholesky factorization.
A = jnp.array([[5., 2.+3j, 5j],
               [2.-3j, 7., 1.+7j],
               [-5j, 1.-7j, 12.]])


def f(X):
    L = jnp.linalg.cholesky(X)
    return jnp.sum((L - jnp.sin(L))**2)


print(repr(grad(f, holomorphic=True)(A)))
