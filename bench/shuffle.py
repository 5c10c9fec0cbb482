#!/usr/bin/python3
"""Bytes per trial of every compressed dataset of a results file, as stored and rewritten with
and without HDF5's shuffle filter (same chunks, deflate level and Fletcher32), to choose which
datasets the writer shuffles (cs_schema_shuffled, docs/hdf5-schema.md; bench/README.md, issue 15).

    /usr/bin/python3 bench/shuffle.py RESULTS.h5
"""
import os
import sys
import tempfile

import h5py


def stored(data, like, shuffle, path):
    with h5py.File(path, "w") as g:
        d = g.create_dataset("d", data=data, chunks=like.chunks, maxshape=like.maxshape,
                             compression="gzip", compression_opts=like.compression_opts,
                             shuffle=shuffle, fletcher32=True)
        return d.id.get_storage_size()


def main(src):
    rows = []
    with h5py.File(src, "r") as f, tempfile.TemporaryDirectory() as tmp:
        trials = int(f.attrs["trials"])
        path = os.path.join(tmp, "x.h5")

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.compression == "gzip":
                data = obj[()]
                rows.append((name, obj.dtype.kind, obj.shuffle, obj.id.get_storage_size(),
                             stored(data, obj, True, path), stored(data, obj, False, path)))

        f.visititems(visit)
    print(f"{src}: {trials} trials, {os.path.getsize(src) / trials:.1f} bytes/trial")
    print(f"{'dataset':36s} kind shuffled  as stored  shuffled  unshuffled  (bytes/trial)")
    for name, kind, sh, now, yes, no in rows:
        print(f"{name:36s} {kind:4s} {str(sh):8s} {now / trials:10.2f} {yes / trials:9.2f} "
              f"{no / trials:11.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
