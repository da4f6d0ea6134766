"""The sandbox's wire format: frames of a JSON header plus raw little-endian array bytes.

Values travel as tagged JSON trees; arrays travel as raw bytes described by dtype and shape, so
nothing is ever pickled. `decode` is strict: it is what the trusted side uses on learner output.
This module runs on both sides of the boundary and imports only the standard library and numpy.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

MAGIC = b"TNG1"
PREFIX = struct.Struct("<4sII")  # magic, header length, blob length
MAX_HEADER = 64 * 1024
MAX_BLOBS = 16 * 1024 * 1024
MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_NDIM = 8
MAX_TEXT = 4096
DTYPES = {"f8": np.dtype("<f8"), "i8": np.dtype("<i8"), "b1": np.dtype("|b1")}


class ProtocolError(ValueError):
    """A frame or value that does not follow the format."""


class Unsupported(TypeError):
    """A value of a type that cannot leave the sandbox (objects, huge integers, other dtypes)."""


class FunctionArg:
    """A function descriptor: a named callable from a fixed vocabulary, given by data."""

    def __init__(self, kind: str, *args: Any):
        self.kind = kind
        self.args = args


def pack(header: dict[str, Any], blobs: Sequence[bytes] = ()) -> bytes:
    """One frame: prefix, JSON header (with the blob sizes) and the blobs."""
    header = dict(header, blobs=[len(blob) for blob in blobs])
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    data = b"".join(blobs)
    if len(text) > MAX_HEADER or len(data) > MAX_BLOBS:
        raise Unsupported("the result is too large to send")
    return PREFIX.pack(MAGIC, len(text), len(data)) + text + data


class FrameReader:
    """Splits a byte stream into frames; rejects anything malformed or over the limits."""

    def __init__(self, max_total: int = 2 * MAX_BLOBS):
        self.buffer = bytearray()
        self.total = 0
        self.max_total = max_total

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], list[bytes]]]:
        self.total += len(data)
        if self.total > self.max_total:
            raise ProtocolError("too much result data")
        self.buffer += data
        frames = []
        while len(self.buffer) >= PREFIX.size:
            magic, header_len, blob_len = PREFIX.unpack_from(self.buffer)
            if magic != MAGIC or header_len > MAX_HEADER or blob_len > MAX_BLOBS:
                raise ProtocolError("malformed frame")
            end = PREFIX.size + header_len + blob_len
            if len(self.buffer) < end:
                break
            header = parse_header(bytes(self.buffer[PREFIX.size : PREFIX.size + header_len]))
            sizes = header.get("blobs")
            if not isinstance(sizes, list) or not all(_is_count(n) for n in sizes):
                raise ProtocolError("malformed blob list")
            if sum(sizes) != blob_len or len(sizes) > MAX_ITEMS:
                raise ProtocolError("blob sizes do not add up")
            data = bytes(self.buffer[PREFIX.size + header_len : end])
            blobs, offset = [], 0
            for size in sizes:
                blobs.append(data[offset : offset + size])
                offset += size
            frames.append((header, blobs))
            del self.buffer[:end]
        return frames

    @property
    def pending(self) -> bool:
        return bool(self.buffer)


def parse_header(text: bytes) -> dict[str, Any]:
    """A JSON object, without NaN/Infinity constants, not nested beyond what json can parse."""
    try:
        header = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"malformed header: {error}") from None
    if not isinstance(header, dict):
        raise ProtocolError("a header must be an object")
    return header


def _reject_constant(name: str) -> None:
    raise ProtocolError(f"{name} is not allowed")


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_BLOBS


def encode(value: Any, blobs: list[bytes], depth: int = 0) -> dict[str, Any]:
    """A tagged tree for `value`; arrays are appended to `blobs` as raw bytes."""
    if depth > MAX_DEPTH:
        raise Unsupported("the value is nested too deeply")
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        number = int.__int__(value) if isinstance(value, int) else int(value)
        if not -(2**63) <= number < 2**63:
            raise Unsupported("an integer too large to send")
        return {"t": "int", "v": number}
    if isinstance(value, (float, np.floating)):
        return {"t": "float", "v": float.hex(value if isinstance(value, float) else float(value))}
    if isinstance(value, str):
        return {"t": "str", "v": str.__str__(value)[:MAX_TEXT]}
    if isinstance(value, np.ndarray):
        return _encode_array(np.ndarray.view(value, np.ndarray), blobs)
    if isinstance(value, (tuple, list)):
        items = tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value)
        kind = "tuple" if isinstance(value, tuple) else "list"
        if len(value) > MAX_ITEMS:
            raise Unsupported(f"a {kind} with too many items")
        return {"t": kind, "items": [encode(item, blobs, depth + 1) for item in items]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise Unsupported("a dict with too many items")
        pairs: list[list[Any]] = []
        for key, item in dict.items(value):
            if not isinstance(key, str):
                raise Unsupported("a dict whose keys are not strings")
            pairs.append([str.__str__(key)[:MAX_TEXT], encode(item, blobs, depth + 1)])
        return {"t": "dict", "items": pairs}
    if isinstance(value, FunctionArg):
        return {
            "t": "fn",
            "kind": value.kind,
            "args": [encode(a, blobs, depth + 1) for a in value.args],
        }
    raise Unsupported(f"a value of type {type(value).__name__}")


def _encode_array(array: np.ndarray, blobs: list[bytes]) -> dict[str, Any]:
    kind = array.dtype.kind
    if kind == "f":
        code = "f8"
    elif kind in "iu":
        code = "i8"
    elif kind == "b":
        code = "b1"
    else:
        raise Unsupported(f"an array of dtype {array.dtype}")
    if array.ndim > MAX_NDIM or array.size * DTYPES[code].itemsize > MAX_BLOBS:
        raise Unsupported(f"an array of shape {array.shape}, too large to send")
    if kind == "u" and array.size and array.max() >= 2**63:
        raise Unsupported("an unsigned integer array too large to send")
    data = np.ascontiguousarray(array, dtype=DTYPES[code])
    blobs.append(np.ndarray.tobytes(data))
    return {"t": "array", "dtype": code, "shape": list(array.shape), "blob": len(blobs) - 1}


def decode(tree: Any, blobs: list[bytes], make_function: Any = None, depth: int = 0) -> Any:
    """The value a tagged tree describes; raises ProtocolError on anything unexpected.

    `make_function(kind, args)` turns function descriptors into callables; without it they are
    rejected (results never carry functions).
    """
    if depth > MAX_DEPTH or not isinstance(tree, dict):
        raise ProtocolError("malformed value")
    tag = tree.get("t")
    if tag == "none":
        return None
    if tag == "bool" and type(tree.get("v")) is bool:
        return tree["v"]
    if tag == "int" and type(tree.get("v")) is int and -(2**63) <= tree["v"] < 2**63:
        return tree["v"]
    if tag == "float" and isinstance(tree.get("v"), str) and len(tree["v"]) <= 32:
        try:
            return float.fromhex(tree["v"])
        except ValueError:
            raise ProtocolError("malformed float") from None
    if tag == "str" and isinstance(tree.get("v"), str) and len(tree["v"]) <= MAX_TEXT:
        return tree["v"]
    if tag == "array":
        return _decode_array(tree, blobs)
    if tag in ("tuple", "list") and isinstance(tree.get("items"), list):
        if len(tree["items"]) > MAX_ITEMS:
            raise ProtocolError("too many items")
        items = [decode(item, blobs, make_function, depth + 1) for item in tree["items"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict" and isinstance(tree.get("items"), list) and len(tree["items"]) <= MAX_ITEMS:
        result = {}
        for pair in tree["items"]:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise ProtocolError("malformed dict")
            result[pair[0]] = decode(pair[1], blobs, make_function, depth + 1)
        return result
    if tag == "fn" and make_function is not None and isinstance(tree.get("args"), list):
        args = [decode(item, blobs, make_function, depth + 1) for item in tree["args"]]
        return make_function(tree.get("kind"), args)
    raise ProtocolError(f"unexpected value tag {tag!r}")


def _decode_array(tree: dict[str, Any], blobs: list[bytes]) -> np.ndarray:
    dtype = DTYPES.get(str(tree.get("dtype")))
    shape = tree.get("shape")
    index = tree.get("blob")
    if dtype is None or not isinstance(shape, list) or len(shape) > MAX_NDIM:
        raise ProtocolError("malformed array")
    if not all(_is_count(n) for n in shape) or not (type(index) is int and 0 <= index < len(blobs)):
        raise ProtocolError("malformed array")
    size = math.prod(shape)
    if size * dtype.itemsize != len(blobs[index]):
        raise ProtocolError("array data does not match its shape")
    return np.frombuffer(blobs[index], dtype=dtype).reshape(shape).copy()
