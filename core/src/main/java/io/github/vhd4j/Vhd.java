package io.github.vhd4j;

import static java.util.Objects.requireNonNull;

import io.github.vhd4j.internal.Converter;
import io.github.vhd4j.internal.ImageFiles;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.vhd.Committer;
import io.github.vhd4j.internal.vhd.Compactor;
import io.github.vhd4j.internal.vhd.Repairer;
import io.github.vhd4j.internal.vhd.Resizer;
import io.github.vhd4j.internal.vhd.StreamConverter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry points for VHD images: open, check, probe, create, convert to VHD, repair, resize, compact and commit. The
 * package documentation explains each group; {@link DiskImages} holds what works on an image of any format (probing
 * a file's format, writing guest bytes out raw). Every method refuses null arguments; the overloads without options
 * use {@link OpenOptions#defaults()} or {@link CheckOptions#defaults()}.
 *
 * <pre>{@code
 * try (VhdImage disk = Vhd.create(Path.of("disk.vhd"), CreateOptions.dynamic(8L << 30))) {
 *   disk.write(0, ByteBuffer.wrap(bootSector));
 * }
 * try (VhdImage image = Vhd.open(Path.of("disk.vhd"))) {
 *   ByteBuffer sector = ByteBuffer.allocate(512);
 *   image.readFully(0, sector);
 * }
 * }</pre>
 */
public final class Vhd {
  /** Bytes per sector; every VHD offset and size is counted in these. */
  public static final int SECTOR_SIZE = Sectors.SIZE;

  /** Largest block size accepted: 256 MiB (the VHDX maximum; the VHD specification sets none). */
  public static final long MAX_BLOCK_SIZE = Limits.MAX_BLOCK_SIZE;

  /** Largest virtual size of a dynamic or differencing disk: 0xFF000000 sectors (2040 GiB). */
  public static final long MAX_DYNAMIC_SIZE = Limits.MAX_DYNAMIC_SIZE;

  /** Most table entries accepted, if the table fits in the file: 2^28 (a 1 GiB table; 2040 GiB in 8 KiB blocks). */
  public static final long MAX_TABLE_ENTRIES = Limits.MAX_TABLE_ENTRIES;

  private Vhd() {}

  /**
   * Opens an image file with the default (strict) options.
   *
   * @param path the image
   * @return the open image; close it when done
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdImage open(Path path) throws IOException {
    return open(path, OpenOptions.defaults());
  }

  /**
   * Opens an image file.
   *
   * @param path the image
   * @param options how to treat the image
   * @return the open image; closing it closes the file and the parent chain
   * @throws VhdFormatException if the image is malformed (in lenient mode: beyond recovery)
   * @throws ParentNotFoundException if a differencing disk's parent cannot be found or verified
   * @throws IOException if the file cannot be read
   */
  public static VhdImage open(Path path, OpenOptions options) throws IOException {
    return ImageFiles.open(requireNonNull(path, "path"), requireNonNull(options, "options"));
  }

  /**
   * Opens an image from a channel the caller keeps ownership of: closing the image leaves the channel open. With no
   * directory to search, a differencing disk's parent is found only through {@link OpenOptions#parentResolver()}, or
   * an absolute MacX locator that points inside one of {@link OpenOptions#parentDirectories()}.
   *
   * @param channel the image bytes; a {@link FileChannel} allows concurrent reads, others are read one call at a time
   * @param resource the name used in messages
   * @param options how to treat the image
   * @return the open image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdImage open(SeekableByteChannel channel, String resource, OpenOptions options) throws IOException {
    return ImageFiles.open(channel, resource, options);
  }

  /**
   * Opens an image from a channel as {@link #open(SeekableByteChannel, String, OpenOptions)}, named {@code "channel"}.
   *
   * @param channel the image bytes
   * @param options how to treat the image
   * @return the open image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdImage open(SeekableByteChannel channel, OpenOptions options) throws IOException {
    return open(channel, "channel", options);
  }

  /**
   * Opens an image held in memory: the bytes between position and limit, not copied (do not modify them meanwhile).
   *
   * @param image the image bytes
   * @param options how to treat the image
   * @return the open image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdImage open(ByteBuffer image, OpenOptions options) throws IOException {
    return ImageFiles.open(image, options);
  }

  /**
   * Opens an image held in memory with the default (strict) options; see {@link #open(ByteBuffer, OpenOptions)}.
   *
   * @param image the image bytes between position and limit; not copied, do not modify them
   * @return the open image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdImage open(ByteBuffer image) throws IOException {
    return open(image, OpenOptions.defaults());
  }

  /**
   * Checks an image file and its parent chain with the default options.
   *
   * @param path the image
   * @return every problem found; never throws for format problems
   * @throws IOException if the file cannot be read at all
   */
  public static ValidationReport check(Path path) throws IOException {
    return check(path, CheckOptions.defaults());
  }

  /**
   * Checks an image file.
   *
   * @param path the image
   * @param options what to check
   * @return every problem found; never throws for format problems
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options) throws IOException {
    return check(path, options, ProgressListener.none());
  }

  /**
   * Checks an image file, reporting the progress of a deep check, which reads every allocated block of every image
   * it checks and can take minutes on a large disk.
   *
   * @param path the image
   * @param options what to check
   * @param progress told after each block the bytes scanned so far out of all allocated blocks of the chain's images;
   *     without {@link CheckOptions#deep()}, told once that there is nothing to scan ({@code done == total == 0})
   * @return every problem found; never throws for format problems
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options, ProgressListener progress) throws IOException {
    return ImageFiles.check(path, options, progress);
  }

  /**
   * Checks an image read from a channel the caller keeps ownership of.
   *
   * @param channel the image bytes
   * @param resource the name used in the report
   * @param options what to check
   * @return every problem found
   * @throws IOException if the channel cannot be read
   */
  public static ValidationReport check(SeekableByteChannel channel, String resource, CheckOptions options)
      throws IOException {
    return ImageFiles.check(channel, resource, options);
  }

  /**
   * Checks an image held in memory (the bytes between position and limit).
   *
   * @param image the image bytes
   * @param options what to check
   * @return every problem found
   * @throws IOException never for format problems
   */
  public static ValidationReport check(ByteBuffer image, CheckOptions options) throws IOException {
    return ImageFiles.check(image, options);
  }

  /**
   * Checks an image held in memory with the default options.
   *
   * @param image the image bytes between position and limit
   * @return every problem found
   * @throws IOException never for format problems
   */
  public static ValidationReport check(ByteBuffer image) throws IOException {
    return check(image, CheckOptions.defaults());
  }

  /**
   * Tells whether a file looks like a VHD: a footer with a valid cookie and checksum at the end of the file (512 or
   * 511 bytes), or a valid dynamic or differencing footer copy at offset 0. The file name is never considered. The
   * file is read as a read-only open reads it, with a reader's lock.
   *
   * @param path the file: a regular file or a block device
   * @return true when a valid footer is present
   * @throws java.nio.file.FileSystemException if {@code path} is a FIFO, socket, character device or directory
   *     (refused before it is opened)
   * @throws IOException if the file cannot be read
   */
  public static boolean probe(Path path) throws IOException {
    return ImageFiles.probe(path, false);
  }

  /**
   * Tells whether the footer cookie {@code "conectix"} is where a footer belongs (the end of the file, as a 512- or
   * 511-byte footer, or offset 0), valid or not: tools use this to report a damaged VHD as one, not as raw data.
   *
   * @param path the file: a regular file or a block device
   * @return true when the cookie is present
   * @throws IOException as for {@link #probe(Path)}
   */
  public static boolean hasFooterCookie(Path path) throws IOException {
    return ImageFiles.probe(path, true);
  }

  /**
   * Creates a new image file and opens it for writing. Fixed disks are written sparse (the data area is a hole until
   * written), dynamic and differencing disks with an empty block table. A differencing disk records its parent's UUID
   * and time stamp, its name, and three locators: W2ru (relative to the new file's directory, with backslashes), W2ku
   * (absolute) and MacX (a file URL); over another differencing disk it makes a longer chain. The new file is held as a
   * writable image is ({@link OpenOptions#locking()}) from before its first byte is written until closed.
   *
   * @param path the new file; it must not exist
   * @param options what to create
   * @return the new image, writable; closing it flushes and closes the file
   * @throws java.nio.file.FileAlreadyExistsException if {@code path} exists
   * @throws IllegalArgumentException if the options describe an image that cannot exist (a table with more than
   *     {@link #MAX_TABLE_ENTRIES} entries, for example)
   * @throws IOException if the file cannot be written or the parent cannot be opened
   */
  public static VhdImage create(Path path, CreateOptions options) throws IOException {
    return ImageFiles.create(path, options);
  }

  /**
   * Converts an image into a new fixed or dynamic image: between types and block sizes, or a differencing chain to one
   * flat image (the source reads through its parents). Only stored ranges are read; all-zero blocks stay unallocated in
   * a dynamic target and holes in a fixed one. The new image has the source's size: exactly in {@link SizeMode#EXACT}
   * (rounded up to whole sectors), rounded up to a CHS geometry in {@link SizeMode#CHS}, and, for a target with
   * {@link CreateOptions#azure() Azure's rules}, rounded up to a whole MiB and to at least 20 MiB. Nothing is forced while
   * copying; the finished file is forced once unless {@code target}'s durability is {@link Durability#NONE}.
   *
   * @param source the image to copy
   * @param out the new file; it must not exist, and is removed if the conversion fails
   * @param target the new image's type, block size, size mode and layout ({@code size} is ignored)
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IllegalArgumentException if {@code target} is a differencing disk
   * @throws IOException if reading or writing fails
   */
  public static void convert(DiskImage source, Path out, CreateOptions target, ProgressListener progress)
      throws IOException {
    Converter.convert(Converter.of(requireNonNull(source, "source")), requireNonNull(out, "out"),
        requireNonNull(target, "target"), requireNonNull(progress, "progress"));
  }

  /**
   * Converts a raw disk image (the guest bytes, nothing else) into a new fixed or dynamic image, as
   * {@link #convert(DiskImage, Path, CreateOptions, ProgressListener)} does.
   *
   * @param raw the raw file, read with a reader's lock unless {@code target.openOptions()} turns locking off
   * @param out the new file; it must not exist, and is removed if the conversion fails
   * @param target the new image's type, block size, size mode and layout ({@code size} is ignored)
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if reading or writing fails
   */
  public static void convertRaw(Path raw, Path out, CreateOptions target, ProgressListener progress)
      throws IOException {
    requireNonNull(raw, "raw");
    requireNonNull(out, "out");
    requireNonNull(target, "target");
    requireNonNull(progress, "progress");
    try (OpenFiles.Lease in = OpenFiles.open(raw, OpenFiles.Access.READ, target.openOptions().locking())) {
      Converter.convert(Converter.of(in.channel()), out, target, progress);
    }
  }

  /**
   * Converts raw guest bytes read from a stream (a pipe, standard input, a character device: any channel that can
   * only be read forward) into a new fixed or dynamic image holding the guest bytes that
   * {@link #convertRaw(Path, Path, CreateOptions, ProgressListener)} would from a file of the same bytes. The disk's
   * size is the number of bytes read, rounded up to a whole sector ({@link SizeMode#EXACT}) or a CHS geometry
   * ({@link SizeMode#CHS}). The input is read once, in order, and never sought; the new file is: all-zero blocks stay
   * unallocated (dynamic) or holes (fixed), a dynamic image's blocks are stored in the order they arrive, and its
   * table after the last one (the header points to it, as the format allows). Memory grows with the blocks stored,
   * never with the input's length.
   *
   * @param raw the guest bytes, from the channel's position to its end; a blocking channel, not closed
   * @param out the new file; it must not exist, and is removed if the conversion fails
   * @param target the new image's type, block size, size mode and layout ({@code size} is ignored);
   *     {@code target.openOptions().durability()} other than {@link Durability#NONE} forces the finished file once
   * @param progress told the bytes read so far, with a total of -1 until the input ends; the last call reports the
   *     length as both
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IllegalArgumentException if {@code target} is a differencing disk, or {@code raw} is a non-blocking channel
   * @throws VhdLimitException if the input holds more than the target type can: 2040 GiB dynamic (less with blocks
   *     under 8 KiB: {@link #MAX_TABLE_ENTRIES} blocks), {@link CreateOptions#MAX_FIXED_SIZE} fixed
   * @throws IOException if reading or writing fails
   */
  public static void convertRaw(ReadableByteChannel raw, Path out, CreateOptions target, ProgressListener progress)
      throws IOException {
    StreamConverter.toVhd(requireNonNull(raw, "raw"), requireNonNull(out, "out"), requireNonNull(target, "target"),
        requireNonNull(progress, "progress"));
  }

  /**
   * Repairs what needs no guessing: a lost or damaged footer at the end of the file (rewritten from the copy at
   * offset 0), a damaged copy (rewritten from the footer), a 511-byte footer (completed), footer and header checksums
   * that are wrong while the fields validate, and table entries that point outside the file (cleared: their data is
   * not there). Each change is forced before the next, so an interrupted repair can simply be run again.
   *
   * @param image the image file (its parents are not opened)
   * @return the changes made, in order; empty when the image needed none
   * @throws ImageInUseException if another process uses the image (nothing is changed)
   * @throws VhdFormatException if the image cannot be read even leniently
   * @throws IOException if the file cannot be read or written
   * @see #planRepair(Path)
   */
  public static List<RepairAction> repair(Path image) throws IOException {
    return repair(image, OpenOptions.defaults());
  }

  /**
   * Repairs an image as {@link #repair(Path)} does, holding the file as {@code options} say.
   *
   * @param image the image file (its parents are not opened)
   * @param options only {@link OpenOptions#locking()} is used: whether the file is held exclusively (read leniently)
   * @return the changes made, in order; empty when the image needed none
   * @throws IOException as for {@link #repair(Path)} ({@link ImageInUseException} only with locking)
   */
  public static List<RepairAction> repair(Path image, OpenOptions options) throws IOException {
    return Repairer.repair(requireNonNull(image, "image"), false, requireNonNull(options, "options").locking());
  }

  /**
   * Lists what {@link #repair(Path)} would change, in order, and changes nothing: the file is opened read-only.
   *
   * @param image the image file (its parents are not opened)
   * @return the changes a repair would make; empty when the image needs none
   * @throws VhdFormatException if the image cannot be read even leniently
   * @throws IOException if the file cannot be read
   */
  public static List<RepairAction> planRepair(Path image) throws IOException {
    return planRepair(image, OpenOptions.defaults());
  }

  /**
   * Lists what {@link #repair(Path, OpenOptions)} would change, and changes nothing.
   *
   * @param image the image file (its parents are not opened)
   * @param options only {@link OpenOptions#locking()} is used: whether the file is read with a reader's lock
   * @return the changes a repair would make; empty when the image needs none
   * @throws IOException as for {@link #planRepair(Path)}
   */
  public static List<RepairAction> planRepair(Path image, OpenOptions options) throws IOException {
    return Repairer.repair(requireNonNull(image, "image"), true, requireNonNull(options, "options").locking());
  }

  /**
   * Changes an image's virtual size. Fixed disks move their footer. Dynamic and differencing disks extend their
   * block table over its padding when there is room, and otherwise write a larger table after the last block; no
   * block moves. Shrinking is allowed only over space that stores nothing (zeros in a fixed disk, no stored data in
   * the others). A differencing disk grows only up to its parent's size, and not over data its parent stores. The
   * footer's original size is set to the new size as well (libvhdi takes it as the disk's size), and the table
   * length to exactly the blocks the size needs, as 7-Zip requires. On a block device, which cannot grow or be cut,
   * the footer is rewritten in place, a fixed disk's size cannot change, and a table that outgrows its area is refused.
   *
   * <p>Interrupted, the image still opens (in vhd4j, qemu-img, 7-Zip and libvhdi) with its old or new size and its
   * content intact up to the smaller one; running the resize again completes it (see the package documentation).
   *
   * @param image the image file; it is held exclusively while it changes ({@link OpenOptions#locking()})
   * @param size the new size in bytes
   * @param mode {@link SizeMode#EXACT} for exactly {@code size}, {@link SizeMode#CHS} to round it up to a geometry
   * @return the new virtual size
   * @throws IllegalArgumentException if the size is negative, not whole sectors in exact mode, or above the limit
   * @throws ImageInUseException if another process uses the image (nothing is changed)
   * @throws VhdException naming the image, if a shrink would cut stored data or a differencing disk would grow past
   *     its parent or over data its parent stores (nothing is changed)
   * @throws UnsupportedVhdFeatureException if the image is in a saved state or its tail footer is lost (run
   *     {@link #repair} first), or is a fixed disk on a block device (whose footer cannot move)
   * @throws IOException if the image is damaged or writing fails
   */
  public static long resize(Path image, long size, SizeMode mode) throws IOException {
    return resize(image, size, mode, OpenOptions.defaults());
  }

  /**
   * Changes an image's virtual size as {@link #resize(Path, long, SizeMode)} does, holding the file as options say.
   *
   * @param image the image file
   * @param size the new size in bytes
   * @param mode {@link SizeMode#EXACT} or {@link SizeMode#CHS}
   * @param options only {@link OpenOptions#locking()} is used, for the image and its chain (read strictly)
   * @return the new virtual size
   * @throws IOException as for {@link #resize(Path, long, SizeMode)} ({@link ImageInUseException} only with locking)
   */
  public static long resize(Path image, long size, SizeMode mode, OpenOptions options) throws IOException {
    return Resizer.resize(requireNonNull(image, "image"), size, requireNonNull(mode, "mode"),
        requireNonNull(options, "options").locking());
  }

  /**
   * Compacts a dynamic disk: all-zero blocks are unallocated, the blocks stored last move into the freed places, and
   * the file is cut after the last block; the content does not change. Each block move is forced before the table
   * points at the new place, so an interrupted compaction leaves a valid image and can be run again.
   *
   * @param image the dynamic image file; it is held exclusively while it changes ({@link OpenOptions#locking()})
   * @param progress told about the blocks examined
   * @return how many bytes the file shrank by
   * @throws ImageInUseException if another process uses the image (nothing is changed)
   * @throws UnsupportedVhdFeatureException for fixed and differencing disks, and on a block device (cannot be cut)
   * @throws IOException if the image is damaged or writing fails
   */
  public static long compact(Path image, ProgressListener progress) throws IOException {
    return compact(image, OpenOptions.defaults(), progress);
  }

  /**
   * Compacts a dynamic disk as {@link #compact(Path, ProgressListener)} does, holding the file as options say.
   *
   * @param image the dynamic image file
   * @param options only {@link OpenOptions#locking()} is used: whether the image is held exclusively (read strictly)
   * @param progress told about the blocks examined
   * @return how many bytes the file shrank by
   * @throws IOException as for {@link #compact(Path, ProgressListener)} ({@link ImageInUseException} only with locking)
   */
  public static long compact(Path image, OpenOptions options, ProgressListener progress) throws IOException {
    requireNonNull(image, "image");
    requireNonNull(options, "options");
    return Compactor.compact(image, requireNonNull(progress, "progress"), options.locking());
  }

  /**
   * Commits a differencing disk into its parent: every sector the child stores is written into the parent (grown first
   * if the child is larger). The child stays unchanged and valid over the changed parent, so an interrupted commit can
   * be run again; the parent's other children see the committed data. Child and parent are held exclusively
   * ({@link OpenOptions#locking()}), as QEMU's commit holds them: another program writing the child would make the
   * parent a mix of two states.
   *
   * @param child the differencing disk
   * @param options how to open the chain (parent directories, resolver, locking); writability is ignored
   * @param progress told about the child's bytes processed
   * @return the parent's path
   * @throws ImageInUseException if another process uses the child or the parent (nothing is changed)
   * @throws UnsupportedVhdFeatureException if {@code child} is not a differencing disk
   * @throws IOException if the chain cannot be opened or the parent cannot be written
   */
  public static Path commit(Path child, OpenOptions options, ProgressListener progress) throws IOException {
    return Committer.commit(requireNonNull(child, "child"), requireNonNull(options, "options"),
        requireNonNull(progress, "progress"));
  }

  /**
   * Holds an existing file as a writable image holds it, without opening it as an image: while the handle is open,
   * QEMU and other vhd4j processes cannot open the file, and a second writer in this process is refused. A tool
   * replacing a file (renaming a conversion over it) holds it first, so as never to replace a file in use.
   *
   * @param file an existing regular file or block device
   * @param options only {@link OpenOptions#locking()} is used: without locking the handle holds and checks nothing
   * @return the handle; closing it releases the file
   * @throws ImageInUseException if another process uses the file
   * @throws java.nio.file.FileSystemException if {@code file} is a FIFO, socket, character device or directory
   * @throws IOException if the file cannot be opened for writing
   */
  public static java.io.Closeable holdForWriting(Path file, OpenOptions options) throws IOException {
    return OpenFiles.open(requireNonNull(file, "file"), OpenFiles.Access.WRITE,
        requireNonNull(options, "options").locking());
  }
}
