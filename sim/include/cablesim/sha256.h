/*
 * sha256.h: SHA-256 (FIPS 180-4), to fingerprint input files in results so
 * that a result can be traced to the exact topology and demand it used.
 */
#ifndef CS_SHA256_H
#define CS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/** Incremental SHA-256 state; initialise with cs_sha256_init(). */
typedef struct {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char buf[64];
    size_t nbuf;
} cs_sha256;

void cs_sha256_init(cs_sha256 *s);
void cs_sha256_update(cs_sha256 *s, const void *data, size_t n);
/** Finishes and writes the digest as 64 lowercase hex digits plus NUL into hex[65]. */
void cs_sha256_final_hex(cs_sha256 *s, char hex[65]);

#endif /* CS_SHA256_H */
