package io.github.vhd4j;

import java.util.UUID;

/**
 * The state of a VHDX file's log (MS-VHDX 2.3) as this library found it.
 *
 * @param logGuid the current header's LogGuid; zero when nothing must be replayed
 * @param offset the log's file offset
 * @param length the log's length in bytes
 * @param dirty true when the header asks for a replay (the file was not closed cleanly)
 * @param replayedInMemory true when a read-only open replayed the log into memory, leaving the file
 *     as it was
 * @param entries the entries of the active sequence that were replayed
 * @param firstSequence the sequence number of the first replayed entry, or 0
 * @param lastSequence the sequence number of the last replayed entry, or 0
 * @param bytes the bytes the replay writes (data sectors and zeroed ranges)
 * @param lastFileOffset the file length the last entry asks for, or 0
 */
public record VhdxLogState(UUID logGuid, long offset, long length, boolean dirty, boolean replayedInMemory,
    int entries, long firstSequence, long lastSequence, long bytes, long lastFileOffset) {}
