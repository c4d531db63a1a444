#ifndef BROOK_IO_H
#define BROOK_IO_H
#include <stdint.h>

/// Starts write-back of the dirty pages in [offset, offset + length) of `fd` without waiting for it
/// (Linux sync_file_range with SYNC_FILE_RANGE_WRITE only). Returns 0, or -1 with errno set.
/// Elsewhere a no-op returning 0. Swift's Glibc module does not expose sync_file_range.
int brook_start_writeback(int fd, int64_t offset, int64_t length);

#endif
