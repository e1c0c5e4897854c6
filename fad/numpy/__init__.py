"""fad.numpy: numpy's API on fad arrays, visible to every transformation."""

from numpy import complexfloating as complexfloating
from numpy import dtype as dtype
from numpy import finfo as finfo
from numpy import floating as floating
from numpy import iinfo as iinfo
from numpy import inexact as inexact
from numpy import integer as integer
from numpy import number as number

from fad._src.core import Array as ndarray
from fad._src.dtypes import (
    bfloat16 as bfloat16,
)
from fad._src.dtypes import (
    bool_ as bool_,
)
from fad._src.dtypes import (
    complex64 as complex64,
)
from fad._src.dtypes import (
    complex128 as complex128,
)
from fad._src.dtypes import (
    float0 as float0,
)
from fad._src.dtypes import (
    float16 as float16,
)
from fad._src.dtypes import (
    float32 as float32,
)
from fad._src.dtypes import (
    float64 as float64,
)
from fad._src.dtypes import (
    int8 as int8,
)
from fad._src.dtypes import (
    int16 as int16,
)
from fad._src.dtypes import (
    int32 as int32,
)
from fad._src.dtypes import (
    int64 as int64,
)
from fad._src.dtypes import (
    uint8 as uint8,
)
from fad._src.dtypes import (
    uint16 as uint16,
)
from fad._src.dtypes import (
    uint32 as uint32,
)
from fad._src.dtypes import (
    uint64 as uint64,
)
from fad._src.numpy.lax_numpy import (
    abs as abs,
)
from fad._src.numpy.lax_numpy import (
    absolute as absolute,
)
from fad._src.numpy.lax_numpy import (
    acos as acos,
)
from fad._src.numpy.lax_numpy import (
    acosh as acosh,
)
from fad._src.numpy.lax_numpy import (
    add as add,
)
from fad._src.numpy.lax_numpy import (
    all as all,
)
from fad._src.numpy.lax_numpy import (
    allclose as allclose,
)
from fad._src.numpy.lax_numpy import (
    amax as amax,
)
from fad._src.numpy.lax_numpy import (
    amin as amin,
)
from fad._src.numpy.lax_numpy import (
    angle as angle,
)
from fad._src.numpy.lax_numpy import (
    any as any,
)
from fad._src.numpy.lax_numpy import (
    arange as arange,
)
from fad._src.numpy.lax_numpy import (
    arccos as arccos,
)
from fad._src.numpy.lax_numpy import (
    arccosh as arccosh,
)
from fad._src.numpy.lax_numpy import (
    arcsin as arcsin,
)
from fad._src.numpy.lax_numpy import (
    arcsinh as arcsinh,
)
from fad._src.numpy.lax_numpy import (
    arctan as arctan,
)
from fad._src.numpy.lax_numpy import (
    arctan2 as arctan2,
)
from fad._src.numpy.lax_numpy import (
    arctanh as arctanh,
)
from fad._src.numpy.lax_numpy import (
    argmax as argmax,
)
from fad._src.numpy.lax_numpy import (
    argmin as argmin,
)
from fad._src.numpy.lax_numpy import (
    argsort as argsort,
)
from fad._src.numpy.lax_numpy import (
    argwhere as argwhere,
)
from fad._src.numpy.lax_numpy import (
    around as around,
)
from fad._src.numpy.lax_numpy import (
    array as array,
)
from fad._src.numpy.lax_numpy import (
    array_equal as array_equal,
)
from fad._src.numpy.lax_numpy import (
    array_equiv as array_equiv,
)
from fad._src.numpy.lax_numpy import (
    array_split as array_split,
)
from fad._src.numpy.lax_numpy import (
    asarray as asarray,
)
from fad._src.numpy.lax_numpy import (
    asin as asin,
)
from fad._src.numpy.lax_numpy import (
    asinh as asinh,
)
from fad._src.numpy.lax_numpy import (
    astype as astype,
)
from fad._src.numpy.lax_numpy import (
    atan as atan,
)
from fad._src.numpy.lax_numpy import (
    atan2 as atan2,
)
from fad._src.numpy.lax_numpy import (
    atanh as atanh,
)
from fad._src.numpy.lax_numpy import (
    atleast_1d as atleast_1d,
)
from fad._src.numpy.lax_numpy import (
    atleast_2d as atleast_2d,
)
from fad._src.numpy.lax_numpy import (
    atleast_3d as atleast_3d,
)
from fad._src.numpy.lax_numpy import (
    average as average,
)
from fad._src.numpy.lax_numpy import (
    bitwise_and as bitwise_and,
)
from fad._src.numpy.lax_numpy import (
    bitwise_not as bitwise_not,
)
from fad._src.numpy.lax_numpy import (
    bitwise_or as bitwise_or,
)
from fad._src.numpy.lax_numpy import (
    bitwise_xor as bitwise_xor,
)
from fad._src.numpy.lax_numpy import (
    broadcast_arrays as broadcast_arrays,
)
from fad._src.numpy.lax_numpy import (
    broadcast_shapes as broadcast_shapes,
)
from fad._src.numpy.lax_numpy import (
    broadcast_to as broadcast_to,
)
from fad._src.numpy.lax_numpy import (
    cbrt as cbrt,
)
from fad._src.numpy.lax_numpy import (
    ceil as ceil,
)
from fad._src.numpy.lax_numpy import (
    clip as clip,
)
from fad._src.numpy.lax_numpy import (
    column_stack as column_stack,
)
from fad._src.numpy.lax_numpy import (
    concat as concat,
)
from fad._src.numpy.lax_numpy import (
    concatenate as concatenate,
)
from fad._src.numpy.lax_numpy import (
    conj as conj,
)
from fad._src.numpy.lax_numpy import (
    conjugate as conjugate,
)
from fad._src.numpy.lax_numpy import (
    copy as copy,
)
from fad._src.numpy.lax_numpy import (
    copysign as copysign,
)
from fad._src.numpy.lax_numpy import (
    cos as cos,
)
from fad._src.numpy.lax_numpy import (
    cosh as cosh,
)
from fad._src.numpy.lax_numpy import (
    count_nonzero as count_nonzero,
)
from fad._src.numpy.lax_numpy import (
    cross as cross,
)
from fad._src.numpy.lax_numpy import (
    cumprod as cumprod,
)
from fad._src.numpy.lax_numpy import (
    cumsum as cumsum,
)
from fad._src.numpy.lax_numpy import (
    cumulative_prod as cumulative_prod,
)
from fad._src.numpy.lax_numpy import (
    cumulative_sum as cumulative_sum,
)
from fad._src.numpy.lax_numpy import (
    deg2rad as deg2rad,
)
from fad._src.numpy.lax_numpy import (
    degrees as degrees,
)
from fad._src.numpy.lax_numpy import (
    diag as diag,
)
from fad._src.numpy.lax_numpy import (
    diagflat as diagflat,
)
from fad._src.numpy.lax_numpy import (
    diagonal as diagonal,
)
from fad._src.numpy.lax_numpy import (
    diff as diff,
)
from fad._src.numpy.lax_numpy import (
    divide as divide,
)
from fad._src.numpy.lax_numpy import (
    divmod as divmod,
)
from fad._src.numpy.lax_numpy import (
    dot as dot,
)
from fad._src.numpy.lax_numpy import (
    dstack as dstack,
)
from fad._src.numpy.lax_numpy import (
    e as e,
)
from fad._src.numpy.lax_numpy import (
    ediff1d as ediff1d,
)
from fad._src.numpy.lax_numpy import (
    einsum as einsum,
)
from fad._src.numpy.lax_numpy import (
    empty as empty,
)
from fad._src.numpy.lax_numpy import (
    empty_like as empty_like,
)
from fad._src.numpy.lax_numpy import (
    equal as equal,
)
from fad._src.numpy.lax_numpy import (
    euler_gamma as euler_gamma,
)
from fad._src.numpy.lax_numpy import (
    exp as exp,
)
from fad._src.numpy.lax_numpy import (
    exp2 as exp2,
)
from fad._src.numpy.lax_numpy import (
    expand_dims as expand_dims,
)
from fad._src.numpy.lax_numpy import (
    expm1 as expm1,
)
from fad._src.numpy.lax_numpy import (
    eye as eye,
)
from fad._src.numpy.lax_numpy import (
    fabs as fabs,
)
from fad._src.numpy.lax_numpy import (
    fix as fix,
)
from fad._src.numpy.lax_numpy import (
    flatnonzero as flatnonzero,
)
from fad._src.numpy.lax_numpy import (
    flip as flip,
)
from fad._src.numpy.lax_numpy import (
    fliplr as fliplr,
)
from fad._src.numpy.lax_numpy import (
    flipud as flipud,
)
from fad._src.numpy.lax_numpy import (
    floor as floor,
)
from fad._src.numpy.lax_numpy import (
    floor_divide as floor_divide,
)
from fad._src.numpy.lax_numpy import (
    fmod as fmod,
)
from fad._src.numpy.lax_numpy import (
    full as full,
)
from fad._src.numpy.lax_numpy import (
    full_like as full_like,
)
from fad._src.numpy.lax_numpy import (
    greater as greater,
)
from fad._src.numpy.lax_numpy import (
    greater_equal as greater_equal,
)
from fad._src.numpy.lax_numpy import (
    heaviside as heaviside,
)
from fad._src.numpy.lax_numpy import (
    hsplit as hsplit,
)
from fad._src.numpy.lax_numpy import (
    hstack as hstack,
)
from fad._src.numpy.lax_numpy import (
    hypot as hypot,
)
from fad._src.numpy.lax_numpy import (
    identity as identity,
)
from fad._src.numpy.lax_numpy import (
    imag as imag,
)
from fad._src.numpy.lax_numpy import (
    inf as inf,
)
from fad._src.numpy.lax_numpy import (
    inner as inner,
)
from fad._src.numpy.lax_numpy import (
    interp as interp,
)
from fad._src.numpy.lax_numpy import (
    invert as invert,
)
from fad._src.numpy.lax_numpy import (
    isclose as isclose,
)
from fad._src.numpy.lax_numpy import (
    iscomplexobj as iscomplexobj,
)
from fad._src.numpy.lax_numpy import (
    isfinite as isfinite,
)
from fad._src.numpy.lax_numpy import (
    isinf as isinf,
)
from fad._src.numpy.lax_numpy import (
    isnan as isnan,
)
from fad._src.numpy.lax_numpy import (
    isneginf as isneginf,
)
from fad._src.numpy.lax_numpy import (
    isposinf as isposinf,
)
from fad._src.numpy.lax_numpy import (
    isrealobj as isrealobj,
)
from fad._src.numpy.lax_numpy import (
    isscalar as isscalar,
)
from fad._src.numpy.lax_numpy import (
    issubdtype as issubdtype,
)
from fad._src.numpy.lax_numpy import (
    kron as kron,
)
from fad._src.numpy.lax_numpy import (
    left_shift as left_shift,
)
from fad._src.numpy.lax_numpy import (
    less as less,
)
from fad._src.numpy.lax_numpy import (
    less_equal as less_equal,
)
from fad._src.numpy.lax_numpy import (
    linspace as linspace,
)
from fad._src.numpy.lax_numpy import (
    log as log,
)
from fad._src.numpy.lax_numpy import (
    log1p as log1p,
)
from fad._src.numpy.lax_numpy import (
    log2 as log2,
)
from fad._src.numpy.lax_numpy import (
    log10 as log10,
)
from fad._src.numpy.lax_numpy import (
    logaddexp as logaddexp,
)
from fad._src.numpy.lax_numpy import (
    logaddexp2 as logaddexp2,
)
from fad._src.numpy.lax_numpy import (
    logical_and as logical_and,
)
from fad._src.numpy.lax_numpy import (
    logical_not as logical_not,
)
from fad._src.numpy.lax_numpy import (
    logical_or as logical_or,
)
from fad._src.numpy.lax_numpy import (
    logical_xor as logical_xor,
)
from fad._src.numpy.lax_numpy import (
    matmul as matmul,
)
from fad._src.numpy.lax_numpy import (
    matrix_transpose as matrix_transpose,
)
from fad._src.numpy.lax_numpy import (
    max as max,
)
from fad._src.numpy.lax_numpy import (
    maximum as maximum,
)
from fad._src.numpy.lax_numpy import (
    mean as mean,
)
from fad._src.numpy.lax_numpy import (
    meshgrid as meshgrid,
)
from fad._src.numpy.lax_numpy import (
    min as min,
)
from fad._src.numpy.lax_numpy import (
    minimum as minimum,
)
from fad._src.numpy.lax_numpy import (
    mod as mod,
)
from fad._src.numpy.lax_numpy import (
    moveaxis as moveaxis,
)
from fad._src.numpy.lax_numpy import (
    multiply as multiply,
)
from fad._src.numpy.lax_numpy import (
    nan as nan,
)
from fad._src.numpy.lax_numpy import (
    ndim as ndim,
)
from fad._src.numpy.lax_numpy import (
    negative as negative,
)
from fad._src.numpy.lax_numpy import (
    newaxis as newaxis,
)
from fad._src.numpy.lax_numpy import (
    nextafter as nextafter,
)
from fad._src.numpy.lax_numpy import (
    nonzero as nonzero,
)
from fad._src.numpy.lax_numpy import (
    not_equal as not_equal,
)
from fad._src.numpy.lax_numpy import (
    ones as ones,
)
from fad._src.numpy.lax_numpy import (
    ones_like as ones_like,
)
from fad._src.numpy.lax_numpy import (
    outer as outer,
)
from fad._src.numpy.lax_numpy import (
    pad as pad,
)
from fad._src.numpy.lax_numpy import (
    permute_dims as permute_dims,
)
from fad._src.numpy.lax_numpy import (
    pi as pi,
)
from fad._src.numpy.lax_numpy import (
    positive as positive,
)
from fad._src.numpy.lax_numpy import (
    pow as pow,
)
from fad._src.numpy.lax_numpy import (
    power as power,
)
from fad._src.numpy.lax_numpy import (
    prod as prod,
)
from fad._src.numpy.lax_numpy import (
    promote as promote,
)
from fad._src.numpy.lax_numpy import (
    promote_inexact as promote_inexact,
)
from fad._src.numpy.lax_numpy import (
    rad2deg as rad2deg,
)
from fad._src.numpy.lax_numpy import (
    radians as radians,
)
from fad._src.numpy.lax_numpy import (
    ravel as ravel,
)
from fad._src.numpy.lax_numpy import (
    real as real,
)
from fad._src.numpy.lax_numpy import (
    reciprocal as reciprocal,
)
from fad._src.numpy.lax_numpy import (
    remainder as remainder,
)
from fad._src.numpy.lax_numpy import (
    repeat as repeat,
)
from fad._src.numpy.lax_numpy import (
    reshape as reshape,
)
from fad._src.numpy.lax_numpy import (
    result_type as result_type,
)
from fad._src.numpy.lax_numpy import (
    right_shift as right_shift,
)
from fad._src.numpy.lax_numpy import (
    rint as rint,
)
from fad._src.numpy.lax_numpy import (
    roll as roll,
)
from fad._src.numpy.lax_numpy import (
    rot90 as rot90,
)
from fad._src.numpy.lax_numpy import (
    round as round,
)
from fad._src.numpy.lax_numpy import (
    row_stack as row_stack,
)
from fad._src.numpy.lax_numpy import (
    searchsorted as searchsorted,
)
from fad._src.numpy.lax_numpy import (
    select as select,
)
from fad._src.numpy.lax_numpy import (
    shape as shape,
)
from fad._src.numpy.lax_numpy import (
    sign as sign,
)
from fad._src.numpy.lax_numpy import (
    signbit as signbit,
)
from fad._src.numpy.lax_numpy import (
    sin as sin,
)
from fad._src.numpy.lax_numpy import (
    sinc as sinc,
)
from fad._src.numpy.lax_numpy import (
    sinh as sinh,
)
from fad._src.numpy.lax_numpy import (
    size as size,
)
from fad._src.numpy.lax_numpy import (
    sort as sort,
)
from fad._src.numpy.lax_numpy import (
    split as split,
)
from fad._src.numpy.lax_numpy import (
    sqrt as sqrt,
)
from fad._src.numpy.lax_numpy import (
    square as square,
)
from fad._src.numpy.lax_numpy import (
    squeeze as squeeze,
)
from fad._src.numpy.lax_numpy import (
    stack as stack,
)
from fad._src.numpy.lax_numpy import (
    std as std,
)
from fad._src.numpy.lax_numpy import (
    subtract as subtract,
)
from fad._src.numpy.lax_numpy import (
    sum as sum,
)
from fad._src.numpy.lax_numpy import (
    swapaxes as swapaxes,
)
from fad._src.numpy.lax_numpy import (
    take as take,
)
from fad._src.numpy.lax_numpy import (
    take_along_axis as take_along_axis,
)
from fad._src.numpy.lax_numpy import (
    tan as tan,
)
from fad._src.numpy.lax_numpy import (
    tanh as tanh,
)
from fad._src.numpy.lax_numpy import (
    tensordot as tensordot,
)
from fad._src.numpy.lax_numpy import (
    tile as tile,
)
from fad._src.numpy.lax_numpy import (
    trace as trace,
)
from fad._src.numpy.lax_numpy import (
    transpose as transpose,
)
from fad._src.numpy.lax_numpy import (
    tri as tri,
)
from fad._src.numpy.lax_numpy import (
    tril as tril,
)
from fad._src.numpy.lax_numpy import (
    triu as triu,
)
from fad._src.numpy.lax_numpy import (
    true_divide as true_divide,
)
from fad._src.numpy.lax_numpy import (
    trunc as trunc,
)
from fad._src.numpy.lax_numpy import (
    var as var,
)
from fad._src.numpy.lax_numpy import (
    vdot as vdot,
)
from fad._src.numpy.lax_numpy import (
    vecdot as vecdot,
)
from fad._src.numpy.lax_numpy import (
    vsplit as vsplit,
)
from fad._src.numpy.lax_numpy import (
    vstack as vstack,
)
from fad._src.numpy.lax_numpy import (
    where as where,
)
from fad._src.numpy.lax_numpy import (
    zeros as zeros,
)
from fad._src.numpy.lax_numpy import (
    zeros_like as zeros_like,
)

