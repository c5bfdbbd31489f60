package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Finds a log's active sequence (MS-VHDX 2.3.2, 2.3.3): the newest run of valid entries, each one
 * sequence number after the previous, whose last entry (the head) names as its Tail the position
 * of an entry of the run. The entries to replay are the head's tail entry through the head; older
 * entries of the run before the tail are not replayed (X-12 d).
 *
 * <p>The scan follows MS-VHDX 2.3.3's steps: candidate tails from position 0; from each, the run of
 * valid entries with +1 sequence numbers; a run whose head's Tail lies in it is valid and replaces
 * the candidate when its head's sequence number is greater; after a valid run the scan continues at
 * the position after its head, otherwise 4 KiB further; it stops once it has passed the log's end.
 *
 * <p>Every position is read at most once, and every run's outcome is remembered for each of its
 * entries, so a log of n sectors costs O(n) entry checks and lookups whatever its content (without
 * that, a hostile run of 4 KiB entries whose head names no tail inside it would be walked again from
 * each of its entries). Memory: a few words per 4 KiB of log, the log having been bounded to 1 GiB.
 */
final class LogScanner {
  private static final int SECTOR = LogLayout.SECTOR;
  /** Rejections kept for reports; the first is the one a refusal names. */
  static final int MAX_REJECTIONS = 4;

  /**
   * The entries to replay, oldest first.
   *
   * @param entries the head's tail entry through the head
   */
  record Active(List<LogEntry> entries) {
    /**
     * Returns the head: the newest entry.
     *
     * @return the last entry
     */
    LogEntry head() {
      return entries.get(entries.size() - 1);
    }
  }

  private final LogRing ring;
  private final LogEntryReader reader;
  private final int slots;
  /** Per 4 KiB position: the valid entry starting there, or null. */
  private final LogEntry[] entries;
  /** Per position: whether it has been read. */
  private final boolean[] read;
  /** Per entry position, once its run is known: the slot of the run's head, else -1. */
  private final int[] headOf;
  /** Per entry position: whether the head's Tail lies in the run from this entry on. */
  private final boolean[] tailInRun;
  /** Per entry position: the bytes from this entry through the head's end. */
  private final long[] runBytes;
  private final List<LogEntryReader.Rejection> rejections = new ArrayList<>();

  /**
   * Prepares a scan of a log whose placement has been checked (a multiple of 1 MiB, at most 1 GiB,
   * inside the file).
   *
   * @param file the file
   * @param logOffset the log's file offset
   * @param logLength the log's length
   * @param logGuid the current header's LogGuid
   */
  LogScanner(Storage file, long logOffset, long logLength, UUID logGuid) {
    this.ring = new LogRing(file, logOffset, logLength);
    this.reader = new LogEntryReader(ring, logGuid);
    this.slots = Math.toIntExact(logLength / SECTOR);
    this.entries = new LogEntry[slots];
    this.read = new boolean[slots];
    this.headOf = new int[slots];
    Arrays.fill(headOf, -1);
    this.tailInRun = new boolean[slots];
    this.runBytes = new long[slots];
  }

  /**
   * Returns the log.
   *
   * @return its ring
   */
  LogRing ring() {
    return ring;
  }

  /**
   * Returns the first few entries of this log found invalid, in the order read.
   *
   * @return at most {@link #MAX_REJECTIONS} faults
   */
  List<LogEntryReader.Rejection> rejections() {
    return List.copyOf(rejections);
  }

  /**
   * Scans the log.
   *
   * @return the active sequence's entries to replay, or null when the log holds no valid sequence
   * @throws IOException if the log cannot be read
   */
  @Nullable Active findActive() throws IOException {
    long length = ring.length();
    int best = -1;
    long tail = 0;
    long scanned = 0;
    while (scanned < length) {
      int slot = (int) (tail / SECTOR);
      resolveRun(slot);
      long advance = SECTOR;
      if (headOf[slot] >= 0 && tailInRun[slot]) {
        int head = headOf[slot];
        if (best < 0 || Long.compareUnsigned(entries[head].sequence(), entries[best].sequence()) > 0) {
          best = head;
        }
        advance = runBytes[slot];
      }
      tail = (tail + advance) % length;
      scanned += advance;
    }
    return best < 0 ? null : new Active(replayed(best));
  }

  /** The head's tail entry through the head, following the chain the run was built from. */
  private List<LogEntry> replayed(int head) {
    List<LogEntry> out = new ArrayList<>();
    int slot = (int) (entries[head].tail() / SECTOR);
    while (true) {
      LogEntry e = entries[slot];
      out.add(e);
      if (slot == head || out.size() == slots) {
        return out;
      }
      slot = (int) (e.next(ring.length()) / SECTOR);
    }
  }

  /**
   * Works out the run starting at a slot and records its outcome for every entry on it. The run is
   * walked until an entry is invalid or breaks the +1 step, or until it reaches an entry whose own
   * run is already known: a run is determined by its first entry, so that entry's run is this run's
   * rest.
   */
  private void resolveRun(int start) throws IOException {
    if (headOf[start] >= 0) {
      return;
    }
    List<Integer> path = new ArrayList<>();
    int slot = start;
    int joined = -1;
    LogEntry previous = null;
    while (true) {
      LogEntry e = entryAt(slot);
      if (e == null || previous != null && e.sequence() != previous.sequence() + 1) {
        break;
      }
      if (headOf[slot] >= 0) {
        joined = slot;
        break;
      }
      if (path.size() == slots) {
        // Unreachable: sequence numbers grow along a run, so no slot recurs; kept as a hang guard.
        break;
      }
      path.add(slot);
      previous = e;
      slot = (int) (e.next(ring.length()) / SECTOR);
    }
    if (path.isEmpty()) {
      return;
    }
    int head = joined >= 0 ? headOf[joined] : path.get(path.size() - 1);
    boolean tailIn = joined >= 0 && tailInRun[joined];
    long bytes = joined >= 0 ? runBytes[joined] : 0;
    long tailSlot = entries[head].tail() / SECTOR;
    for (int i = path.size() - 1; i >= 0; i--) {
      int s = path.get(i);
      bytes += entries[s].length();
      tailIn |= s == tailSlot;
      headOf[s] = head;
      tailInRun[s] = tailIn;
      runBytes[s] = bytes;
    }
  }

  /** The valid entry at a slot, read once. */
  private @Nullable LogEntry entryAt(int slot) throws IOException {
    if (!read[slot]) {
      read[slot] = true;
      entries[slot] = reader.read((long) slot * SECTOR, null);
      LogEntryReader.Rejection r = reader.rejection();
      if (r != null && rejections.size() < MAX_REJECTIONS) {
        rejections.add(r);
      }
    }
    return entries[slot];
  }
}
