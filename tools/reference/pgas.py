"""Helpers mirroring the pgas language semantics (LANGUAGE.md), for computing expected outputs
independently of pgasc: 32-bit wrapping ints, C-style division, Python float repr."""
import math


def wrap(v: int) -> int:
    """32-bit two's complement wrap-around."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def idiv(a: int, b: int) -> int:
    """int / int: truncates toward zero (C)."""
    q = abs(a) // abs(b)
    return wrap(q if (a >= 0) == (b >= 0) else -q)


def imod(a: int, b: int) -> int:
    """int % int: sign of the dividend (C)."""
    return wrap(a - idiv(a, b) * b)


def sar(a: int, n: int) -> int:
    """Arithmetic shift right (>>), count modulo 32."""
    return a >> (n % 32)


def fmt(v) -> str:
    """print()/str() of a scalar."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def fixed(x: float, d: int) -> str:
    """fixed(x, d): d decimals. Only used on values far from a rounding tie."""
    return "%.*f" % (d, x)


def line(*vals) -> str:
    return " ".join(fmt(v) for v in vals)


def write(path: str, lines) -> None:
    with open(path, "w") as f:
        f.write("".join(l + "\n" for l in lines))
