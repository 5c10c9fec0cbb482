"""The global heap collections of an HDF5 file, checked on its raw bytes before h5py reads it.

HDF5 1.10 decodes a global heap collection by walking its objects, each header giving the
next one's place; an object header damaged to a size of 0 (a zeroed block, say) makes the walk
stand still, and the first read of a variable-length string (every root attribute of a
cablesim results file is one) never returns. The C reader makes the same check
(sim/src/results/heapcheck.c); the layout is in the HDF5 file format specification, version 3,
section III.E ("Global Heap"): "GCOL", version 1, three reserved bytes, the collection's size
(8 bytes, header included), then objects of a 16-byte header (index 2, references 2,
reserved 4, size 8) and their data padded to 8 bytes; index 0 is free space, whose size
counts its header.
"""

import mmap
import os
import struct

_HDR = 16
_OBJHDR = 16
_MIN = 4096


def _walk(c):
    """0 when the walk of collection bytes c ends at its end, else the offset that stops it."""
    size = len(c)
    p = _HDR
    while p < size:
        if size - p < _OBJHDR:
            return 0
        idx, = struct.unpack_from("<H", c, p)
        length, = struct.unpack_from("<Q", c, p + 8)
        room = size - p
        if idx > 0 and length > room - _OBJHDR:
            return p
        need = _OBJHDR + ((length + 7) & ~7) if idx > 0 else length
        if need == 0 or need > room:
            return p
        p += need
    return 0


def heap_damage(path):
    """None when every global heap collection of the file at path is whole (or the file cannot
    be read: opening it says why), else a message "damaged: ..." without the path."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        if size < _HDR:
            return None
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as m:
            at = m.find(b"GCOL")
            while at >= 0:
                if at + _HDR <= size and m[at + 4:at + 8] == b"\x01\x00\x00\x00":
                    n, = struct.unpack_from("<Q", m, at + 8)
                    if n < _MIN or n > size - at:
                        return (f"damaged: the global heap collection at byte {at} claims {n} "
                                f"bytes ({size - at} to the end of the file)")
                    bad = _walk(m[at:at + n])
                    if bad:
                        return (f"damaged: the global heap collection at byte {at} has an object "
                                f"header at byte {at + bad} whose size does not fit the "
                                f"collection (HDF5 would not finish reading it)")
                at = m.find(b"GCOL", at + 1)
    finally:
        os.close(fd)
    return None
