package io.github.vhd4j.internal.storage;

import io.github.vhd4j.ImageInUseException;
import io.github.vhd4j.VhdException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every image file this process has open, one entry per file, and the locks held on it.
 *
 * <p>The locks are POSIX byte-range locks ({@link FileChannel#tryLock}) in the bytes QEMU locks:
 * byte 100 + p for each permission p a user holds, 200 + p for each it does not let others have
 * (p: 0 consistent read, 1 write, 2 write of unchanged data, 3 resize). On Linux they conflict
 * with the OFD locks QEMU takes, so each side sees the other. A writer holds 100 shared and
 * 101-103 and 200-203 exclusively; a reader holds 100, 201 and 203 shared, as {@code qemu-img
 * info} does, so that no writer starts while it reads.
 *
 * <p>POSIX locks belong to the process, and the kernel drops all of them on a file as soon as the
 * process closes any descriptor of it; Java also refuses overlapping locks within one JVM. So each
 * file is opened once here, by identity (device and inode): every user leases the same channels,
 * which stay open until the last lease is closed, and the locks held are the strongest any user
 * needs. Within the process, a second writer of a file is refused; readers may share a file with
 * one writer (committing reads the child's chain while it writes the parent), and get no
 * warning for it: the writer is the caller's own.
 *
 * <p>Leases without locking share the channels but neither take locks nor look for other users.
 * Windows takes no locks: its byte-range locks are mandatory and would stop other programs from
 * reading those bytes.
 */
public final class OpenFiles {
  /** First byte of the permission locks; first of the "not shared" locks. */
  private static final long PERM = 100;
  private static final long UNSHARED = 200;
  /** Permission indexes (QEMU's order). */
  private static final int WRITE = 1;
  private static final int RESIZE = 3;

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private static final Object LOCK = new Object();
  private static final Map<Object, Entry> ENTRIES = new HashMap<>();

  private OpenFiles() {}

  /** What a lease does with the file. */
  public enum Access {
    /** Reads an existing file. */
    READ,
    /** Reads and writes an existing file. */
    WRITE,
    /** Creates a new file (it must not exist) and writes it. */
    CREATE
  }

  /**
   * Opens a file, or joins this process's entry for it.
   *
   * @param path the file; for {@link Access#READ} and {@link Access#WRITE} a regular file or a
   *     block device
   * @param access what the lease does
   * @param locking take and respect locks; false shares the channels only
   * @return the lease; close it when done
   * @throws ImageInUseException when a writer is refused: another process (or, for a second
   *     writer, this one) uses the file
   * @throws java.nio.file.FileSystemException if the path names a FIFO, socket, character device,
   *     directory or other non-file (nothing is opened), or already exists for
   *     {@link Access#CREATE}
   * @throws VhdException if the file system does not support locks
   * @throws IOException if the file cannot be opened
   */
  public static Lease open(Path path, Access access, boolean locking) throws IOException {
    return open(path, access, locking, null);
  }

  /**
   * Opens a file as {@link #open(Path, Access, boolean)} does, looking for writers elsewhere in a
   * lock table read once for a series of opens.
   *
   * @param path the file
   * @param access what the lease does
   * @param locking take and respect locks
   * @param table the kernel's lock table as read for the series, or null to read it for this open
   * @return the lease; close it when done
   * @throws IOException as for {@link #open(Path, Access, boolean)}
   */
  public static Lease open(Path path, Access access, boolean locking, @Nullable ProcLocks table)
      throws IOException {
    FileChannel created = null;
    if (access == Access.CREATE) {
      // CREATE_NEW (O_EXCL) never follows a link planted under the name and never touches an
      // existing file; the new file is locked before its first byte is written.
      created = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    }
    boolean write = access != Access.READ;
    Lease lease;
    synchronized (LOCK) {
      FileIdentity id;
      try {
        id = FileIdentity.of(path);
      } catch (IOException | RuntimeException e) {
        // Not removed: what the name holds now may not be the file this open made.
        closeQuietly(created);
        throw e;
      }
      Entry e = ENTRIES.get(id.key());
      if (e == null) {
        FileChannel ch = created != null ? created : write
            ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(path, StandardOpenOption.READ);
        e = new Entry(id, path, ch, write ? ch : null);
        ENTRIES.put(id.key(), e);
      } else if (created != null) {
        // A new file cannot already be open: another file was renamed to the name between the
        // create and the stat. (Closing our descriptor drops this process's locks on that file.)
        closeQuietly(created);
        throw new java.nio.file.FileSystemException(path.toString(), null, "was replaced while it was created");
      }
      boolean ok = false;
      e.users++;
      try {
        if (write && e.writeChannel == null) {
          e.writeChannel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
          e.extra = e.writeChannel;
        }
        lease = new Lease(e, write, locking && !WINDOWS, path.toString());
        if (lease.locking) {
          if (write) {
            e.lockForWriter(lease.resource);
          } else {
            lease.inUse = e.lockForReader(lease);
          }
        }
        ok = true;
      } finally {
        if (!ok) {
          e.users--;
          e.closeIfUnused();
          if (created != null) {
            // The file is ours (CREATE_NEW, and the name still named it) and empty: a failed
            // create leaves none.
            deleteQuietly(path);
          }
        }
      }
    }
    if (lease.lookInTable) {
      // Outside LOCK, as the slowest step of an open, after the reader's locks (lockForReader).
      boolean other = (table != null ? table : ProcLocks.lazy()).writerOn(lease.entry.id.dev(), lease.entry.id.inode());
      synchronized (LOCK) {
        lease.entry.lookedInTable(lease, other);
      }
    }
    return lease;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Already failing; the original exception matters more.
    }
  }

  /** Returns the number of files this process has open through leases, for tests. */
  static int entries() {
    synchronized (LOCK) {
      return ENTRIES.size();
    }
  }

  private static void closeQuietly(@Nullable Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // Already failing; the original exception matters more.
      }
    }
  }

  /** One open file: its channels, its users and the locks held for them. Guarded by LOCK. */
  private static final class Entry {
    final FileIdentity id;
    final Path path;
    /** Opened by the first user: read-only, or read-write for a writer. */
    final FileChannel channel;
    /** Read-write: the first channel for a writer, otherwise opened when the first writer came. */
    @Nullable FileChannel writeChannel;
    /** A second channel opened for a writer, closed with the entry. */
    @Nullable FileChannel extra;
    int users;
    /** Whether the lock table, read since 201 and 203 were taken, showed no writer elsewhere. */
    boolean verified;
    /** Leases that lock: readers, and whether a writer is among them. */
    int readers;
    boolean writer;
    @Nullable FileLock perm;
    @Nullable FileLock readShared201;
    @Nullable FileLock readShared203;
    @Nullable FileLock writePerms;
    @Nullable FileLock writeUnshared;

    Entry(FileIdentity id, Path path, FileChannel channel, @Nullable FileChannel writeChannel) {
      this.id = id;
      this.path = path;
      this.channel = channel;
      this.writeChannel = writeChannel;
    }

    /**
     * Takes the writer's locks, giving up the readers' shared ones that overlap them (Java allows
     * no overlap within a JVM); restores them when another process is in the way.
     */
    void lockForWriter(String resource) throws IOException {
      if (writer) {
        throw new ImageInUseException("the image is open for writing elsewhere in this process (" + resource + ")",
            resource, null);
      }
      FileChannel ch = writeChannel;
      boolean hadReaderLocks = readShared201 != null;
      try {
        if (perm == null) {
          perm = ch.tryLock(PERM, 1, true);
        }
        release201And203();
        writePerms = perm == null ? null : ch.tryLock(PERM + WRITE, RESIZE, false);
        writeUnshared = writePerms == null ? null : ch.tryLock(UNSHARED, RESIZE + 1, false);
      } catch (OverlappingFileLockException x) {
        restoreAfterRefusal(hadReaderLocks);
        throw outsideLock(resource, x);
      } catch (IOException x) {
        restoreAfterRefusal(hadReaderLocks);
        throw unsupported(resource, x);
      }
      if (writeUnshared == null) {
        restoreAfterRefusal(hadReaderLocks);
        throw new ImageInUseException("another process is using it: QEMU or another vhd4j holds its lock; close it"
            + " there first, or turn locking off (vhd --no-lock, OpenOptions.withLocking(false)) at the risk of"
            + " corrupting it (" + resource + ")", resource, null);
      }
      writer = true;
    }

    private void restoreAfterRefusal(boolean hadReaderLocks) {
      release(writePerms);
      writePerms = null;
      release(writeUnshared);
      writeUnshared = null;
      if (hadReaderLocks) {
        takeReaderShared();
      }
      if (readers == 0) {
        release(perm);
        perm = null;
      }
    }

    /**
     * Takes the reader's locks unless this process writes the file; a vhd4j writer elsewhere
     * refuses them (then only byte 100 is held, so nothing of ours stands in its way). A QEMU
     * writer, holding shared locks only, is looked for in the kernel's table after this: once
     * 201 and 203 are held no QEMU writer can start, so that later read misses none.
     *
     * @param lease the new lease, told whether to look in the table
     * @return why the content may change while it is read, or null
     */
    @Nullable String lockForReader(Lease lease) throws IOException {
      readers++;
      if (writer || readShared201 != null) {
        // Joining: look in the table too until the lease that took 201 and 203 has.
        lease.lookInTable = !writer && !verified;
        return null;
      }
      try {
        FileChannel ch = channel;
        if (perm == null) {
          perm = ch.tryLock(PERM, 1, true);
        }
        if (!takeReaderShared()) {
          return ProcLocks.inUse(lease.resource);
        }
        verified = ENTRIES.size() > ProcLocks.DETECTION_LIMIT;
        lease.lookInTable = !verified;
        return null;
      } catch (OverlappingFileLockException x) {
        readers--;
        throw outsideLock(lease.resource, x);
      } catch (IOException x) {
        readers--;
        throw unsupported(lease.resource, x);
      }
    }

    /** Records what the table showed a new reader: a writer elsewhere gets 201 and 203 back. */
    void lookedInTable(Lease lease, boolean writerElsewhere) {
      if (writerElsewhere) {
        lease.inUse = ProcLocks.inUse(lease.resource);
        release201And203();
      }
      verified = !writerElsewhere && readShared201 != null;
    }

    /** Takes 201 and 203 shared; false (holding neither) when a writer elsewhere holds them. */
    private boolean takeReaderShared() {
      try {
        readShared201 = channel.tryLock(UNSHARED + WRITE, 1, true);
        readShared203 = readShared201 == null ? null : channel.tryLock(UNSHARED + RESIZE, 1, true);
      } catch (IOException | OverlappingFileLockException x) {
        readShared203 = null;
      }
      if (readShared203 == null) {
        release201And203();
        return false;
      }
      return true;
    }

    private void release201And203() {
      release(readShared201);
      release(readShared203);
      readShared201 = null;
      readShared203 = null;
    }

    /** Gives up a lease's locks: a writer's become the readers' again, or all go with the last. */
    void unlock(boolean wasWriter) {
      if (wasWriter) {
        writer = false;
        release(writePerms);
        release(writeUnshared);
        writePerms = null;
        writeUnshared = null;
        if (readers > 0) {
          takeReaderShared();
        }
      } else {
        readers--;
      }
      if (readers == 0 && !writer) {
        release201And203();
        release(perm);
        perm = null;
      }
    }

    /** Closes the channels (dropping every lock) once no lease is left. */
    void closeIfUnused() {
      if (users > 0) {
        return;
      }
      ENTRIES.remove(id.key(), this);
      release201And203();
      release(writePerms);
      release(writeUnshared);
      release(perm);
      closeQuietly(extra);
      closeQuietly(channel);
    }

    private static void release(@Nullable FileLock l) {
      if (l != null && l.isValid()) {
        try {
          l.release();
        } catch (IOException e) {
          // The channel is gone, and the lock with it.
        }
      }
    }

    private static VhdException unsupported(String resource, IOException cause) {
      return new VhdException("cannot lock the file (" + cause.getMessage() + "): the file system may not support"
          + " locks; turn locking off (vhd --no-lock, OpenOptions.withLocking(false)) if no other program can"
          + " use it (" + resource + ")", resource, cause);
    }

    /** Java refuses a lock that overlaps one taken in this JVM by code other than this class. */
    private static ImageInUseException outsideLock(String resource, OverlappingFileLockException cause) {
      return new ImageInUseException("this process holds a lock on the image outside vhd4j (" + resource + ")",
          resource, cause);
    }
  }

  /**
   * One user's share of an open file. Closing it gives up what it needed; the file is closed
   * with the last lease.
   */
  public static final class Lease implements Closeable {
    private final Entry entry;
    private final boolean write;
    private final boolean locking;
    private final String resource;
    private @Nullable String inUse;
    /** Set by {@link Entry#lockForReader}: the kernel's table is still to be read. */
    private boolean lookInTable;
    private boolean closed;

    private Lease(Entry entry, boolean write, boolean locking, String resource) {
      this.entry = entry;
      this.write = write;
      this.locking = locking;
      this.resource = resource;
    }

    /**
     * Returns the channel to read (and, for a writer, write) through. It is shared: never close
     * it, and never change its position.
     *
     * @return the channel
     */
    public FileChannel channel() {
      FileChannel w = entry.writeChannel;
      return write && w != null ? w : entry.channel;
    }

    /**
     * Tells whether the lease may write.
     *
     * @return true for {@link Access#WRITE} and {@link Access#CREATE}
     */
    public boolean isWritable() {
      return write;
    }

    /**
     * Tells whether the file is a block device.
     *
     * @return true for a block device
     */
    public boolean isDevice() {
      return entry.id.device();
    }

    /**
     * Returns the name of the file in messages: the path as the lease's user gave it.
     *
     * @return the name
     */
    public String resource() {
      return resource;
    }

    /**
     * Returns why the content may change while it is read (another process writes the file), for
     * a read-only lease that found such a writer when it was opened.
     *
     * @return the warning text, or null
     */
    public @Nullable String inUse() {
      return inUse;
    }

    /**
     * Cuts the file to {@code length} bytes and forces the change, through the shared channel (a
     * second descriptor, once closed, would drop the locks).
     *
     * @param length the new length, at most the current one
     * @throws IOException if the file cannot be cut, or is a block device
     */
    public void truncate(long length) throws IOException {
      if (!write) {
        throw new java.nio.channels.NonWritableChannelException();
      }
      if (isDevice()) {
        throw new IOException(resource + " is a block device, which cannot be cut to " + length + " bytes");
      }
      FileChannel ch = channel();
      ch.truncate(length);
      ch.force(true);
    }

    /** Gives up this lease; the last one closes the file and its locks. Closing twice does nothing. */
    @Override
    public void close() {
      synchronized (LOCK) {
        if (closed) {
          return;
        }
        closed = true;
        if (locking) {
          entry.unlock(write);
        }
        entry.users--;
        entry.closeIfUnused();
      }
    }
  }
}
