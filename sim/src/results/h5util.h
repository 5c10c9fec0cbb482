/*
 * h5util.h: the HDF5 helpers of the results layer (private): errors with HDF5's own reason,
 * attributes, the element types of the schema. The one copy used by the writer, resume, the
 * reader and merge.
 */
#ifndef CS_RESULTS_H5UTIL_H
#define CS_RESULTS_H5UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "cablesim/error.h"
#include "cablesim/results_schema.h"

/** Turns HDF5's automatic error printing off (the library never prints). CS_EHDF5 on failure. */
cs_status cs_h5_quiet(const char *path, cs_error *err);

/**
 * "path: HDF5 could not <what> <object> (reason)" with code, the reason being the innermost
 * description on HDF5's error stack. Call it before any other HDF5 call, which clears the stack.
 * A code CS_EIO (a file that cannot be made or opened) becomes CS_EWRITE when the reason is a
 * full or failed disk (cs_errno_full in cablesim/error.h: ENOSPC, EDQUOT, EFBIG, EIO).
 */
cs_status cs_h5_err(cs_error *err, cs_status code, const char *path, const char *what,
                    const char *object);

/** A variable-length UTF-8 string type (h5py reads it as str); H5I_INVALID_HID on failure. */
hid_t cs_h5_vlen_string(void);

/** Writes the scalar attribute name = *value (memory type mem, file type ftype) on obj. */
cs_status cs_h5_put_attr(const char *path, hid_t obj, const char *objname, const char *name,
                         hid_t ftype, hid_t mem, const void *value, cs_error *err);
/** Writes the variable-length UTF-8 string attribute name = value ("" for NULL) on obj. */
cs_status cs_h5_put_str_attr(const char *path, hid_t obj, const char *objname, const char *name,
                             const char *value, cs_error *err);
/** The `units` and `description` attributes every dataset carries. */
cs_status cs_h5_put_doc(const char *path, hid_t obj, const char *objname, const char *units,
                        const char *description, cs_error *err);

/**
 * Reads the string attribute name of obj (variable or fixed length) into a malloc'd *out.
 * Missing or not a string: CS_EINVAL "path: attribute "name" of objname: missing"; HDF5
 * failures: code. \return CS_OK, CS_EINVAL, code, CS_ENOMEM.
 */
cs_status cs_h5_get_str_attr(hid_t obj, const char *path, const char *objname, const char *name,
                             char **out, cs_status code, cs_error *err);
/**
 * Reads the scalar numeric attribute name of obj as memory type mem (an integer or a float
 * type: the attribute must be of the same class) into v. \return CS_OK, CS_EINVAL, code.
 */
cs_status cs_h5_get_num_attr(hid_t obj, const char *path, const char *objname, const char *name,
                             hid_t mem, void *v, cs_status code, cs_error *err);

/**
 * Copies every attribute of src to dst (objname in path, for messages) but those named in skip
 * (NULL-terminated; skip may be NULL), with their types, shapes and values.
 * \return CS_OK, CS_EHDF5, CS_ENOMEM.
 */
cs_status cs_h5_copy_attrs(hid_t src, hid_t dst, const char *const *skip, const char *path,
                           const char *objname, cs_error *err);

/**
 * cs_h5_copy_attrs from src, an object of the file src_path that may be damaged (a part of a
 * merge): what cannot be listed or read there is the damage of src_path (CS_EINVAL, naming it),
 * what cannot be written the failure of path (CS_EHDF5).
 */
cs_status cs_h5_copy_attrs_from(hid_t src, const char *src_path, hid_t dst, const char *const *skip,
                                const char *path, const char *objname, cs_error *err);

/** Sets the root attribute complete = 1 of file, between two flushes: the last write of a
 * finished results file. \return CS_OK, CS_EHDF5. */
cs_status cs_h5_mark_complete(hid_t file, const char *path, cs_error *err);

/** The current UTC time as ISO 8601 ("2026-04-17T09:30:00Z"), for the root attribute created. */
void cs_h5_now_utc(char buf[32]);

/** The HDF5 type of a numeric schema type, in the file (little-endian) or in memory. */
hid_t cs_h5_num_type(cs_dtype t, bool file);
/**
 * The type of per-trial dataset d's elements, to be closed with H5Tclose: numbers as
 * cs_h5_num_type (copied), CS_DT_RECORD the packed little-endian compound of its members (the
 * same in memory and in the file). H5I_INVALID_HID on failure.
 */
hid_t cs_h5_elem_type(const cs_dataset_schema *d, bool file);
/**
 * The type of d's elements in a file of format version: cs_h5_elem_type(d, true), but for a
 * record narrowed in that format (cs_schema_record_narrowed) the packed compound of its
 * members' narrow types, which the writer also uses in memory (it packs the records itself:
 * collective writes of compressed data cannot convert types). H5I_INVALID_HID on failure.
 */
hid_t cs_h5_file_elem_type(const cs_dataset_schema *d, int version);
/**
 * Packs n records of d from the memory layout (src, d->record_bytes each) into the layout of
 * format version (dst, cs_schema_record_bytes each): float64 members stored as float32 are
 * rounded to nearest.
 */
void cs_h5_pack_records(const cs_dataset_schema *d, int version, const void *src, size_t n,
                        void *dst);

/** Dataset creation properties shared by every dataset: no time stamps, so that equal runs
 * give equal files apart from the `created` attribute. H5I_INVALID_HID on failure. */
hid_t cs_h5_plain_dcpl(void);

/**
 * Sets early space allocation on dcpl, a per-trial dataset's creation properties: every chunk
 * of an extent is allocated when the dataset is created or extended (no fill value is written:
 * the fill time stays "if set", and none is set), as parallel HDF5 makes every dataset it
 * creates. A dataset a process made without it (allocation "incremental", files of cablesim
 * before it) fails to write under MPI-IO: HDF5 finds no address for the chunks it did not
 * allocate ("addr overflow") on the ranks that write them, while the others wait in the
 * collective write (docs/hdf5-schema.md, "Commit protocol").
 */
herr_t cs_h5_set_early_alloc(hid_t dcpl);

/** Whether open dataset d allocates its space early (cs_h5_set_early_alloc). */
bool cs_h5_early_alloc(hid_t d);

/** File creation properties of a results file: the root group records no time stamps either, so
 * that equal runs give equal files byte for byte apart from `created`. H5I_INVALID_HID on
 * failure. */
hid_t cs_h5_plain_fcpl(void);

/** Whether the object at the absolute path exists, each level checked (H5Lexists on "/a/b"
 * fails when /a is missing). */
bool cs_h5_exists(hid_t file, const char *path);

/**
 * Whether path exists in file (file_path: its name, for messages), *exists; a link HDF5 cannot
 * look up (a damaged group) is the damage of file_path: CS_EINVAL naming it.
 * \return CS_OK, CS_EINVAL.
 */
cs_status cs_h5_lookup(hid_t file, const char *file_path, const char *path, bool *exists,
                       cs_error *err);

#endif /* CS_RESULTS_H5UTIL_H */
