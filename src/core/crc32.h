/* CRC-32 as in zlib, PNG and IEEE 802.3 (polynomial 0x04c11db7, bits
 * reflected, initial value and final xor 0xffffffff): the log's checksum.
 * It runs over every byte a replay loads, so it folds with carry-less
 * multiplication where the processor has it, and is table-driven, sixteen
 * bytes per step, elsewhere. */
#ifndef MPILOOM_CRC32_H
#define MPILOOM_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define CRC32_INIT 0xffffffffu

/* Runs the raw CRC register over n more bytes, with neither the initial
 * nor the final xor, so that a CRC can be taken over pieces:
 * crc32_update(crc32_update(CRC32_INIT, a, n), b, m) ^ CRC32_INIT is the
 * CRC-32 of a followed by b. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

/* The CRC-32 of one buffer: crc32("123456789", 9) == 0xcbf43926. */
static inline uint32_t crc32(const void *buf, size_t n)
{
	return crc32_update(CRC32_INIT, buf, n) ^ CRC32_INIT;
}

#endif
