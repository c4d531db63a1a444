#ifndef BROOK_CRC32C_H
#define BROOK_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// Extends a CRC32C (Castagnoli) checksum over `len` bytes. Start with crc = 0.
/// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
uint32_t brook_crc32c_update(uint32_t crc, const void *data, size_t len);

/// Same result as brook_crc32c_update, always through the portable table (for tests and comparison).
uint32_t brook_crc32c_update_software(uint32_t crc, const void *data, size_t len);

/// 1 when the hardware path is in use.
int brook_crc32c_hardware(void);

#endif
